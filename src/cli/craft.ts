/**
 * `cmp-lens build`: the composer's builder from a terminal. Flags mirror the form's fields; a JSON
 * spec file (`--spec`, the same RequestSpec the form keeps) can give any of them, flags win.
 */
import { keyKinds, readMessage, type KeyKind } from '../core/base';
import type { GenmInfoType } from '../shared/requestSpec';
import {
  buildRequest,
  fileInfoTypes,
  genmItem,
  rawInfoItem,
  requestBodies,
  valuedInfoTypes,
  type ValuedInfoType,
  type Materials,
  type RequestBody,
  type RequestSpec,
} from '../core/compose';
import { kemCiphertextOf, kemSharedSecret, type ProtectionSpec } from '../core/protection';
import { loadDer, loadKey, MaterialError, saveKey } from '../node/materials';
import { helpText, intFlag, parseFlags, type FlagSpec, type Parsed } from './args';
import type { Command } from './command';
import { readSecret, secretFlags, UsageError, type Io } from './io';
import { writeFileAtomic } from '../node/atomic';

/** Flags that choose protection, shared by build and send. */
export const protectionFlags: FlagSpec = {
  ...secretFlags,
  '--pbmac1': { kind: 'bool', help: 'MAC with PBMAC1 instead of PBM' },
  '--iterations': { kind: 'value', arg: 'N', help: 'PBM/PBKDF2 iteration count (default 10,000)' },
  '--cert': { kind: 'value', arg: 'F', help: "signature protection: the signer's certificate (with --key)" },
  '--key': { kind: 'value', arg: 'F', help: "signature protection: the signer's PKCS#8 private key" },
  '--chain': { kind: 'list', arg: 'F', help: "certificates after the signer's in extraCerts" },
  '--sig-hash': { kind: 'value', arg: 'H', help: 'SHA-256, SHA-384 or SHA-512 for RSA/ECDSA signatures' },
  '--kem-key': {
    kind: 'value',
    arg: 'F',
    help: 'KemBasedMac protection: the ML-KEM private key (PKCS#8) a genp encapsulated to (with --kem-ct)',
  },
  '--kem-ct': {
    kind: 'value',
    arg: 'F',
    help: 'KemBasedMac protection: the genp carrying the KemCiphertextInfo (its transactionID is used)',
  },
  '--unprotected': { kind: 'bool', help: 'no protection' },
};

const v = (arg: string, help: string) => ({ kind: 'value' as const, arg, help });
const l = (arg: string, help: string) => ({ kind: 'list' as const, arg, help });
const b = (help: string) => ({ kind: 'bool' as const, help });

const buildFlags: FlagSpec = {
  '--body': v('B', `ir, cr, kur, p10cr, rr, genm, certConf, pollReq or error`),
  '--out': v(
    'FILE',
    'where the message is written (a generated key goes beside it as FILE.key.pem, mode 0600)',
  ),
  '--spec': v('FILE.json', "the same fields as JSON (the composer's RequestSpec); flags win"),
  '--subject': v('DN', 'template subject, e.g. "CN=device 1, O=Example"'),
  '--san': l('dns:x|ip:a|email:e|uri:u', 'subjectAltName entry'),
  '--key-usage': l('K', 'keyUsage bit name'),
  '--eku': l('E', 'extendedKeyUsage OID or name'),
  '--not-before': v('DATE', 'template validity start'),
  '--not-after': v('DATE', 'template validity end'),
  '--sender': v('DN', 'header sender'),
  '--recipient': v('DN', 'header recipient'),
  '--ref': v('KID', 'senderKID (text, or hex:...)'),
  '--key-type': v('T', keyKinds.join(', ')),
  '--newkey': v('KEY.pem', 'the PKCS#8 key to certify instead of a generated one'),
  '--csr': v('F', 'p10cr: the PKCS#10 request'),
  '--oldcert': v('F', 'kur, rr: the certificate to update or revoke'),
  '--revoke-issuer': v('DN', 'rr: issuer of the certificate to revoke'),
  '--revoke-serial': v('HEX', 'rr: its serial number'),
  '--revreason': v('N', 'rr: CRLReason 0-10'),
  '--infotype': l(
    'T[=V]',
    'genm: caCerts, rootCaCert=CERT, certReqTemplate, crlStatusList=CERT|CRL, signKeyPairTypes, encKeyPairTypes, preferredSymmAlg, currentCRL, caKeyUpdateInfo, keyPairParamReq=EC|RSA|OID, suppLangTags=en,de, or OID[=hex:DER]',
  ),
  '--info': l('T[=V]', 'genm info type (the same as --infotype)'),
  '--general-info': l(
    'T=V|OID[=hex:H]',
    'generalInfo entry: certProfile=NAME, confirmWaitTime=DATE, origPKIMessage=FILE, or any OID',
  ),
  '--confirm-cert': v('F', 'certConf: the certificate being confirmed'),
  '--reject': b('certConf: reject the certificate'),
  '--reason': v('TEXT', 'certConf: why'),
  '--certreqid': v('N', 'pollReq, certConf: certReqId'),
  '--status': v('N', 'error: PKIStatus number'),
  '--failinfo': l('NAME', 'error: PKIFailureInfo bit'),
  '--text': l('T', 'error: statusString text'),
  '--implicit-confirm': b('ask for implicit confirmation (generalInfo)'),
  '--pvno': v('2|3', 'protocol version'),
  '--transaction-id': v('HEX', 'transactionID (default random)'),
  '--sender-nonce': v('HEX', 'senderNonce (default random)'),
  '--recip-nonce': v('HEX', 'recipNonce'),
  '--message-time': v('DATE|none', 'messageTime (default now)'),
  '--pop': v('KIND', 'POP kind'),
  '--central-keygen': {
    kind: 'bool',
    help: "ir/cr/kur: ask the CA to generate the key (RFC 9483 §4.1.6): only --key-type's algorithm, no POP, pvno 3",
  },
  '--extracerts': l('F', 'more certificates for extraCerts'),
  ...protectionFlags,
};

/** The shared secret from --secret-file (one trailing newline dropped) or --secret-env. */
export function secretFrom(p: Parsed, io: Io): Uint8Array | undefined {
  return readSecret(p.value('--secret-file'), p.value('--secret-env'), io);
}

/** Signature (--cert + --key), MAC (a secret; PBM, or PBMAC1 with --pbmac1), or --unprotected. */
export async function protectionFrom(p: Parsed, io: Io, secret = secretFrom(p, io)): Promise<ProtectionSpec> {
  const cert = p.value('--cert');
  const key = p.value('--key');
  if (!!cert !== !!key) throw new UsageError('signature protection needs both --cert and --key');
  if (cert && secret)
    throw new UsageError('choose one protection: --cert/--key (signature) or a secret (MAC)');
  const hash = p.value('--sig-hash');
  if (hash && !['SHA-256', 'SHA-384', 'SHA-512'].includes(hash))
    throw new UsageError('--sig-hash must be SHA-256, SHA-384 or SHA-512');
  if (cert && key)
    return {
      kind: 'signature',
      cert: loadDer(cert),
      key: await loadKey(key),
      chain: p.list('--chain').map((c) => loadDer(c)),
      hash: hash as 'SHA-256' | undefined,
    };
  const kemKey = p.value('--kem-key');
  if (!!kemKey !== !!p.value('--kem-ct'))
    throw new UsageError('KemBasedMac protection needs both --kem-key and --kem-ct');
  if (kemKey) {
    if (cert || secret) throw new UsageError('choose one protection: KemBasedMac, a signature or a MAC');
    const carrier = loadDer(p.value('--kem-ct')!, 'genp');
    try {
      const info = kemCiphertextOf(readMessage(carrier));
      if (!info) throw new Error('it carries no KemCiphertextInfo (genp or generalInfo)');
      return {
        kind: 'kemBasedMac',
        sharedSecret: kemSharedSecret(info, loadDer(kemKey, 'ML-KEM private key')),
      };
    } catch (e) {
      throw new UsageError(`--kem-ct ${p.value('--kem-ct')}: ${(e as Error).message}`);
    }
  }
  const iterations = intFlag(p, '--iterations', 1, 1_000_000);
  if (secret)
    return p.bool('--pbmac1') ? { kind: 'pbmac1', secret, iterations } : { kind: 'pbm', secret, iterations };
  if (p.bool('--unprotected')) return { kind: 'none' };
  throw new UsageError(
    'choose protection: --secret-env/--secret-file (MAC), --cert and --key (signature), or --unprotected',
  );
}

/**
 * `--info`/`--infotype TYPE`, `TYPE=VALUE` or `OID[=hex:DER]`: rootCaCert=CERT-FILE,
 * crlStatusList=CERT-OR-CRL-FILE, keyPairParamReq=EC|RSA|OID, suppLangTags=en,de (RFC 9483 §4.3, RFC 9810
 * §5.3.19); `--general-info` takes certProfile=NAME, confirmWaitTime=DATE, origPKIMessage=FILE or an OID.
 */
function infoItem(flag: string, which: string): { oid: string; valueHex?: string } | GenmInfoType {
  const eq = flag.indexOf('=');
  const type = (eq < 0 ? flag : flag.slice(0, eq)) as ValuedInfoType;
  if (/^\d/.test(type)) {
    try {
      return rawInfoItem(flag);
    } catch (e) {
      throw new UsageError(`${which} ${flag}: ${(e as Error).message}`);
    }
  }
  if (eq < 0) return flag as GenmInfoType;
  const value = flag.slice(eq + 1);
  if (!valuedInfoTypes.includes(type))
    throw new UsageError(
      `${which} ${type}=…: a value is taken by ${valuedInfoTypes.join(', ')} and by OIDs (OID=hex:…)`,
    );
  try {
    return genmItem(type, fileInfoTypes.includes(type) ? loadDer(value, `${type} file`) : value);
  } catch (e) {
    if (e instanceof MaterialError) throw e;
    throw new UsageError(`${which} ${type}: ${(e as Error).message}`);
  }
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
  if (!body || !requestBodies.includes(body))
    throw new UsageError(`--body must be one of ${requestBodies.join(', ')}`);
  const keyType = p.value('--key-type') as KeyKind | undefined;
  if (keyType && !keyKinds.includes(keyType))
    throw new UsageError(`--key-type must be one of ${keyKinds.join(', ')}`);
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
  if (p.bool('--central-keygen')) spec.centralKeygen = true;
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
    spec.revoke = {
      ...spec.revoke,
      issuer: p.value('--revoke-issuer') ?? spec.revoke?.issuer,
      serialHex: p.value('--revoke-serial') ?? spec.revoke?.serialHex,
      reason: intFlag(p, '--revreason', 0, 10) ?? spec.revoke?.reason,
    };
  }
  const infos = [...p.list('--infotype'), ...p.list('--info')];
  if (infos.length) spec.infoTypes = infos.map((t) => infoItem(t, '--info'));
  const general = p.list('--general-info').map((t) => {
    const item = infoItem(t, '--general-info');
    if (typeof item === 'string')
      throw new UsageError(
        `--general-info ${t}: give certProfile=…, confirmWaitTime=…, origPKIMessage=… or OID[=hex:…]`,
      );
    return item;
  });
  if (general.length) spec.generalInfo = [...(spec.generalInfo ?? []), ...general];
  if (p.bool('--reject') || p.value('--reason'))
    spec.confirm = { accept: !p.bool('--reject'), reason: p.value('--reason') };
  if (p.value('--status') !== undefined || p.list('--failinfo').length || p.list('--text').length) {
    spec.errorStatus = {
      status: intFlag(p, '--status', 0, 6) ?? 2,
      failInfo: p.list('--failinfo'),
      texts: p.list('--text'),
    };
  }
  return spec as RequestSpec;
}

async function run(args: string[], io: Io): Promise<number> {
  const p = parseFlags('build', args, buildFlags);
  if (p.positional.length)
    throw new UsageError(
      `build takes no FILE argument (got "${p.positional[0]}"); write the result with --out`,
    );
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
  writeFileAtomic(out, r.der);
  io.out(`wrote ${out} (${r.der.length} bytes): ${spec.body}, protection ${materials.protection.kind}`);
  if (r.generatedKey) {
    const keyFile = `${out.replace(/\.(pkimsg|der|pki)$/i, '')}.key.pem`;
    saveKey(keyFile, r.generatedKey);
    io.out(
      `wrote ${keyFile}: the new ${r.generatedKey.kind} private key (PKCS#8, mode 0600) — a secret, keep it so`,
    );
  }
  return 0;
}

export const buildCommand: Command = {
  name: 'build',
  summary:
    'build --body B --out FILE   build a protected request (ir, cr, kur, p10cr, rr, genm, certConf, pollReq, error)',
  help: helpText(
    'build --body B --out FILE [options]',
    'Builds a request with PBM or PBMAC1 (a secret), a signature (--cert and --key) or none (--unprotected).\nField errors name the field. A generated key is written beside FILE as FILE.key.pem (PKCS#8, mode 0600).',
    buildFlags,
    '0 written, 1 field errors (each named), 2 usage error.',
  ),
  run,
};
