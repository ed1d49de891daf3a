/**
 * Messages between the composer webview ("CMP Lens: New Request") and the extension host. The
 * webview owns the form; the host owns files, keys, secrets and the built message, and answers
 * every change with a preview: the same annotated tree the inspector shows, or the field errors.
 * Secrets never cross into the webview: the form names where a secret comes from, not its value.
 */
import { int, messageGuard, oneOf, optional, plainData } from './guards';
import { inspectorMessageKinds, type ShowPayload, type WebviewToHost, type HostToWebview } from './protocol';
import type { Finding } from './findings';
import type { CheckResult } from './protection';
import type { FieldError, RequestSpec } from './requestSpec';

/** Files the form refers to, chosen with the host's file dialog (paths on the host). */
export const fileFields = [
  'key',
  'csr',
  'oldCert',
  'confirmCert',
  'extraCerts',
  'signerCert',
  'signerKey',
  'kemKey',
  'kemGenp',
  'chain',
  'rootCaCert',
  'crlSource',
] as const;
export type FileField = (typeof fileFields)[number];

/** Where a MAC's shared secret comes from. `typed` lives in the host's memory for the panel's life only. */
export type SecretChoice = { from: 'testca' } | { from: 'stored'; name: string } | { from: 'typed' };

export type HashChoice = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

export interface ProtectionForm {
  /** kemBasedMac: the ML-KEM key (files.kemKey) and the genp with its KemCiphertextInfo (files.kemGenp). */
  kind: 'none' | 'pbm' | 'pbmac1' | 'signature' | 'kemBasedMac';
  secret?: SecretChoice;
  /** PBM iterationCount / PBKDF2 iterationCount; absent: 10,000. */
  iterations?: number;
  /** Hex; absent: 16 fresh random bytes. */
  saltHex?: string;
  /** PBM owf, or PBMAC1's PRF hash. */
  owf?: HashChoice;
  mac?: HashChoice;
  /** Signature: the hash for RSA or ECDSA (EdDSA has none). */
  hash?: 'SHA-256' | 'SHA-384' | 'SHA-512';
}

export interface ComposerForm {
  spec: RequestSpec;
  files: Partial<Record<FileField, string[]>>;
  protection: ProtectionForm;
}

/** What a new composer starts with: an ir for the embedded test CA, MAC-protected with its secret. */
export const defaultComposerForm: ComposerForm = {
  spec: {
    body: 'ir',
    recipient: 'CN=CMP Lens Test CA, O=CMP Lens',
    senderKID: 'user1',
    template: { subject: 'CN=CMP Lens device', sans: ['dns:device.example'] },
    keyType: 'P-256',
    pop: 'signature',
  },
  files: {},
  protection: { kind: 'pbm', secret: { from: 'testca' } },
};

/** The composer's small UI state, kept with getState/setState (restored after a reload). */
export interface ComposerState {
  form: ComposerForm;
  expanded: string[];
  selected?: string;
}

export interface SecretChoices {
  /** Names of secrets in VS Code's SecretStorage (never their values). */
  stored: string[];
  /** Whether a typed secret is held for this panel. */
  typed: boolean;
}

/** Names the form offers as checkboxes, from the schema module (the webview has no copy of its own). */
export interface FormChoices {
  keyUsage: string[];
  failInfo: string[];
  crlReasons: { value: number; name: string }[];
}

export type PreviewPayload =
  | {
      seq: number;
      ok: true;
      show: ShowPayload;
      protection: CheckResult[];
      /** protocol checks of the built message */ findings: Finding[];
      /** e.g. "P-256", when a key was generated */ generatedKey?: string;
    }
  | { seq: number; ok: false; errors: FieldError[] };

/** The composer webview's messages, checked before the host uses one (the form: plain data, bounded). */
export const isComposerToHost = messageGuard<ComposerToHost>({
  ready: { form: optional(plainData()) },
  change: { seq: int(0, Number.MAX_SAFE_INTEGER), form: plainData() },
  pickFile: { field: oneOf(fileFields) },
  enterSecret: {},
  newKey: {},
  save: {},
  openInInspector: {},
  send: {},
  copyOpenssl: {},
  expand: inspectorMessageKinds.expand,
  select: inspectorMessageKinds.select,
});

export type ComposerToHost =
  /** The webview is loaded; `form` is its restored state, if any. */
  | { type: 'ready'; form?: ComposerForm }
  /** The form changed: build it again. `seq` grows with each change; stale previews are dropped. */
  | { type: 'change'; seq: number; form: ComposerForm }
  /** Choose file(s) for a field with the host's open dialog. */
  | { type: 'pickFile'; field: FileField }
  /** Ask for a shared secret (password input box on the host). */
  | { type: 'enterSecret' }
  /** Generate a fresh key instead of the one the preview uses. */
  | { type: 'newKey' }
  /** Save the previewed message as .pkimsg (and a generated key beside it). */
  | { type: 'save' }
  /** Open the previewed message in the inspector. */
  | { type: 'openInInspector' }
  /** Save if needed, then "CMP Lens: Send Message" with it. */
  | { type: 'send' }
  /** Copy the openssl cmp command line that makes the same request. */
  | { type: 'copyOpenssl' }
  /** The preview tree's requests, as the inspector's. */
  | Extract<WebviewToHost, { type: 'expand' | 'select' }>;

export type HostToComposer =
  /** The form to show (the restored one, or the default) and the secret choices. */
  | { type: 'init'; form: ComposerForm; secrets: SecretChoices; choices: FormChoices }
  /** The result of building the form of change `seq`. */
  | { type: 'preview'; payload: PreviewPayload }
  /** Files picked for a field. */
  | { type: 'files'; field: FileField; paths: string[] }
  /** The secret choices changed (a secret was typed). */
  | { type: 'secrets'; secrets: SecretChoices }
  /** A line for the status area: saved, sent, failed. */
  | { type: 'status'; level: 'info' | 'error'; message: string }
  | Extract<HostToWebview, { type: 'children' | 'details' | 'strings' }>;
