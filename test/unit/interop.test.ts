// Real peers over loopback: our client against `openssl cmp` as HTTP mock server, and `openssl cmp`
// as a client against our test CA, with PBM and with signature protection. Every OpenSSL process is
// bounded (-max_msgs and a timeout) and stopped by the test. Keys and certificates: test/fixtures/keys.
import { strict as assert } from 'node:assert';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AsnParser, AsnSerializer } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { buildRequest, type Materials, type RequestSpec } from '../../src/core/compose';
import { importPrivateKey, toPem, type KeyPair } from '../../src/core/base';
import { unwrapInput } from '../../src/core/base/pem';
import type { ProtectionSpec } from '../../src/core/protection';
import { TestCa } from '../../src/core/testca';
import { runTransaction, type TransactionResult } from '../../src/core/transport';
import { nodePost } from '../../src/node/httpPost';
import { serveTestCa, type RunningServer } from '../../src/node/testcaServer';
import { fixture, fixtures } from './helpers';
import { freePort, listening } from '../gen/loopback';

const K = join(fixtures, 'keys');
const secret = new TextEncoder().encode('s3cret');
const der = (name: string) => unwrapInput(fixture(`keys/${name}`)).der;
let ecKey: KeyPair;
let rsaKey: KeyPair;

const pbmServer = [
  '-srv_ref',
  'mock',
  '-srv_secret',
  'pass:s3cret',
  '-rsp_cert',
  join(K, 'ee-ec.crt'),
  '-rsp_capubs',
  join(K, 'ca.crt'),
];
const sigServer = [
  '-srv_cert',
  join(K, 'srv-ca.crt'),
  '-srv_key',
  join(K, 'srv.key'),
  '-srv_trusted',
  join(K, 'ca.crt'),
  '-rsp_cert',
  join(K, 'ee-ec.crt'),
  '-rsp_capubs',
  join(K, 'ca.crt'),
];

/** Runs one transaction of ours against a fresh `openssl cmp` mock server. */
async function againstOpenssl(
  serverArgs: string[],
  spec: RequestSpec,
  materials: Partial<Materials>,
  protection: ProtectionSpec,
  maxMsgs = 2,
): Promise<TransactionResult> {
  const port = await freePort();
  const child = spawn(
    'openssl',
    ['cmp', '-port', String(port), '-max_msgs', String(maxMsgs), ...serverArgs],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  try {
    await listening(port, child);
    // senderKID names the secret for MAC; with a signature it is the certificate's key identifier.
    const built = await buildRequest(
      { recipient: 'CN=Test CA', senderKID: protection.kind === 'signature' ? undefined : 'user1', ...spec },
      { protection, ...materials },
    );
    if (!built.ok) assert.fail(JSON.stringify(built.errors));
    const server = { name: 'openssl', url: `http://127.0.0.1:${port}/pkix/` };
    return await runTransaction(built.der, {
      post: nodePost(),
      server,
      protection,
      verify: { secret, trustAnchors: [der('ca.crt')] },
      sleep: async () => undefined,
    });
  } finally {
    clearTimeout(killer);
    child.kill();
  }
}

const bodies = (r: TransactionResult) => r.messages.map((m) => m.body).join(' ');

before(async () => {
  ecKey = await importPrivateKey(der('ee-ec.key'));
  rsaKey = await importPrivateKey(der('ee-rsa.key'));
});

describe('interop: our client → openssl cmp mock server', () => {
  const pbm: ProtectionSpec = { kind: 'pbm', secret };
  const sig = (): ProtectionSpec => ({ kind: 'signature', key: rsaKey, cert: der('ee-rsa.crt') });
  const kurSig = (): ProtectionSpec => ({ kind: 'signature', key: ecKey, cert: der('ee-ec.crt') });
  const cases: [string, string[], () => ProtectionSpec, RequestSpec, () => Partial<Materials>, string][] = [
    [
      'ir, PBM',
      pbmServer,
      () => pbm,
      { body: 'ir', template: { subject: 'CN=ir' } },
      () => ({ key: ecKey }),
      'ir ip certConf pkiconf',
    ],
    [
      'cr, PBM',
      pbmServer,
      () => pbm,
      { body: 'cr', template: { subject: 'CN=cr' } },
      () => ({ key: ecKey }),
      'cr cp certConf pkiconf',
    ],
    [
      'p10cr, PBM',
      pbmServer,
      () => pbm,
      { body: 'p10cr', template: { subject: 'CN=p10' } },
      () => ({ key: ecKey }),
      'p10cr cp certConf pkiconf',
    ],
    [
      'kur, PBM',
      pbmServer,
      () => pbm,
      { body: 'kur', template: {} },
      () => ({ key: ecKey, oldCert: der('ee-ec.crt') }),
      'kur kup certConf pkiconf',
    ],
    [
      'rr, PBM',
      pbmServer,
      () => pbm,
      { body: 'rr', revoke: { reason: 1 } },
      () => ({ oldCert: der('ee-ec.crt') }),
      'rr rp',
    ],
    [
      'genm, PBM',
      pbmServer,
      () => pbm,
      { body: 'genm', infoTypes: ['signKeyPairTypes'] },
      () => ({}),
      'genm genp',
    ],
    [
      'ir, signature',
      sigServer,
      sig,
      { body: 'ir', template: { subject: 'CN=ir' } },
      () => ({ key: ecKey }),
      'ir ip certConf pkiconf',
    ],
    [
      'cr, signature',
      sigServer,
      sig,
      { body: 'cr', template: { subject: 'CN=cr' } },
      () => ({ key: ecKey }),
      'cr cp certConf pkiconf',
    ],
    [
      'p10cr, signature',
      sigServer,
      sig,
      { body: 'p10cr', template: { subject: 'CN=p10' } },
      () => ({ key: ecKey }),
      'p10cr cp certConf pkiconf',
    ],
    [
      'kur, signature',
      sigServer,
      kurSig,
      { body: 'kur', template: {} },
      () => ({ key: ecKey, oldCert: der('ee-ec.crt') }),
      'kur kup certConf pkiconf',
    ],
    [
      'rr, signature',
      sigServer,
      kurSig,
      { body: 'rr', revoke: { reason: 1 } },
      () => ({ oldCert: der('ee-ec.crt') }),
      'rr rp',
    ],
    ['genm, signature', sigServer, sig, { body: 'genm', infoTypes: ['caCerts'] }, () => ({}), 'genm genp'],
  ];
  for (const [name, server, protection, spec, materials, expected] of cases) {
    it(name, async () => {
      const r = await againstOpenssl(server, spec, materials(), protection());
      assert.equal(r.ok, true, `${r.error} (${bodies(r)})`);
      assert.equal(bodies(r), expected);
      assert.ok(
        r.messages.filter((m) => m.direction === 'received').every((m) => m.protection?.verdict === 'valid'),
      );
      for (const c of r.issued) assert.deepEqual(c.der, der('ee-ec.crt'));
      if (expected.includes('certConf')) assert.equal(r.messages[2].status, 'accepted');
    });
  }

  it('polling: -poll_count 2', async () => {
    const r = await againstOpenssl(
      [...pbmServer, '-poll_count', '2', '-check_after', '0'],
      { body: 'ir', template: { subject: 'CN=poll' } },
      { key: ecKey },
      { kind: 'pbm', secret },
      6,
    );
    assert.equal(r.ok, true, r.error);
    assert.equal(bodies(r), 'ir ip pollReq pollRep pollReq ip certConf pkiconf');
  });
  it('a rejection: -pkistatus 2 -failurebits (badPOP, badCertTemplate)', async () => {
    const bits = (1 << 9) | (1 << 19);
    const r = await againstOpenssl(
      [...pbmServer, '-pkistatus', '2', '-failurebits', String(bits)],
      { body: 'cr', template: { subject: 'CN=no' } },
      { key: ecKey },
      { kind: 'pbm', secret },
      1,
    );
    assert.equal(r.ok, false);
    assert.match(r.error!, /certificate request 0 was not granted: rejection: badPOP, badCertTemplate/);
  });
  it('an error message: -send_error', async () => {
    const r = await againstOpenssl(
      [...pbmServer, '-send_error'],
      { body: 'ir', template: { subject: 'CN=err' } },
      { key: ecKey },
      { kind: 'pbm', secret },
      1,
    );
    assert.equal(r.ok, false);
    assert.equal(bodies(r), 'ir error');
    assert.match(r.error!, /the server answered with an error message: rejection/);
  });
});

describe('interop: openssl cmp client → our test CA', () => {
  let ca: TestCa;
  let srv: RunningServer;
  let dir: string;
  const opensslClient = (args: string[]) =>
    new Promise<{ code: number; out: string }>((resolve) => {
      execFile(
        'openssl',
        [
          'cmp',
          '-server',
          `127.0.0.1:${srv.port}/.well-known/cmp`,
          '-recipient',
          '/CN=CMP Lens Test CA',
          ...args,
        ],
        { timeout: 20_000 },
        (e, stdout, stderr) =>
          resolve({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, out: `${stdout}${stderr}` }),
      );
    });
  const pbm = ['-ref', 'user1', '-secret', 'pass:s3cret'];
  const file = (name: string) => join(dir, name);
  const issuedSubject = (name: string) => {
    const cert = AsnParser.parse(unwrapInput(new Uint8Array(readFileSync(file(name)))).der, Certificate);
    assert.deepEqual(
      AsnSerializer.serialize(cert.tbsCertificate.issuer),
      AsnSerializer.serialize(ca.cert.tbsCertificate.subject),
    );
    return cert;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cmp-lens-interop-'));
    ca = await TestCa.create({ secret });
    srv = await serveTestCa(ca);
    writeFileSync(file('ca.pem'), toPem('CERTIFICATE', ca.certDer));
  });
  after(async () => {
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const expectOk = async (args: string[], what: RegExp) => {
    const r = await opensslClient(args);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, what);
  };

  it('ir, PBM: a certificate for the requested key', async () => {
    await expectOk(
      [
        ...pbm,
        '-cmd',
        'ir',
        '-newkey',
        join(K, 'ee-ec.key'),
        '-subject',
        '/CN=openssl ir',
        '-certout',
        file('ir.pem'),
      ],
      /received 1 enrolled certificate/,
    );
    const cert = issuedSubject('ir.pem');
    assert.deepEqual(
      AsnSerializer.serialize(cert.tbsCertificate.subjectPublicKeyInfo),
      AsnSerializer.serialize(
        AsnParser.parse(der('ee-ec.crt'), Certificate).tbsCertificate.subjectPublicKeyInfo,
      ),
    );
  });
  it('cr, PBM', () =>
    expectOk(
      [
        ...pbm,
        '-cmd',
        'cr',
        '-newkey',
        join(K, 'ee-rsa.key'),
        '-subject',
        '/CN=openssl cr',
        '-certout',
        file('cr.pem'),
      ],
      /received 1 enrolled certificate/,
    ));
  it('p10cr, PBM', () =>
    expectOk(
      [...pbm, '-cmd', 'p10cr', '-csr', join(K, 'ee-rsa.csr'), '-certout', file('p10.pem')],
      /received 1 enrolled certificate/,
    ));
  it('genm, PBM', () =>
    expectOk(
      [...pbm, '-cmd', 'genm', '-infotype', 'signKeyPairTypes'],
      /genp contains ITAV of type: id-it-signKeyPairTypes/,
    ));
  it('ir with implicit confirmation, PBM', () =>
    expectOk(
      [
        ...pbm,
        '-cmd',
        'ir',
        '-implicit_confirm',
        '-newkey',
        join(K, 'ee-ec.key'),
        '-subject',
        '/CN=implicit',
        '-certout',
        file('imp.pem'),
      ],
      /received 1 enrolled certificate/,
    ));
  it('kur, signature (with the certificate from ir)', () =>
    expectOk(
      [
        '-cmd',
        'kur',
        '-cert',
        file('ir.pem'),
        '-key',
        join(K, 'ee-ec.key'),
        '-newkey',
        join(K, 'ee-rsa.key'),
        '-trusted',
        file('ca.pem'),
        '-certout',
        file('kur.pem'),
      ],
      /received 1 enrolled certificate/,
    ));
  it('cr, signature', () =>
    expectOk(
      [
        '-cmd',
        'cr',
        '-cert',
        file('ir.pem'),
        '-key',
        join(K, 'ee-ec.key'),
        '-newkey',
        join(K, 'ee-ec.key'),
        '-subject',
        '/CN=signed cr',
        '-trusted',
        file('ca.pem'),
        '-certout',
        file('crs.pem'),
      ],
      /received 1 enrolled certificate/,
    ));
  it('genm, signature', () =>
    expectOk(
      [
        '-cmd',
        'genm',
        '-cert',
        file('ir.pem'),
        '-key',
        join(K, 'ee-ec.key'),
        '-trusted',
        file('ca.pem'),
        '-infotype',
        'caCerts',
      ],
      /genp contains ITAV of type: id-it-caCerts/,
    ));
  it('rr, PBM, then again: certRevoked', async () => {
    await expectOk(
      [...pbm, '-cmd', 'rr', '-oldcert', file('cr.pem'), '-revreason', '1'],
      /revocation accepted/,
    );
    const again = await opensslClient([...pbm, '-cmd', 'rr', '-oldcert', file('cr.pem')]);
    assert.notEqual(again.code, 0);
    assert.match(again.out, /certRevoked|already revoked/);
  });
  it('rr, signature', () =>
    expectOk(
      [
        '-cmd',
        'rr',
        '-cert',
        file('ir.pem'),
        '-key',
        join(K, 'ee-ec.key'),
        '-trusted',
        file('ca.pem'),
        '-oldcert',
        file('crs.pem'),
      ],
      /revocation accepted/,
    ));
  it('wrong secret: OpenSSL gets our error', async () => {
    const r = await opensslClient(['-ref', 'user1', '-secret', 'pass:WRONG', '-cmd', 'genm']);
    assert.notEqual(r.code, 0);
    assert.match(r.out, /badMessageCheck|MAC|protection/i);
  });
});
