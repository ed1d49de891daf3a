/**
 * The small ports the use cases take: where secrets come from, where an exchange is saved, where
 * log lines go, and what a listening server looks like. The extension and the CLI each implement
 * them (SecretStorage and input boxes; flags, files and stdout); tests pass plain objects.
 */
import type { ExchangeMessage, TransactionResult } from '../core/transport';

/** Who needs a secret: the names it may be stored under, and what it is for (for a prompt). */
export interface SecretQuery {
  /** senderKID in hex: the name the inspector, Send and the capture view store secrets under. */
  senderKid?: string;
  /** transactionID in hex: a secret that worked for one message of an exchange works for the others. */
  transactionId?: string;
  /** A server entry's SecretStorage name (`cmpLens.servers[].secretRef`). */
  secretRef?: string;
  /** The server's name, for the prompt. */
  server?: string;
  /** What the secret is for, in words ("the MAC of ir.der", "certConf and pollReq to CA 1"). */
  purpose: string;
}

/**
 * Where shared secrets come from. One policy for every front end (see `obtainSecret`/`settleSecret`):
 * a stored or given secret is used as it is; a typed one is remembered only once it proved right
 * (a MAC verified with it), never before.
 */
export interface SecretSource {
  /** A secret known without asking: stored (SecretStorage) or given (--secret-file, --secret-env). */
  lookup(q: SecretQuery): Promise<Uint8Array | undefined>;
  /** Asks the person; absent where nobody can be asked (the CLI). */
  ask?(q: SecretQuery): Promise<Uint8Array | undefined>;
  /** Keeps a secret that proved right for `q`; absent where nothing is kept (the CLI). */
  remember?(q: SecretQuery, secret: Uint8Array): Promise<void>;
  /**
   * A secret that a transaction used and an answer's MAC proved (not typed: given, stored or the test
   * CA's): known for the rest of the session for `q`'s senderKID and transactionID, never stored.
   */
  learn?(q: SecretQuery, secret: Uint8Array): void;
}

/** The secrets of no one: nothing stored, nobody asked. */
export const noSecrets: SecretSource = { lookup: async () => undefined };

/** One secret for every query (the CLI's --secret-file/--secret-env, the test CA's own). */
export function givenSecret(secret: Uint8Array | undefined): SecretSource {
  return { lookup: async () => secret };
}

/** Log lines (never a secret in them). */
export interface Log {
  info(line: string): void;
  warn(line: string): void;
  error(line: string): void;
}

export const silentLog: Log = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Where an exchange's messages are saved the moment each exists (src/node/exchangeStore: a folder). */
export interface ExchangeSink {
  /** The place, for people ("/home/…/cmp-exchange-20261202-101500"). */
  readonly where: string;
  /** Names of what was written, in message order, then the issued certificates. */
  readonly files: string[];
  add(m: ExchangeMessage): unknown;
  /** A private key the exchange delivered (PEM), owner-only; false when this sink cannot keep one so. */
  addSecret?(name: string, text: string): boolean;
  /** The issued certificates and a summary, with the protocol-check lines and what was decrypted. */
  finish(result: TransactionResult, server: string, checks: string[], notes?: string[]): unknown;
}

/** A server listening for CMP requests (src/node/testcaServer on loopback). */
export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}
