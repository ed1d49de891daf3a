// The test CA under concurrency and crashes, kept in OpenSSL's `openssl ca` layout (issue 21):
// 4 × 25 concurrent `openssl cmp` enrollments get 100 distinct serials and `openssl ca -status` reads
// every one; a revocation shows there and in the CRL that genm crlStatusList returns (verified by
// `openssl crl -CAfile`); an old testca.json is migrated once; kill -9 in the middle of a burst loses
// no answered certificate and reuses no serial. Every server is on loopback, bounded and stopped.
import { strict as assert } from 'node:assert';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AsnParser } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { toBase64, unwrapInput } from '../../src/core/base';
import { buildRequest } from '../../src/core/compose';
import { TestCa } from '../../src/core/testca';
import { runTransaction } from '../../src/core/transport';
import { nodePost } from '../../src/node/httpPost';
import { serveTestCa, type RunningServer } from '../../src/node/testcaServer';
import { writeFileAtomic } from '../../src/node/atomic';
import { openTestCa } from '../../src/node/testcaState';
import { freePort, listening, runPeer } from '../gen/loopback';
import { haveOpenssl35, openssl35 } from '../gen/pq';
import { fixtures } from './helpers';

const secret = new TextEncoder().encode('s3cret');
const key = join(fixtures, 'keys', 'ee-ec.key');
/** A certificate's serial as OpenSSL spells it (upper-case hex, even length). */
function serialHexOf(der: Uint8Array): string {
  const hex = Buffer.from(AsnParser.parse(der, Certificate).tbsCertificate.serialNumber).toString('hex');
  return hex.toUpperCase().replace(/^(00)+(?=[0-9A-F]{2})/, '');
}
const serialOf = (pem: string) => serialHexOf(unwrapInput(new Uint8Array(readFileSync(pem))).der);

const run = (cmd: string, args: string[]) => runPeer(cmd, args);

/** `openssl ca -status SERIAL` on the folder: "Valid", "Revoked", or what else it says. */
function caStatus(dir: string, serial: string): string {
  const r = spawnText('openssl', ['ca', '-config', join(dir, 'openssl.cnf'), '-status', serial]);
  return /=(\w+) \(/.exec(r)?.[1] ?? r;
}
function spawnText(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  } catch (e) {
    return `${(e as { stdout?: Buffer }).stdout ?? ''}${(e as { stderr?: Buffer }).stderr ?? ''}`;
  }
}

describe('test CA folder: concurrency, OpenSSL layout, CRL', () => {
  let dir: string;
  let ca: TestCa;
  let srv: RunningServer;
  const serials: string[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cmp-lens-cadb-'));
    ca = await openTestCa(dir, { secret });
    srv = await serveTestCa(ca);
  });
  after(async () => {
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('4 openssl cmp clients × 25 enrollments in parallel: 100 certificates, 100 distinct serials, each Valid to openssl ca', async () => {
    const client = async (c: number) => {
      for (let i = 0; i < 25; i++) {
        const out = join(dir, `c${c}-${i}.pem`);
        const r = await run('openssl', [
          'cmp',
          '-server',
          `127.0.0.1:${srv.port}/.well-known/cmp`,
          '-recipient',
          '/CN=CMP Lens Test CA',
          '-ref',
          'user1',
          '-secret',
          'pass:s3cret',
          '-cmd',
          'ir',
          '-newkey',
          key,
          '-subject',
          `/CN=load ${c}-${i}`,
          '-certout',
          out,
        ]);
        assert.equal(r.code, 0, r.out);
        serials.push(serialOf(out));
      }
    };
    await Promise.all([0, 1, 2, 3].map(client));
    assert.equal(serials.length, 100);
    assert.equal(new Set(serials).size, 100, 'distinct serials');
    for (const s of serials) assert.ok(s.length >= 16, `serial ${s} has at least 64 bits`);
    const lines = readFileSync(join(dir, 'index.txt'), 'utf8').trim().split('\n');
    assert.equal(lines.length, 100);
    assert.equal(readdirSync(join(dir, 'newcerts')).length, 100);
    assert.ok((statSync(join(dir, 'ca.key')).mode & 0o077) === 0, 'ca.key is 0600');
    for (const s of serials) assert.equal(caStatus(dir, s), 'Valid', s);
  });

  it('rr: openssl ca says Revoked; genm crlStatusList (OpenSSL 3.5) gets a CRL that openssl crl verifies and lists it', async (t) => {
    const victim = join(dir, 'c0-0.pem');
    const r = await run('openssl', [
      'cmp',
      '-server',
      `127.0.0.1:${srv.port}/.well-known/cmp`,
      '-recipient',
      '/CN=CMP Lens Test CA',
      '-ref',
      'user1',
      '-secret',
      'pass:s3cret',
      '-cmd',
      'rr',
      '-oldcert',
      victim,
      '-revreason',
      '1',
    ]);
    assert.equal(r.code, 0, r.out);
    assert.equal(caStatus(dir, serialOf(victim)), 'Revoked');
    assert.match(
      readFileSync(join(dir, 'index.txt'), 'utf8'),
      new RegExp(`^R\\t\\S+\\t\\S+,keyCompromise\\t${serialOf(victim)}\\t`, 'm'),
    );
    if (!haveOpenssl35()) return t.skip('OpenSSL 3.5 is not installed (bash scripts/install-peers.sh)');
    const crl = join(dir, 'crl.pem');
    const g = await run(openssl35, [
      'cmp',
      '-server',
      `127.0.0.1:${srv.port}/.well-known/cmp`,
      '-recipient',
      '/CN=CMP Lens Test CA',
      '-ref',
      'user1',
      '-secret',
      'pass:s3cret',
      '-cmd',
      'genm',
      '-infotype',
      'crlStatusList',
      '-crlcert',
      join(dir, 'c1-0.pem'),
      '-crlout',
      crl,
    ]);
    assert.equal(g.code, 0, g.out);
    const v = await run('openssl', ['crl', '-in', crl, '-CAfile', join(dir, 'ca.crt'), '-noout', '-text']);
    assert.equal(v.code, 0, v.out);
    assert.match(v.out, /verify OK/);
    assert.match(v.out, new RegExp(`Serial Number: ${serialOf(victim)}[\\s\\S]*Key Compromise`));
    assert.match(v.out, /X509v3 CRL Number:\s*\n\s*1\n/);
  });
});

describe('test CA folder: migration and crash', () => {
  it('an older testca.json is migrated once: same key, its certificates indexed, the file kept as .migrated', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cmp-lens-migrate-'));
    try {
      const old = await TestCa.create({ secret });
      const built = await buildRequest(
        { body: 'ir', keyType: 'P-256', template: { subject: 'CN=old' } },
        { protection: { kind: 'pbm', secret, iterations: 1000 } },
      );
      assert.ok(built.ok);
      const reply = await old.handle(built.der);
      assert.ok(reply.length > 0);
      const { issued, revoked } = old.records();
      writeFileSync(
        join(dir, 'testca.json'),
        JSON.stringify({
          format: 'cmp-lens-testca/1',
          keyPkcs8Base64: toBase64(old.key.pkcs8),
          certBase64: toBase64(old.certDer),
          nextSerial: '3',
          issued,
          revoked,
        }),
      );
      const ca = await openTestCa(dir, { secret });
      assert.deepEqual(ca.certDer, old.certDer);
      assert.equal(ca.records().issued.length, 1);
      assert.ok(existsSync(join(dir, 'testca.json.migrated')) && !existsSync(join(dir, 'testca.json')));
      const again = await openTestCa(dir, { secret });
      assert.equal(again.records().issued.length, 1, 'opened again: nothing migrated twice');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('kill -9 in the middle of a burst: restarted on the same folder, every answered certificate is there and no serial is reused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cmp-lens-crash-'));
    const cli = join(__dirname, '..', '..', 'dist', 'cli.js');
    const start = async (): Promise<{ child: ChildProcess; url: string }> => {
      const port = await freePort();
      const child = spawn(process.execPath, [cli, 'serve', '--state', dir, '--port', String(port)], {
        stdio: 'ignore',
      });
      await listening(port, child);
      return { child, url: `http://127.0.0.1:${port}/.well-known/cmp` };
    };
    const enroll = async (url: string, n: number) => {
      const built = await buildRequest(
        { body: 'ir', keyType: 'P-256', implicitConfirm: true, template: { subject: `CN=burst ${n}` } },
        { protection: { kind: 'pbm', secret: new TextEncoder().encode('cmp-lens-demo'), iterations: 100 } },
      );
      assert.ok(built.ok);
      const r = await runTransaction(built.der, {
        post: nodePost(),
        server: { name: 'crash', url, timeoutMs: 5000 },
        protection: { kind: 'pbm', secret: new TextEncoder().encode('cmp-lens-demo'), iterations: 100 },
        verify: { secret: new TextEncoder().encode('cmp-lens-demo') },
        sleep: async () => undefined,
      });
      return r.ok ? r.issued.map((c) => serialHexOf(c.der)) : [];
    };
    let server = await start();
    const killer = setTimeout(() => server.child.kill('SIGKILL'), 60_000);
    try {
      const answered: string[] = [];
      const burst = Array.from({ length: 40 }, (_, n) =>
        enroll(server.url, n).then((s) => {
          answered.push(...s);
          if (answered.length === 12) server.child.kill('SIGKILL'); // in the middle of the burst
        }),
      );
      await Promise.all(burst);
      assert.ok(
        answered.length >= 12 && answered.length < 40,
        `answered before the kill: ${answered.length}`,
      );
      server = await start();
      const index = readFileSync(join(dir, 'index.txt'), 'utf8');
      assert.ok(index === '' || index.endsWith('\n'), 'index.txt ends with a whole line');
      for (const s of answered) assert.match(index, new RegExp(`^V\\t\\S+\\t\\t${s}\\t`, 'm'), s);
      const after = await Promise.all([0, 1, 2, 3].map((n) => enroll(server.url, 100 + n)));
      const fresh = after.flat();
      assert.equal(fresh.length, 4);
      for (const s of fresh) assert.ok(!answered.includes(s), `serial ${s} reused`);
      const lines = readFileSync(join(dir, 'index.txt'), 'utf8').trim().split('\n');
      const listed = lines.map((l) => l.split('\t')[3]);
      assert.equal(new Set(listed).size, listed.length, 'no serial twice in index.txt');
    } finally {
      clearTimeout(killer);
      server.child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('atomic files', () => {
  it('writeFileAtomic replaces a file whole, with the mode asked for, and leaves no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cmp-lens-atomic-'));
    try {
      const f = join(dir, 'key.pem');
      writeFileAtomic(f, 'old', 0o644);
      writeFileAtomic(f, 'new content', 0o600);
      assert.equal(readFileSync(f, 'utf8'), 'new content');
      assert.equal(statSync(f).mode & 0o777, 0o600);
      assert.deepEqual(readdirSync(dir), ['key.pem']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('exchange files under kill -9', () => {
  it('a send killed while it waits for the answer leaves the request whole and no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cmp-lens-killsend-'));
    // A server that takes the request and never answers.
    const hang = createServer((req) => req.resume());
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    const port = (hang.address() as AddressInfo).port;
    try {
      const built = await buildRequest(
        { body: 'genm', infoTypes: ['caCerts'] },
        { protection: { kind: 'pbm', secret, iterations: 100 } },
      );
      assert.ok(built.ok);
      writeFileSync(join(dir, 'genm.der'), built.der);
      const cli = join(__dirname, '..', '..', 'dist', 'cli.js');
      const child = spawn(
        process.execPath,
        [
          cli,
          'send',
          join(dir, 'genm.der'),
          '--server',
          `http://127.0.0.1:${port}/`,
          '--secret-env',
          'S',
          '--out',
          join(dir, 'x'),
        ],
        { stdio: 'ignore', env: { ...process.env, S: 's3cret' } },
      );
      for (let i = 0; i < 100 && !existsSync(join(dir, 'x', '01-genm.pkimsg')); i++)
        await new Promise((r) => setTimeout(r, 50));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      assert.deepEqual(readdirSync(join(dir, 'x')), ['01-genm.pkimsg']);
      assert.deepEqual(new Uint8Array(readFileSync(join(dir, 'x', '01-genm.pkimsg'))), built.der);
    } finally {
      hang.closeAllConnections();
      hang.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('test CA folder: a root roll kept, and a crash in the middle of it', () => {
  it('reopened, the CA is the rolled one with its update; a crash between ca.crt and ca.key is put right; one before the roll was complete leaves the old CA', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cmp-lens-roll-'));
    try {
      const ca = await openTestCa(dir, { secret });
      const oldDer = ca.certDer;
      await ca.rollRoot();
      const again = await openTestCa(dir, { secret });
      assert.deepEqual(again.certDer, ca.certDer);
      assert.notDeepEqual(again.certDer, oldDer);
      assert.deepEqual(again.rootUpdate()?.oldWithOld, oldDer);
      assert.deepEqual(again.key.spki, ca.key.spki);
      // The crash after ca.crt, before ca.key: ca.key still the old key.
      writeFileSync(join(dir, 'ca.key'), readFileSync(join(dir, 'root-update', 'old.key')));
      const repaired = await openTestCa(dir, { secret });
      assert.deepEqual(repaired.key.spki, ca.key.spki);
      assert.deepEqual(readFileSync(join(dir, 'ca.key')), readFileSync(join(dir, 'root-update', 'new.key')));
      // A crash before newWithNew.pem was written: ca.key and ca.crt are still the old ones.
      rmSync(join(dir, 'root-update', 'newWithNew.pem'));
      writeFileSync(join(dir, 'ca.key'), readFileSync(join(dir, 'root-update', 'old.key')));
      writeFileSync(join(dir, 'ca.crt'), readFileSync(join(dir, 'root-update', 'oldWithOld.pem')));
      const old = await openTestCa(dir, { secret });
      assert.deepEqual(old.certDer, oldDer);
      assert.equal(old.rootUpdate(), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
