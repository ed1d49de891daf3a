/**
 * Makes the KemBasedMac known-answer vectors in test/fixtures/kem (issue 18), once, by hand:
 *   npx tsx test/gen/kemVectors.ts
 * Every secret value in them is computed by OpenSSL 3.5 (.peers/bin/openssl35), not by our code:
 *   - the ML-KEM-768 key pair (`genpkey`), the encapsulation (`pkeyutl -encap`: ct.bin, ss.hex), checked
 *     by `pkeyutl -decap`;
 *   - KemOtherInfo { "CMP-KEM", transactionID } (RFC 9810 §5.1.3.4) as DER from a text description
 *     (`asn1parse -genconf`): kemotherinfo.der;
 *   - ssk = HKDF-SHA256(ss, info = KemOtherInfo, 32 bytes, no salt) (`kdf HKDF`): ssk.hex;
 *   - the MAC, HMAC-SHA256(ssk, ProtectedPart) (`mac HMAC`): mac.hex.
 * Our builder makes the message (a genm with fixed transactionID, nonces and time: genm.der); its
 * ProtectedPart is cut from it byte for byte (protectedpart.der) and handed to OpenSSL for the MAC.
 * test/unit/kemMac.test.ts checks our verifier, our KDF and our builder against these values.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toHex } from '../../src/core/base';
import { readDer } from '../../src/core/der/reader';
import { kemSpec, kemBuildEnv } from './kemSpec';
import { buildRequest } from '../../src/core/compose';

const dir = join(__dirname, '..', 'fixtures', 'kem');
const openssl = join(__dirname, '..', '..', '.peers', 'bin', 'openssl35');
const run = (args: string[]) => execFileSync(openssl, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });

async function main(): Promise<void> {
  run(['genpkey', '-algorithm', 'ML-KEM-768', '-out', 'key.pem']);
  run(['pkey', '-in', 'key.pem', '-pubout', '-out', 'pub.pem']);
  run(['pkeyutl', '-encap', '-pubin', '-inkey', 'pub.pem', '-out', 'ct.bin', '-secret', 'ss.bin']);
  run(['pkeyutl', '-decap', '-inkey', 'key.pem', '-in', 'ct.bin', '-secret', 'ss-decap.bin']);
  const ss = readFileSync(join(dir, 'ss.bin'));
  if (!ss.equals(readFileSync(join(dir, 'ss-decap.bin')))) throw new Error('encap and decap disagree');
  writeFileSync(join(dir, 'ss.hex'), `${ss.toString('hex')}\n`);
  const built = await buildRequest(
    kemSpec,
    { protection: { kind: 'kemBasedMac', sharedSecret: ss } },
    kemBuildEnv,
  );
  if (!built.ok) throw new Error(JSON.stringify(built.errors));
  writeFileSync(join(dir, 'genm.der'), built.der);
  const [header, body] = readDer(built.der).roots[0].children!;
  // ProtectedPart ::= SEQUENCE { header, body }, the two as received, the length in DER's shortest form.
  const inner = built.der.subarray(header.offset, body.end);
  const n = inner.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  const part = new Uint8Array([0x30, ...len, ...inner]);
  writeFileSync(join(dir, 'protectedpart.der'), part);
  writeFileSync(
    join(dir, 'kemotherinfo.cnf'),
    `asn1=SEQUENCE:kem\n[kem]\nstatic=SEQUENCE:free\ntid=FORMAT:HEX,OCTETSTRING:${kemSpec.transactionID}\n[free]\ns=UTF8String:CMP-KEM\n`,
  );
  run(['asn1parse', '-genconf', 'kemotherinfo.cnf', '-out', 'kemotherinfo.der', '-noout']);
  const info = toHex(new Uint8Array(readFileSync(join(dir, 'kemotherinfo.der'))));
  const ssk = run([
    'kdf',
    '-keylen',
    '32',
    '-kdfopt',
    'digest:SHA2-256',
    '-kdfopt',
    `hexkey:${ss.toString('hex')}`,
    '-kdfopt',
    `hexinfo:${info}`,
    'HKDF',
  ])
    .toString()
    .trim()
    .replace(/:/g, '')
    .toLowerCase();
  writeFileSync(join(dir, 'ssk.hex'), `${ssk}\n`);
  const mac = run([
    'mac',
    '-digest',
    'SHA256',
    '-macopt',
    `hexkey:${ssk}`,
    '-in',
    'protectedpart.der',
    'HMAC',
  ])
    .toString()
    .trim()
    .toLowerCase();
  writeFileSync(join(dir, 'mac.hex'), `${mac}\n`);
  for (const f of ['ss.bin', 'ss-decap.bin', 'pub.pem']) execFileSync('rm', ['-f', join(dir, f)]);
  console.log(`ss ${ss.toString('hex').slice(0, 16)}…, ssk ${ssk.slice(0, 16)}…, mac ${mac}`);
}

void main();
