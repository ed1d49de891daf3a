// Central key generation (RFC 9483 §4.1.6) both ways with OpenSSL 3.5 (issue 18): its client
// (`-centralkeygen -newkeyout`) against our test CA — kari for an EC client, ktri for RSA, pwri for a
// MAC — and our client (`build --central-keygen`, `sendRequest`) against its mock server. In each, the
// side that receives the key decrypts it, checks the KGA's signature, and the key belongs to the
// certificate issued. Loopback only; every server is stopped. Needs scripts/install-peers.sh.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AsnParser, AsnSerializer } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { decryptMessage, givenSecret, sendRequest } from '../../src/app';
import { importPrivateKey, toPem, unwrapInput } from '../../src/core/base';
import { buildRequest } from '../../src/core/compose';
import type { ProtectionSpec } from '../../src/core/protection';
import { TestCa } from '../../src/core/testca';
import { ExchangeStore } from '../../src/node/exchangeStore';
import { nodePost } from '../../src/node/httpPost';
import { serveTestCa, type RunningServer } from '../../src/node/testcaServer';
import { runPeer } from '../gen/loopback';
import { haveOpenssl35, openssl35, openssl35Run, opensslMockServer } from '../gen/pq';

const skip = haveOpenssl35() ? false : 'OpenSSL 3.5 is not installed (bash scripts/install-peers.sh)';
const der = (file: string) => unwrapInput(new Uint8Array(readFileSync(file))).der;
const spkiOf = (cert: Uint8Array) =>
  Buffer.from(
    AsnSerializer.serialize(AsnParser.parse(cert, Certificate).tbsCertificate.subjectPublicKeyInfo),
  ).toString('hex');

describe('central key generation: openssl cmp 3.5 client → our test CA', { skip }, () => {
  let ca: TestCa;
  let srv: RunningServer;
  let dir: string;
  const file = (name: string) => join(dir, name);
  const client = (args: string[]) =>
    runPeer(
      openssl35,
      ['cmp', '-server', `127.0.0.1:${srv.port}/.well-known/cmp`, '-trusted', file('ca.pem'), ...args],
      { timeoutMs: 60_000 },
    );
  const pbm = ['-ref', 'user1', '-secret', 'pass:s3cret'];

  /** OpenSSL's client got a key and a certificate; the key it saved is the certificate's. */
  const delivered = async (args: string[], name: string) => {
    const r = await client([
      ...args,
      '-centralkeygen',
      '-subject',
      `/CN=central ${name}`,
      '-certout',
      file(`${name}.crt`),
      '-newkeyout',
      file(`${name}.key`),
      '-rspout',
      file(`${name}-ip.der`),
    ]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /saving centrally generated key/);
    openssl35Run(['pkey', '-in', file(`${name}.key`), '-pubout', '-out', file(`${name}.pub`)], dir);
    assert.equal(spkiOf(der(file(`${name}.crt`))), Buffer.from(der(file(`${name}.pub`))).toString('hex'));
    return der(file(`${name}-ip.der`));
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cmp-lens-ckg-'));
    ca = await TestCa.create({
      secret: new TextEncoder().encode('s3cret'),
      behaviour: { centralKeyForm: 'openssl' },
    });
    srv = await serveTestCa(ca);
    writeFileSync(file('ca.pem'), toPem('CERTIFICATE', ca.certDer));
    // An EC and an RSA client certificate from our CA, enrolled by OpenSSL with PBM.
    openssl35Run(
      ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'ec.key'],
      dir,
    );
    openssl35Run(
      ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'rsa.key'],
      dir,
    );
    for (const k of ['ec', 'rsa']) {
      const r = await client([
        ...pbm,
        '-cmd',
        'ir',
        '-newkey',
        file(`${k}.key`),
        '-subject',
        `/CN=${k} client`,
        '-certout',
        file(`${k}.crt`),
      ]);
      assert.equal(r.code, 0, r.out);
    }
  });
  after(async () => {
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('cr signed by an EC client: kari; OpenSSL decrypts and saves the key of the certificate', async () => {
    const ip = await delivered(['-cmd', 'cr', '-cert', file('ec.crt'), '-key', file('ec.key')], 'kari');
    // And our own reading of the same answer, with the client's key.
    const out = await decryptMessage(ip, { kind: 'key', pkcs8: der(file('ec.key')) });
    assert.equal(out.exit, 0);
    assert.match(out.items[0].openedBy!, /kari \(dhSinglePass-stdDH-sha256kdf-scheme, aes256-wrap\)/);
    assert.equal(out.items[0].keyPackage!.signature.verdict, 'valid');
  });
  it('cr signed by an RSA client: ktri RSAES-OAEP', async () => {
    const ip = await delivered(['-cmd', 'cr', '-cert', file('rsa.crt'), '-key', file('rsa.key')], 'ktri');
    const out = await decryptMessage(ip, { kind: 'key', pkcs8: der(file('rsa.key')) });
    assert.match(out.items[0].openedBy!, /ktri \(id-RSAES-OAEP\)/);
  });
  it('ir with PBM: pwri to the shared secret', async () => {
    const ip = await delivered([...pbm, '-cmd', 'ir'], 'pwri');
    const out = await decryptMessage(ip, { kind: 'password', password: new TextEncoder().encode('s3cret') });
    assert.match(out.items[0].openedBy!, /pwri \(PBKDF2, id-alg-PWRI-KEK\)/);
    assert.deepEqual(
      out.items[0].keys!.map((k) => k.matchesCertificate),
      [true],
    );
  });
  it("RFC 9483's AsymmetricKeyPackage (our default) is what OpenSSL 3.5's client cannot read", async () => {
    ca.behaviour = { centralKeyForm: 'rfc9483' };
    try {
      const r = await client([
        ...pbm,
        '-cmd',
        'ir',
        '-centralkeygen',
        '-subject',
        '/CN=rfc',
        '-newkeyout',
        file('rfc.key'),
        '-certout',
        file('rfc.crt'),
        '-rspout',
        file('rfc-ip.der'),
      ]);
      assert.notEqual(r.code, 0);
      assert.match(r.out, /error decoding encryptedkey/);
      const out = await decryptMessage(der(file('rfc-ip.der')), {
        kind: 'password',
        password: new TextEncoder().encode('s3cret'),
      });
      assert.equal(out.exit, 0);
      assert.equal(out.items[0].keyPackage!.contentType, 'id-ct-KP-aKeyPackage');
      assert.equal(out.items[0].keyPackage!.habit, undefined);
    } finally {
      ca.behaviour = { centralKeyForm: 'openssl' };
    }
  });
});

describe('central key generation: our client → openssl cmp 3.5 mock server', { skip }, () => {
  let dir: string;
  const file = (name: string) => join(dir, name);
  /** A self-signed certificate and key made by OpenSSL: `NAME.crt`, `NAME.key`. */
  const selfSigned = (name: string, newkey: string[], subject: string, extra: string[] = []) =>
    openssl35Run(
      [
        'req',
        '-x509',
        '-newkey',
        ...newkey,
        '-nodes',
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.crt`,
        '-subj',
        subject,
        '-days',
        '30',
        ...extra,
      ],
      dir,
    );
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cmp-lens-ckg-mock-'));
    const p256 = ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
    selfSigned('kga', p256, '/CN=OpenSSL KGA', ['-addext', 'extendedKeyUsage=1.3.6.1.5.5.7.3.32']);
    // The key the mock server "generates" (-rsp_key) and its certificate (-rsp_cert).
    selfSigned('new', p256, '/CN=generated');
    selfSigned('ec', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-384'], '/CN=our EC client');
    selfSigned('rsa', ['rsa:2048'], '/CN=our RSA client');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [client, recipient] of [
    ['ec', /kari \(dhSinglePass-stdDH-sha1kdf-scheme, aes256-wrap\)/],
    ['rsa', /ktri \(rsaEncryption\)/],
  ] as const) {
    it(`${client.toUpperCase()} signer: we open the key OpenSSL sends, check it and keep it owner-only`, async () => {
      const { port, stop } = await opensslMockServer([
        '-max_msgs',
        '2',
        '-srv_cert',
        file('kga.crt'),
        '-srv_key',
        file('kga.key'),
        '-srv_trusted',
        file(`${client}.crt`),
        '-rsp_cert',
        file('new.crt'),
        '-rsp_key',
        file('new.key'),
      ]);
      try {
        const key = await importPrivateKey(der(file(`${client}.key`)));
        const protection: ProtectionSpec = { kind: 'signature', key, cert: der(file(`${client}.crt`)) };
        const built = await buildRequest(
          { body: 'cr', centralKeygen: true, template: { subject: 'CN=generated' } },
          { protection },
        );
        if (!built.ok) assert.fail(JSON.stringify(built.errors));
        const store = new ExchangeStore(file(`exchange-${client}`));
        const out = await sendRequest({
          request: built.der,
          name: 'cr',
          server: { name: 'openssl 3.5', url: `http://127.0.0.1:${port}/pkix/` },
          post: nodePost(),
          secrets: givenSecret(undefined),
          protection,
          trustAnchors: [der(file('kga.crt'))],
          sink: store,
        });
        assert.ok(out?.result.ok, out?.result.error);
        const lines = out!.delivered.join('\n');
        assert.match(lines, recipient);
        assert.match(lines, /KGA signature: valid — KGA signature by CN=OpenSSL KGA/);
        assert.match(lines, /KGA authorized: yes — CN=OpenSSL KGA carries EKU id-kp-cmKGA/);
        assert.match(lines, /matches the certificate issued with it/);
        assert.match(lines, /the delivered key is in delivered-0\.key\.pem \(PKCS#8, owner-only\)/);
        const saved = file(`exchange-${client}/delivered-0.key.pem`);
        assert.equal(statSync(saved).mode & 0o777, 0o600);
        openssl35Run(['pkey', '-in', saved, '-pubout', '-out', file('saved.pub')], dir);
        openssl35Run(['pkey', '-in', file('new.key'), '-pubout', '-out', file('new.pub')], dir);
        assert.equal(readFileSync(file('saved.pub'), 'utf8'), readFileSync(file('new.pub'), 'utf8'));
      } finally {
        stop();
      }
    });
  }
});
