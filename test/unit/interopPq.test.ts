// Post-quantum CMP with OpenSSL 3.5 over loopback, both ways (issue 17):
//  - our client → `openssl cmp` 3.5 as HTTP mock server (its CA signs with ML-DSA-65): ir, cr, kur (each
//    with certConf), rr and genm, signed with ML-DSA-44, -65, -87 and SLH-DSA-SHA2-128f keys; polling; a
//    rejection. OpenSSL verifies our requests and POPs; we verify its answers.
//  - `openssl cmp` 3.5 as client → our test CA, once as a classic (P-256) CA and once as an ML-DSA-65 CA:
//    ir (PBM), p10cr, cr, kur, genm and rr with ML-DSA and SLH-DSA keys; each succeeds on OpenSSL's side
//    and the certificate it saves carries the key it asked for.
// Every OpenSSL process is bounded (-max_msgs, a kill timer, -msg_timeout) and stopped by the test. Needs
// the peers (bash scripts/install-peers.sh, which npm test runs). SLH-DSA-SHA2-128f, not a small "s" set,
// signs our side: @noble/post-quantum takes about 1 s per 128f signature and 20 s per 128s one.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AsnParser, AsnSerializer } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { importPrivateKey, oidBytes, pqByName, toPem, unwrapInput, type KeyPair } from '../../src/core/base';
import { buildRequest, type Materials, type RequestSpec } from '../../src/core/compose';
import type { ProtectionSpec } from '../../src/core/protection';
import { TestCa } from '../../src/core/testca';
import { runTransaction, type TransactionResult } from '../../src/core/transport';
import { nodePost } from '../../src/node/httpPost';
import { serveTestCa, type RunningServer } from '../../src/node/testcaServer';
import { freePort, listening, runPeer } from '../gen/loopback';
import { haveOpenssl35, makePqPki, openssl35, openssl35Run } from '../gen/pq';

const skip = haveOpenssl35() ? false : 'OpenSSL 3.5 is not installed (bash scripts/install-peers.sh)';
const sets = ['ML-DSA-44', 'ML-DSA-65', 'ML-DSA-87', 'SLH-DSA-SHA2-128f'];
const der = (file: string) => unwrapInput(new Uint8Array(readFileSync(file))).der;
const bodies = (r: TransactionResult) => r.messages.map((m) => m.body).join(' ');
const spkiOf = (cert: Uint8Array) =>
  Buffer.from(
    AsnSerializer.serialize(AsnParser.parse(cert, Certificate).tbsCertificate.subjectPublicKeyInfo),
  ).toString('hex');

describe('PQ interop: our client → openssl cmp 3.5 mock server (ML-DSA-65 CA)', { skip }, () => {
  let root: string;
  const ee = new Map<string, { dir: string; key: KeyPair; cert: Uint8Array }>();
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'cmp-lens-pq-interop-'));
    makePqPki(root, 'ML-DSA-65');
    for (const set of sets) {
      const dir = join(root, set);
      mkdirSync(dir);
      copyFileSync(join(root, 'ca.crt'), join(dir, 'ca.crt'));
      copyFileSync(join(root, 'ca.key'), join(dir, 'ca.key'));
      makePqPki(dir, set);
      ee.set(set, {
        dir,
        key: await importPrivateKey(der(join(dir, 'ee.key'))),
        cert: der(join(dir, 'ee.crt')),
      });
    }
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  /** One transaction of ours, signed by the end entity of `set`, against a fresh mock server. */
  async function transaction(
    set: string,
    spec: RequestSpec,
    materials: (e: { key: KeyPair; cert: Uint8Array }) => Partial<Materials>,
    serverExtra: string[] = [],
    maxMsgs = 2,
  ): Promise<TransactionResult> {
    const e = ee.get(set)!;
    const port = await freePort();
    const child = spawn(
      openssl35,
      [
        'cmp',
        '-port',
        String(port),
        '-max_msgs',
        String(maxMsgs),
        '-srv_cert',
        join(e.dir, 'ca.crt'),
        '-srv_key',
        join(e.dir, 'ca.key'),
        '-srv_trusted',
        join(e.dir, 'ca.crt'),
        '-rsp_cert',
        join(e.dir, 'ee.crt'),
        '-rsp_capubs',
        join(e.dir, 'ca.crt'),
        ...serverExtra,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    try {
      await listening(port, child);
      const protection: ProtectionSpec = { kind: 'signature', key: e.key, cert: e.cert };
      const built = await buildRequest({ recipient: 'CN=PQ CA', ...spec }, { protection, ...materials(e) });
      if (!built.ok) assert.fail(JSON.stringify(built.errors));
      const r = await runTransaction(built.der, {
        post: nodePost(),
        server: { name: 'openssl 3.5', url: `http://127.0.0.1:${port}/pkix/` },
        protection,
        verify: { trustAnchors: [der(join(e.dir, 'ca.crt'))] },
        sleep: async () => undefined,
      });
      if (!r.ok && !/rejection|error message/.test(r.error ?? ''))
        assert.fail(`${r.error} — OpenSSL said: ${stderr.trim().split('\n').slice(-3).join(' / ')}`);
      return r;
    } finally {
      clearTimeout(killer);
      child.kill();
    }
  }

  const kinds: [
    string,
    RequestSpec,
    (e: { key: KeyPair; cert: Uint8Array }) => Partial<Materials>,
    string,
  ][] = [
    [
      'ir',
      { body: 'ir', template: { subject: 'CN=pq ir' } },
      (e) => ({ key: e.key }),
      'ir ip certConf pkiconf',
    ],
    [
      'cr',
      { body: 'cr', template: { subject: 'CN=pq cr' } },
      (e) => ({ key: e.key }),
      'cr cp certConf pkiconf',
    ],
    [
      'kur',
      { body: 'kur', template: {} },
      (e) => ({ key: e.key, oldCert: e.cert }),
      'kur kup certConf pkiconf',
    ],
    ['rr', { body: 'rr', revoke: { reason: 1 } }, (e) => ({ oldCert: e.cert }), 'rr rp'],
    ['genm', { body: 'genm', infoTypes: ['caCerts'] }, () => ({}), 'genm genp'],
  ];
  for (const set of sets) {
    it(`${set}: ir, cr, kur (with certConf), rr and genm succeed; every ML-DSA-65 answer is valid`, async () => {
      const oid = pqByName.get(set)!.oid;
      for (const [kind, spec, materials, expected] of kinds) {
        const r = await transaction(set, spec, materials);
        assert.equal(r.ok, true, `${kind}: ${r.error} (${bodies(r)})`);
        assert.equal(bodies(r), expected, kind);
        for (const m of r.messages) {
          if (m.direction === 'received')
            assert.match(m.protection?.summary ?? '', /^ML-DSA-65, with /, `${kind} ${m.body}`);
          else assert.ok(hasOid(m.der, oid), `${kind} ${m.body} is signed with ${set}`);
        }
        for (const c of r.issued) assert.equal(spkiOf(c.der), spkiOf(ee.get(set)!.cert));
        if (expected.includes('certConf')) assert.equal(r.messages[2].status, 'accepted', kind);
      }
    });
  }
  it('ML-DSA-65: polling (-poll_count 2), for the ip and for the pkiConf (RFC 9810 §5.3.22)', async () => {
    const r = await transaction(
      'ML-DSA-65',
      { body: 'ir', template: { subject: 'CN=pq poll' } },
      (e) => ({ key: e.key }),
      ['-poll_count', '2', '-check_after', '0'],
      10,
    );
    assert.equal(r.ok, true, r.error);
    // OpenSSL 3.5 delays the pkiConf too: an error with status waiting, then pollReq with certReqId -1.
    assert.equal(
      bodies(r),
      'ir ip pollReq pollRep pollReq ip certConf error pollReq pollRep pollReq pkiconf',
    );
    assert.match(r.messages[7].status ?? '', /waiting/);
  });
  it('ML-DSA-44: a rejection (-pkistatus 2 -failurebits badPOP)', async () => {
    const r = await transaction(
      'ML-DSA-44',
      { body: 'cr', template: { subject: 'CN=pq no' } },
      (e) => ({ key: e.key }),
      ['-pkistatus', '2', '-failurebits', String(1 << 9)],
      1,
    );
    assert.equal(r.ok, false);
    assert.match(r.error!, /certificate request 0 was not granted: rejection: badPOP/);
    assert.ok(
      r.messages.filter((m) => m.direction === 'received').every((m) => m.protection?.verdict === 'valid'),
    );
  });
});

/** Whether `der` holds the DER of OBJECT IDENTIFIER `oid` (the protectionAlg of a message). */
function hasOid(der: Uint8Array, oid: string): boolean {
  const body = oidBytes(oid);
  return Buffer.from(der).includes(Buffer.from([0x06, body.length, ...body]));
}

for (const caKey of ['P-256', 'ML-DSA-65'] as const) {
  describe(`PQ interop: openssl cmp 3.5 client → our test CA (${caKey} CA)`, { skip }, () => {
    let ca: TestCa;
    let srv: RunningServer;
    let dir: string;
    const file = (name: string) => join(dir, name);
    const client = (args: string[]) =>
      runPeer(
        openssl35,
        [
          'cmp',
          '-server',
          `127.0.0.1:${srv.port}/.well-known/cmp`,
          '-recipient',
          '/CN=CMP Lens Test CA',
          '-msg_timeout',
          '60',
          ...args,
        ],
        { timeoutMs: 90_000 },
      );
    const pbm = ['-ref', 'user1', '-secret', 'pass:s3cret'];
    const signed = () => ['-cert', file('ir.pem'), '-key', file('ml44.key'), '-trusted', file('ca.pem')];
    /** OpenSSL's run succeeded and the certificate it saved is ours, for the key it asked for. */
    const enrolled = async (args: string[], out: string, key: string) => {
      const r = await client([...args, '-certout', file(out)]);
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /received 1 (newly )?enrolled certificate/);
      const cert = der(file(out));
      assert.deepEqual(
        AsnSerializer.serialize(AsnParser.parse(cert, Certificate).tbsCertificate.issuer),
        AsnSerializer.serialize(ca.cert.tbsCertificate.subject),
      );
      openssl35Run(['pkey', '-in', key, '-pubout', '-out', `${key}.pub`], dir);
      assert.equal(spkiOf(cert), Buffer.from(der(`${key}.pub`)).toString('hex'), 'the key asked for');
    };

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'cmp-lens-pq-ca-'));
      ca = await TestCa.create({ secret: new TextEncoder().encode('s3cret'), keyKind: caKey });
      srv = await serveTestCa(ca);
      writeFileSync(file('ca.pem'), toPem('CERTIFICATE', ca.certDer));
      for (const [name, alg] of [
        ['ml44.key', 'ML-DSA-44'],
        ['ml65.key', 'ML-DSA-65'],
        ['ml87.key', 'ML-DSA-87'],
        ['slh.key', 'SLH-DSA-SHA2-128f'],
      ])
        openssl35Run(['genpkey', '-algorithm', alg, '-out', name], dir);
      openssl35Run(
        ['req', '-new', '-key', 'ml65.key', '-subj', '/CN=openssl p10cr', '-out', 'ml65.csr'],
        dir,
      );
    });
    after(async () => {
      await srv.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('ir, PBM, for an ML-DSA-44 key', () =>
      enrolled(
        [...pbm, '-cmd', 'ir', '-newkey', file('ml44.key'), '-subject', '/CN=openssl pq ir'],
        'ir.pem',
        file('ml44.key'),
      ));
    it('p10cr, PBM, an ML-DSA-65 CSR', () =>
      enrolled([...pbm, '-cmd', 'p10cr', '-csr', file('ml65.csr')], 'p10.pem', file('ml65.key')));
    it('cr signed with ML-DSA-44, for an SLH-DSA-SHA2-128f key', () =>
      enrolled(
        [...signed(), '-cmd', 'cr', '-newkey', file('slh.key'), '-subject', '/CN=openssl pq cr'],
        'cr.pem',
        file('slh.key'),
      ));
    it('kur signed with ML-DSA-44, to an ML-DSA-87 key', () =>
      enrolled([...signed(), '-cmd', 'kur', '-newkey', file('ml87.key')], 'kur.pem', file('ml87.key')));
    it('genm signed with ML-DSA-44: caCerts', async () => {
      const r = await client([
        ...signed(),
        '-cmd',
        'genm',
        '-infotype',
        'caCerts',
        '-cacertsout',
        file('cacerts.pem'),
      ]);
      assert.equal(r.code, 0, r.out);
      assert.equal(spkiOf(der(file('cacerts.pem'))), spkiOf(ca.certDer), 'our CA certificate');
      assert.match(r.out, /received 1 CA certificate/);
    });
    it('rr signed with ML-DSA-44: the SLH-DSA certificate revoked', async () => {
      const r = await client([...signed(), '-cmd', 'rr', '-oldcert', file('cr.pem'), '-revreason', '1']);
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /revocation accepted/);
    });
  });
}
