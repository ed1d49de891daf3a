/**
 * What differs between VS Code's two extension hosts, as one port the features take: the Node host
 * (desktop VS Code, code-server, Remote) and the web worker host (vscode.dev, github.dev, code-server's
 * browser-only host). `node/platform.ts` is the Node side (node:http, node:fs, a listening test CA),
 * `web/platform.ts` the browser side (fetch, `vscode.workspace.fs`, the test CA in the worker). Nothing
 * else in src/extension may reach Node's modules or src/node (scripts/lint/layers.mjs enforces it).
 */
import type * as vscode from 'vscode';
import type { ExchangeRunner, ExchangeSink, ListenCa, ModelInfo, ModelPort, OpenCa } from '../app';
import type { KeyPair } from '../core/base';
import type { CaptureResult } from '../core/capture';
import type { Post, ServerConfig } from '../core/transport';

/** An exchange sink whose writes can be waited for (the reply is opened once its file exists). */
export interface SavedExchange extends ExchangeSink {
  /** Resolves when every file written so far is on disk; rejects with the first write that failed. */
  settled(): Promise<void>;
}

export interface Platform {
  /** Which host this is; `web` hides what a browser cannot do (a listening test CA, TLS files). */
  readonly host: 'node' | 'web';
  /** A one-line description of the host for the activation log ("Node 24.11 (OpenSSL 3.5.4)", "web worker"). */
  readonly description: string;
  /** The transport for a configured server; throws (in words) when the entry cannot be used here. */
  post(server: ServerConfig, options: { tlsKeyPassphrase?: string }): Post;
  /** Saves an exchange's messages in `folder` as they happen (atomically, file by file). */
  exchangeSink(folder: vscode.Uri): SavedExchange;
  /**
   * Decodes a file for an inspector: in a worker thread on the Node host (the host's thread stays
   * free, and disposing the model ends the worker), in this thread on the web. `signal` cancels.
   */
  openModel(bytes: Uint8Array, signal: AbortSignal, onEarly?: (early: ModelInfo) => void): Promise<ModelPort>;
  /** How a capture's exchanges are checked: over worker threads (Node), in this thread (web). */
  readonly captureRunner: ExchangeRunner;
  /** Reads and parses a capture, reporting progress; `signal` cancels. */
  readCapture(
    uri: vscode.Uri,
    onProgress: (read: number, total: number) => void,
    signal: AbortSignal,
  ): Promise<CaptureResult>;
  /**
   * Writes a private key as PKCS#8 PEM readable by its owner only (mode 0600); returns false, writing
   * nothing, where that cannot be promised (a file system without modes: the browser, a remote one).
   */
  saveKey(uri: vscode.Uri, key: Pick<KeyPair, 'pkcs8'>): Promise<boolean>;
  /** How a file the user picked is named in a form (a path on the Node host, a URI on the web) … */
  nameOf(uri: vscode.Uri): string;
  /** … and back: the file a form's name (or a `cmpLens.trustAnchors` entry) refers to. */
  uriOf(name: string): vscode.Uri;
  /** The embedded test CA: where it is kept and how it is reached. */
  readonly testCa: {
    /** Opens (or makes) the CA kept in `folder`; absent: a new CA in memory each time it starts. */
    open?: (folder: vscode.Uri) => OpenCa;
    /** Starts serving it: a loopback HTTP server (Node) or in the worker itself (web, no socket). */
    listen: ListenCa;
    /** The Post that reaches a CA served by `listen` at `url` (the in-worker one); undefined: use `post`. */
    reach?: (url: string) => Post | undefined;
    /** Said in the server pick: "on 127.0.0.1, started on demand" or "in this window". */
    where(): string;
  };
}
