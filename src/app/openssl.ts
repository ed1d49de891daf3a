/**
 * "Copy as openssl cmp command": the `openssl cmp` command line (OpenSSL 3.x) that makes the same
 * request as a composer form or a request read back: body, recipient, subject, SANs, key, POP,
 * implicitConfirm, protection, server. Secrets never appear: the command reads them from the
 * environment (`-secret env:CMP_SECRET`). Files it needs that CMP Lens cannot name (the signer's key, an
 * old certificate) are placeholders in capitals; what openssl cmp cannot say on its command line
 * (template extensions other than SANs, raw generalInfo, controls) is listed in `notes`.
 */
import { dnShortNames } from '../core/asn1/oids';
import { parseName } from '../core/base';
import { genmInfoTypes, type RequestSpec } from '../shared/requestSpec';

export interface OpensslCommand {
  /** The command, one option per line, joined with ` \` (a shell reads it as one line). */
  command: string;
  notes: string[];
}

export interface OpensslOptions {
  /** The server URL (an `http(s)://` one); absent: a placeholder. */
  server?: string;
  /** The file holding the new key (the composer's saved `NAME.key.pem`), when known. */
  newKeyFile?: string;
  /** The protection: as the form or the message has it. */
  protection: 'none' | 'pbm' | 'pbmac1' | 'signature' | 'kemBasedMac';
}

/** A shell word: bare when safe, else in single quotes. */
function sh(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** OpenSSL's name syntax, "/O=Example/CN=device" (most significant first, "/" escaped). */
function opensslName(text: string): string {
  const name = parseName(text);
  return [...name]
    .map((rdn) =>
      [...rdn]
        .map((atv) => {
          const v = atv.value;
          const value = v.utf8String ?? v.printableString ?? v.ia5String ?? v.teletexString ?? '';
          return `${dnShortNames.get(atv.type) ?? atv.type}=${value.replace(/([/+\\])/g, '\\$1')}`;
        })
        .join('+'),
    )
    .map((r) => `/${r}`)
    .join('');
}

/** The info types `openssl cmp -infotype` knows by name: ours but the two RFC 9810 added last. */
const opensslInfoTypes = new Set<string>(
  genmInfoTypes.filter((t) => t !== 'kemCiphertextInfo' && t !== 'unsupportedOIDs'),
);

export function opensslCommand(spec: RequestSpec, o: OpensslOptions): OpensslCommand {
  const notes: string[] = [];
  const args: string[][] = [['openssl', 'cmp']];
  const made = ['ir', 'cr', 'kur', 'p10cr', 'rr', 'genm'];
  if (!made.includes(spec.body))
    throw new Error(`openssl cmp has no -cmd for ${spec.body}: it sends certConf, pollReq and error itself`);
  args.push(['-cmd', spec.body]);
  args.push(['-server', o.server ?? 'http://SERVER:PORT/.well-known/cmp']);
  if (!o.server) notes.push('SERVER:PORT: the CMP server (a cmpLens.servers entry or the test CA)');
  if (spec.recipient) args.push(['-recipient', opensslName(spec.recipient)]);
  switch (o.protection) {
    case 'pbm':
    case 'pbmac1':
      if (spec.senderKID) args.push(['-ref', spec.senderKID.startsWith('hex:') ? 'REF' : spec.senderKID]);
      args.push(['-secret', 'env:CMP_SECRET']);
      notes.push('the shared secret: export CMP_SECRET=… before running it (never on the command line)');
      if (o.protection === 'pbmac1') notes.push('openssl cmp protects with PBM: it has no option for PBMAC1');
      break;
    case 'signature':
      args.push(['-cert', 'SIGNER.crt'], ['-key', 'SIGNER.key']);
      notes.push("SIGNER.crt, SIGNER.key: the signer's certificate and private key");
      break;
    case 'kemBasedMac':
      notes.push('openssl cmp has no KemBasedMac (RFC 9810 §5.1.3.4): this command cannot protect it so');
      break;
    case 'none':
      args.push(['-unprotected_requests']);
  }
  const t = spec.template ?? {};
  if (['ir', 'cr', 'kur', 'p10cr'].includes(spec.body)) {
    if (spec.body === 'p10cr') {
      args.push(['-csr', 'REQUEST.csr']);
      notes.push('REQUEST.csr: the PKCS#10 request to send');
    } else if (spec.centralKeygen) {
      args.push(['-centralkeygen'], ['-newkeyout', 'CENTRAL.key.pem']);
      notes.push('CENTRAL.key.pem: where openssl cmp saves the key the CA generates');
    } else {
      args.push(['-newkey', o.newKeyFile ?? 'NEW.key.pem']);
      if (!o.newKeyFile)
        notes.push(
          `NEW.key.pem: the new key (${spec.keyType ?? 'P-256'}), e.g. openssl genpkey -algorithm ${spec.keyType?.startsWith('RSA') ? `RSA -pkeyopt rsa_keygen_bits:${spec.keyType.slice(4)}` : spec.keyType?.startsWith('P-') ? `EC -pkeyopt ec_paramgen_curve:${spec.keyType}` : (spec.keyType ?? 'EC -pkeyopt ec_paramgen_curve:P-256')} -out NEW.key.pem`,
        );
    }
    if (t.subject) args.push(['-subject', opensslName(t.subject)]);
    if (t.sans?.length)
      args.push(['-sans', t.sans.map((s) => s.replace(/^(dns|ip|email|uri):/i, '')).join(',')]);
    if (spec.pop === 'raVerified') args.push(['-popo', '0']);
    if (spec.pop === 'none') args.push(['-popo', '-1']);
    if (spec.implicitConfirm) args.push(['-implicit_confirm']);
    if (spec.body === 'kur') {
      args.push(['-oldcert', 'OLD.crt']);
      notes.push('OLD.crt: the certificate being updated');
    }
    args.push(['-certout', 'issued.pem']);
    if (t.keyUsage?.length || t.extKeyUsage?.length || t.extensions?.length)
      notes.push(
        'keyUsage, extKeyUsage and other extensions: put them in a config section and give -reqexts SECTION',
      );
    if (t.notBefore || t.notAfter) notes.push('validity: openssl cmp asks for it with -days N');
  }
  if (spec.body === 'rr') {
    if (spec.revoke?.issuer && spec.revoke.serialHex)
      args.push(['-issuer', opensslName(spec.revoke.issuer)], ['-serial', `0x${spec.revoke.serialHex}`]);
    else {
      args.push(['-oldcert', 'REVOKE.crt']);
      notes.push('REVOKE.crt: the certificate to revoke');
    }
    if (spec.revoke?.reason !== undefined) args.push(['-revreason', String(spec.revoke.reason)]);
  }
  if (spec.body === 'genm') {
    const named = (spec.infoTypes ?? []).filter((x) => typeof x === 'string') as string[];
    if (named[0] && opensslInfoTypes.has(named[0])) args.push(['-infotype', named[0]]);
    if (named.length > 1 || (spec.infoTypes ?? []).some((x) => typeof x !== 'string'))
      notes.push('openssl cmp asks for one info type per genm: the first is in the command');
  }
  if (spec.generalInfo?.length)
    notes.push('generalInfo entries: openssl cmp takes them with -geninfo OID:int:N or OID:str:TEXT');
  if (spec.controls?.length)
    notes.push('CRMF controls: openssl cmp makes oldCertID for kur itself; others it cannot send');
  return { command: args.map((a) => a.map(sh).join(' ')).join(' \\\n  '), notes };
}
