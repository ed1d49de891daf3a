/**
 * `cmp-lens build`: the composer's builder from a terminal. Flags mirror the form's fields; a JSON
 * spec file (`--spec`, the same RequestSpec the form keeps) can give any of them, flags win.
 */
import { writeFileSync } from 'node:fs';
import { buildRequest, requestBodies, type Materials, type RequestBody, type RequestSpec } from '../core/compose';
import { keyKinds, type KeyKind } from '../core/base/index';

import type { ProtectionSpec } from '../core/protection/protect';
import { loadDer, loadKey, saveKey } from '../node/materials';
import { intFlag, parseFlags, UsageError, type FlagKind, type Parsed } from './args';
import type { Io } from './main';

/** Flags that choose protection, shared by build and send. */
export const protectionFlags: Record<string, FlagKind> = {
  '--secret-env': 'value', '--secret-file': 'value', '--pbmac1': 'bool', '--iterations': 'value',
  '--cert': 'value', '--key': 'value', '--chain': 'list', '--sig-hash': 'value', '--unprotected': 'bool',
};
export const noSecretArgs = { '--secret': '--secret would put the secret in the process list and shell history: use --secret-file or --secret-env' };

const buildFlags: Record<string, FlagKind> = {
  ...protectionFlags,
  '--body': 'value', '--spec': 'value', '--out': 'value', '--subject': 'value', '--san': 'list', '--key-usage': 'list', '--eku': 'list',
  '--sender': 'value', '--recipient': 'value', '--ref': 'value', '--key-type': 'value', '--newkey': 'value', '--csr': 'value',
  '--oldcert': 'value', '--confirm-cert': 'value', '--reject': 'bool', '--reason': 'value', '--revoke-issuer': 'value', '--revoke-serial': 'value',
  '--revreason': 'value', '--infotype': 'list', '--certreqid': 'value', '--status': 'value', '--failinfo': 'list', '--text': 'list',
  '--implicit-confirm': 'bool', '--pvno': 'value', '--transaction-id': 'value', '--sender-nonce': 'value', '--recip-nonce': 'value',
  '--message-time': 'value', '--pop': 'value', '--extracerts': 'list', '--not-before': 'value', '--not-after': 'value',
};

/** The shared secret from --secret-file (one trailing newline dropped) or --secret-env. */
export function secretFrom(p: Parsed, io: Io): Uint8Array | undefined {
  return readSecret(p.value('--secret-file'), p.value('--secret-env'), io);
}

/** A secret from a file (one trailing newline dropped) or an environment variable; never from an argument. */
export function readSecret(file: string | undefined, env: string | undefined, io: Io): Uint8Array | undefined {
  if (file && env) throw new UsageError('give --secret-file or --secret-env, not both');
  if (file) {
    let b: Uint8Array;
    try {
      b = io.readFile(file);
    } catch (e) {
      throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const n = b.length;
    const cut = n > 1 && b[n - 2] === 0x0d && b[n - 1] === 0x0a ? 2 : n > 0 && b[n - 1] === 0x0a ? 1 : 0;
    return b.subarray(0, n - cut);
  }
  if (env) {
    const v = io.env(env);
    if (v === undefined) throw new UsageError(`environment variable ${env} is not set`);
    return new TextEncoder().encode(v);
  }
  return undefined;
}

/** Signature (--cert + --key), MAC (a secret; PBM, or PBMAC1 with --pbmac1), or --unprotected. */
export async function protectionFrom(p: Parsed, io: Io): Promise<ProtectionSpec> {
  const secret = secretFrom(p, io);
  const cert = p.value('--cert');
  const key = p.value('--key');
  if (!!cert !== !!key) throw new UsageError('signature protection needs both --cert and --key');
  if (cert && secret) throw new UsageError('choose one protection: --cert/--key (signature) or a secret (MAC)');
  const hash = p.value('--sig-hash');
  if (hash && !['SHA-256', 'SHA-384', 'SHA-512'].includes(hash)) throw new UsageError('--sig-hash must be SHA-256, SHA-384 or SHA-512');
  if (cert && key) return { kind: 'signature', cert: loadDer(cert), key: await loadKey(key), chain: p.list('--chain').map((c) => loadDer(c)), hash: hash as 'SHA-256' | undefined };
  const iterations = intFlag(p, '--iterations', 1, 1_000_000);
  if (secret) return p.bool('--pbmac1') ? { kind: 'pbmac1', secret, iterations } : { kind: 'pbm', secret, iterations };
  if (p.bool('--unprotected')) return { kind: 'none' };
  throw new UsageError('choose protection: --secret-env/--secret-file (MAC), --cert and --key (signature), or --unprotected');
}

function specFrom(p: Parsed, io: Io): RequestSpec {
  const file = p.value('--spec');
  let spec: Partial<RequestSpec> = {};
  if (file) {
    try {
      spec = JSON.parse(new TextDecoder().decode(io.readFile(file))) as Partial<RequestSpec>;
    } catch (e) {
      throw new UsageError(`--spec ${file}: ${(e as Error).message}`);
    }
  }
  const body = (p.value('--body') ?? spec.body) as RequestBody | undefined;
  if (!body || !requestBodies.includes(body)) throw new UsageError(`--body must be one of ${requestBodies.join(', ')}`);
  const keyType = p.value('--key-type') as KeyKind | undefined;
  if (keyType && !keyKinds.includes(keyType)) throw new UsageError(`--key-type must be one of ${keyKinds.join(', ')}`);
  const set = <K extends keyof RequestSpec>(k: K, v: RequestSpec[K] | undefined) => {
    if (v !== undefined) spec[k] = v;
  };
  spec.body = body;
  set('sender', p.value('--sender'));
  set('recipient', p.value('--recipient'));
  set('senderKID', p.value('--ref'));
  set('transactionID', p.value('--transaction-id'));
  set('senderNonce', p.value('--sender-nonce'));
  set('recipNonce', p.value('--recip-nonce'));
  set('messageTime', p.value('--message-time'));
  set('pvno', intFlag(p, '--pvno', 2, 3) as 2 | 3 | undefined);
  if (p.bool('--implicit-confirm')) spec.implicitConfirm = true;
  set('keyType', keyType);
  set('pop', p.value('--pop') as RequestSpec['pop']);
  set('certReqId', intFlag(p, '--certreqid', -1, 2 ** 31 - 1));
  const t = { ...spec.template };
  if (p.value('--subject') !== undefined) t.subject = p.value('--subject');
  if (p.list('--san').length) t.sans = p.list('--san');
  if (p.list('--key-usage').length) t.keyUsage = p.list('--key-usage');
  if (p.list('--eku').length) t.extKeyUsage = p.list('--eku');
  if (p.value('--not-before')) t.notBefore = p.value('--not-before');
  if (p.value('--not-after')) t.notAfter = p.value('--not-after');
  if (Object.keys(t).length) spec.template = t;
  if (p.value('--revoke-issuer') || p.value('--revoke-serial') || p.value('--revreason')) {
    spec.revoke = { ...spec.revoke, issuer: p.value('--revoke-issuer') ?? spec.revoke?.issuer, serialHex: p.value('--revoke-serial') ?? spec.revoke?.serialHex, reason: intFlag(p, '--revreason', 0, 10) ?? spec.revoke?.reason };
  }
  if (p.list('--infotype').length) spec.infoTypes = p.list('--infotype') as RequestSpec['infoTypes'];
  if (p.bool('--reject') || p.value('--reason')) spec.confirm = { accept: !p.bool('--reject'), reason: p.value('--reason') };
  if (p.value('--status') !== undefined || p.list('--failinfo').length || p.list('--text').length) {
    spec.errorStatus = { status: intFlag(p, '--status', 0, 6) ?? 2, failInfo: p.list('--failinfo'), texts: p.list('--text') };
  }
  return spec as RequestSpec;
}

export async function buildCommand(args: string[], io: Io): Promise<number> {
  const p = parseFlags(args, buildFlags, noSecretArgs);
  if (p.positional.length) throw new UsageError(`build takes no FILE argument (got "${p.positional[0]}"); write the result with --out`);
  const out = p.value('--out');
  if (!out) throw new UsageError('build needs --out FILE');
  const spec = specFrom(p, io);
  const materials: Materials = {
    protection: await protectionFrom(p, io),
    key: p.value('--newkey') ? await loadKey(p.value('--newkey')!) : undefined,
    csr: p.value('--csr') ? loadDer(p.value('--csr')!, 'CSR') : undefined,
    oldCert: p.value('--oldcert') ? loadDer(p.value('--oldcert')!) : undefined,
    confirmCert: p.value('--confirm-cert') ? loadDer(p.value('--confirm-cert')!) : undefined,
    extraCerts: p.list('--extracerts').map((f) => loadDer(f)),
  };
  const r = await buildRequest(spec, materials);
  if (!r.ok) {
    for (const e of r.errors) io.err(`cmp-lens: ${e.field}: ${e.message}`);
    return 1;
  }
  writeFileSync(out, r.der);
  io.out(`wrote ${out} (${r.der.length} bytes): ${spec.body}, protection ${materials.protection.kind}`);
  if (r.generatedKey) {
    const keyFile = `${out.replace(/\.(pkimsg|der|pki)$/i, '')}.key.pem`;
    saveKey(keyFile, r.generatedKey);
    io.out(`wrote ${keyFile}: the new ${r.generatedKey.kind} private key (PKCS#8, mode 0600) — a secret, keep it so`);
  }
  return 0;
}
