// Makes the protection fixtures the corpus lacks (test/fixtures/generated/): messages protected with
// RSASSA-PSS, ECDSA P-384, Ed25519, Ed448 and PBMAC1. The structure is built with our schema classes; every
// signature and MAC is computed by the openssl CLI, independently of our verification code.
// Keys are made fresh in a temporary folder and thrown away. Run: npx tsx scripts/make-protection-fixtures.ts
// [NAME…] (only the named files are written; without names, all of them).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsnParser, AsnSerializer, OctetString } from '@peculiar/asn1-schema';
import { RsaSaPssParams } from '@peculiar/asn1-rsa';
import {
  AlgorithmIdentifier,
  Certificate,
  GeneralName,
  SubjectKeyIdentifier,
  id_ce_subjectKeyIdentifier,
} from '@peculiar/asn1-x509';
import * as cmp from '../src/core/asn1';

const root = join(__dirname, '..');
const corpusKeys = join(root, '..', 'shared', 'corpus', 'keys');
const out = join(root, 'test', 'fixtures', 'generated');
const tmp = mkdtempSync(join(tmpdir(), 'cmp-lens-fx-'));
const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });

function makeCert(
  name: string,
  genArgs: string[],
  cn: string,
  serial: string,
): { key: string; cert: Certificate; der: Uint8Array } {
  const key = join(tmp, `${name}.key`);
  ssl('genpkey', ...genArgs, '-out', key);
  ssl('req', '-new', '-key', key, '-subj', `/CN=${cn}`, '-out', join(tmp, `${name}.csr`));
  writeFileSync(join(tmp, 'ext.cnf'), 'subjectKeyIdentifier=hash\nkeyUsage=critical,digitalSignature\n');
  ssl(
    'x509',
    '-req',
    '-in',
    join(tmp, `${name}.csr`),
    '-CA',
    join(corpusKeys, 'ca.crt'),
    '-CAkey',
    join(corpusKeys, 'ca.key'),
    '-days',
    '3650',
    '-set_serial',
    serial,
    '-extfile',
    join(tmp, 'ext.cnf'),
    '-outform',
    'DER',
    '-out',
    join(tmp, `${name}.der`),
  );
  const der = new Uint8Array(readFileSync(join(tmp, `${name}.der`)));
  return { key, cert: AsnParser.parse(der, Certificate), der };
}

/** A copy of cr-sig-rsa's header and body with the given protection algorithm and sender. */
function base(alg: AlgorithmIdentifier, cert?: Certificate): cmp.PKIMessage {
  const msg = AsnParser.parse(
    readFileSync(join(root, 'test', 'fixtures', 'openssl-mock', 'cr-sig-rsa.der')),
    cmp.PKIMessage,
  );
  msg.header.protectionAlg = alg;
  // The certificates are made now: a messageTime from the original would predate them.
  msg.header.messageTime = new Date(Math.floor(Date.now() / 1000) * 1000 + 60_000);
  msg.protection = undefined;
  msg.extraCerts = undefined;
  if (cert) {
    msg.header.sender = new GeneralName({ directoryName: cert.tbsCertificate.subject });
    const ski = cert.tbsCertificate.extensions!.find((e) => e.extnID === id_ce_subjectKeyIdentifier)!;
    msg.header.senderKID = new OctetString(
      AsnParser.parse(ski.extnValue.buffer, SubjectKeyIdentifier).buffer,
    );
    msg.extraCerts = new cmp.CMPCertificates([new cmp.CMPCertificate({ x509v3PKCert: cert })]);
  } else {
    msg.header.senderKID = new OctetString(new TextEncoder().encode('user1'));
  }
  return msg;
}

function protectedPart(msg: cmp.PKIMessage): Uint8Array {
  return new Uint8Array(
    AsnSerializer.serialize(new cmp.ProtectedPart({ header: msg.header, body: msg.body })),
  );
}

const only = process.argv.slice(2);

function finish(name: string, msg: cmp.PKIMessage, protection: Uint8Array): void {
  if (only.length && !only.includes(name)) return;
  msg.protection = new cmp.PKIProtection(protection);
  writeFileSync(join(out, name), new Uint8Array(AsnSerializer.serialize(msg)));
  console.log(`wrote ${name}`);
}

function signWith(msg: cmp.PKIMessage, args: string[]): Uint8Array {
  const data = join(tmp, 'data.der');
  writeFileSync(data, protectedPart(msg));
  return new Uint8Array(ssl(...args, '-in', data));
}

try {
  // RSASSA-PSS: SHA-256, MGF1 SHA-256, salt 32 (RFC 9481 §3.1).
  const pss = makeCert('pss', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'], 'PSS EE', '0x1001');
  const sha256 = new AlgorithmIdentifier({ algorithm: '2.16.840.1.101.3.4.2.1' });
  const pssParams = new RsaSaPssParams({
    hashAlgorithm: sha256,
    maskGenAlgorithm: new AlgorithmIdentifier({
      algorithm: '1.2.840.113549.1.1.8',
      parameters: AsnSerializer.serialize(sha256),
    }),
    saltLength: 32,
  });
  const m1 = base(
    new AlgorithmIdentifier({
      algorithm: '1.2.840.113549.1.1.10',
      parameters: AsnSerializer.serialize(pssParams),
    }),
    pss.cert,
  );
  finish(
    'cr-rsassa-pss.der',
    m1,
    signWith(m1, [
      'pkeyutl',
      '-sign',
      '-inkey',
      pss.key,
      '-rawin',
      '-digest',
      'sha256',
      '-pkeyopt',
      'rsa_padding_mode:pss',
      '-pkeyopt',
      'rsa_pss_saltlen:32',
      '-pkeyopt',
      'rsa_mgf1_md:sha256',
    ]),
  );

  // ECDSA P-384 with SHA-384.
  const p384 = makeCert(
    'p384',
    ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
    'P-384 EE',
    '0x1002',
  );
  const m2 = base(new AlgorithmIdentifier({ algorithm: '1.2.840.10045.4.3.3' }), p384.cert);
  finish(
    'cr-ecdsa-p384.der',
    m2,
    signWith(m2, ['pkeyutl', '-sign', '-inkey', p384.key, '-rawin', '-digest', 'sha384']),
  );

  // Ed25519 (RFC 8419: no parameters, the whole ProtectedPart is signed).
  const ed = makeCert('ed', ['-algorithm', 'ED25519'], 'Ed25519 EE', '0x1003');
  const m3 = base(new AlgorithmIdentifier({ algorithm: '1.3.101.112' }), ed.cert);
  finish('cr-ed25519.der', m3, signWith(m3, ['pkeyutl', '-sign', '-inkey', ed.key, '-rawin']));

  // Ed448 (RFC 8419), where the runtime's WebCrypto has it.
  const ed448 = makeCert('ed448', ['-algorithm', 'ED448'], 'Ed448 EE', '0x1004');
  const m5 = base(new AlgorithmIdentifier({ algorithm: '1.3.101.113' }), ed448.cert);
  finish('cr-ed448.der', m5, signWith(m5, ['pkeyutl', '-sign', '-inkey', ed448.key, '-rawin']));

  // PBMAC1: PBKDF2-HMAC-SHA256 × 10,000 with a 32-octet key, then HMAC-SHA256; secret s3cret.
  const salt = new Uint8Array(16).map((_, i) => 0x30 + i);
  const kdf = new cmp.PBKDF2Params({
    salt: new cmp.PBKDF2Salt({ specified: new OctetString(salt) }),
    iterationCount: 10000,
    keyLength: 32,
    prf: new AlgorithmIdentifier({ algorithm: '1.2.840.113549.2.9' }),
  });
  const params = new cmp.PBMAC1Params({
    keyDerivationFunc: new AlgorithmIdentifier({
      algorithm: cmp.oids.pbkdf2,
      parameters: AsnSerializer.serialize(kdf),
    }),
    messageAuthScheme: new AlgorithmIdentifier({ algorithm: '1.2.840.113549.2.9' }),
  });
  const m4 = base(
    new AlgorithmIdentifier({ algorithm: cmp.oids.pbmac1, parameters: AsnSerializer.serialize(params) }),
  );
  const pbkdf2Key = (): string =>
    ssl(
      'kdf',
      '-keylen',
      '32',
      '-kdfopt',
      'digest:SHA256',
      '-kdfopt',
      'pass:s3cret',
      '-kdfopt',
      `hexsalt:${Buffer.from(salt).toString('hex')}`,
      '-kdfopt',
      'iter:10000',
      'PBKDF2',
    )
      .toString()
      .trim()
      .replace(/:/g, '');
  const hmacOver = (msg: cmp.PKIMessage, key: string): Uint8Array => {
    writeFileSync(join(tmp, 'data.der'), protectedPart(msg));
    const mac = ssl(
      'mac',
      '-digest',
      'SHA256',
      '-macopt',
      `hexkey:${key}`,
      '-in',
      join(tmp, 'data.der'),
      'HMAC',
    )
      .toString()
      .trim();
    return new Uint8Array(Buffer.from(mac, 'hex'));
  };
  finish('cr-pbmac1.der', m4, hmacOver(m4, pbkdf2Key()));

  // The PBES2 quirk (src/core/protection/quirks.ts): keyDerivationFunc id-PBES2 carrying the same
  // PBKDF2-params, the MAC made with PBKDF2 as the producer meant (a Java producer was seen doing this).
  const quirk = new cmp.PBMAC1Params({
    keyDerivationFunc: new AlgorithmIdentifier({
      algorithm: cmp.oids.pbes2,
      parameters: AsnSerializer.serialize(kdf),
    }),
    messageAuthScheme: new AlgorithmIdentifier({ algorithm: '1.2.840.113549.2.9' }),
  });
  const m6 = base(
    new AlgorithmIdentifier({ algorithm: cmp.oids.pbmac1, parameters: AsnSerializer.serialize(quirk) }),
  );
  finish('cr-pbmac1-pbes2.der', m6, hmacOver(m6, pbkdf2Key()));
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
