// The test CA under load (issue 21): `cmp-lens serve --state DIR` as users run it (built dist/cli.js, its
// own process), N concurrent clients × M enrollments each — our client in process and `openssl cmp`
// processes — then the same `openssl cmp` clients against OpenSSL's own mock server (`openssl cmp -port`)
// as the reference, in the same run. Prints throughput, p50/p99 latency, certificates issued, distinct
// serials, failures and the server's peak RSS (VmHWM). Measures only; asserts nothing.
//   npm run build && npm run bench -- ca [N] [M]
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsnParser } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { buildRequest } from '../../src/core/compose';
import { runTransaction } from '../../src/core/transport';
import { nodePost } from '../../src/node/httpPost';
import { freePort, listening } from '../gen/loopback';

const root = join(__dirname, '..', '..');
const keys = join(root, 'test', 'fixtures', 'keys');
const secret = new TextEncoder().encode('cmp-lens-demo');

interface Run {
  latencies: number[];
  serials: string[];
  failures: number;
  wallMs: number;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};

function peakRss(child: ChildProcess): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

async function clients(
  n: number,
  m: number,
  one: (c: number, i: number) => Promise<string | undefined>,
): Promise<Run> {
  const run: Run = { latencies: [], serials: [], failures: 0, wallMs: 0 };
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: n }, async (_, c) => {
      for (let i = 0; i < m; i++) {
        const t = performance.now();
        const serial = await one(c, i).catch(() => undefined);
        run.latencies.push(performance.now() - t);
        if (serial) run.serials.push(serial);
        else run.failures++;
      }
    }),
  );
  run.wallMs = performance.now() - t0;
  return run;
}

/** One `openssl cmp -cmd ir` (PBM): the new certificate's serial, from its -certout file. */
function opensslIr(
  server: string,
  dir: string,
  c: number,
  i: number,
  extra: string[],
): Promise<string | undefined> {
  const out = join(dir, `o${c}-${i}.pem`);
  return new Promise((resolve) =>
    execFile(
      'openssl',
      [
        'cmp',
        '-server',
        server,
        '-ref',
        'user1',
        '-secret',
        'pass:cmp-lens-demo',
        '-cmd',
        'ir',
        '-newkey',
        join(keys, 'ee-ec.key'),
        '-subject',
        `/CN=load ${c}-${i}`,
        '-certout',
        out,
        ...extra,
      ],
      { timeout: 60_000 },
      (e) => {
        if (e) return resolve(undefined);
        resolve(execFileSync('openssl', ['x509', '-in', out, '-noout', '-serial']).toString().trim());
      },
    ),
  );
}

function print(label: string, r: Run, rss: number, reference?: Run): void {
  const total = r.latencies.length;
  const tput = (total - r.failures) / (r.wallMs / 1000);
  const ratio = reference
    ? ` (${(tput / ((reference.latencies.length - reference.failures) / (reference.wallMs / 1000))).toFixed(2)}× the reference's throughput)`
    : '';
  console.log(
    `${label.padEnd(58)} ${total} transactions in ${(r.wallMs / 1000).toFixed(2)} s: ${tput.toFixed(1)}/s${ratio}; latency p50 ${pct(r.latencies, 50).toFixed(0)} ms, p99 ${pct(r.latencies, 99).toFixed(0)} ms; ${r.serials.length} certificates, ${new Set(r.serials).size} distinct serials, ${r.failures} failures; server peak RSS ${rss.toFixed(0)} MB`,
  );
}

export async function benchCa(n = 4, m = 25): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cmp-lens-bench-ca-'));
  const children: ChildProcess[] = [];
  try {
    // The reference: OpenSSL's mock server, answering the same openssl clients.
    const refPort = await freePort();
    const ref = spawn(
      'openssl',
      [
        'cmp',
        '-port',
        String(refPort),
        '-max_msgs',
        String(4 * n * m),
        '-srv_ref',
        'user1',
        '-srv_secret',
        'pass:cmp-lens-demo',
        '-rsp_cert',
        join(keys, 'ee-ec.crt'),
        '-rsp_capubs',
        join(keys, 'ca.crt'),
      ],
      { stdio: 'ignore' },
    );
    children.push(ref);
    await listening(refPort, ref);
    const reference = await clients(n, m, (c, i) => opensslIr(`127.0.0.1:${refPort}/pkix/`, dir, c, i, []));
    print(`openssl cmp ${n}×${m} → openssl cmp mock server (reference)`, reference, peakRss(ref));
    ref.kill();

    const port = await freePort();
    const srv = spawn(
      process.execPath,
      [join(root, 'dist', 'cli.js'), 'serve', '--state', join(dir, 'ca'), '--port', String(port)],
      { stdio: 'ignore' },
    );
    children.push(srv);
    await listening(port, srv);
    const url = `http://127.0.0.1:${port}/.well-known/cmp`;
    const ossl = await clients(n, m, (c, i) =>
      opensslIr(`127.0.0.1:${port}/.well-known/cmp`, dir, c, i, ['-recipient', '/CN=CMP Lens Test CA']),
    );
    print(`openssl cmp ${n}×${m} → cmp-lens serve --state`, ossl, peakRss(srv), reference);
    const ours = await clients(n, m, async (c, i) => {
      const built = await buildRequest(
        { body: 'ir', keyType: 'P-256', senderKID: 'user1', template: { subject: `CN=ours ${c}-${i}` } },
        { protection: { kind: 'pbm', secret } },
      );
      if (!built.ok) return undefined;
      const r = await runTransaction(built.der, {
        post: nodePost(),
        server: { name: 'bench', url },
        protection: { kind: 'pbm', secret },
        verify: { secret },
      });
      const serial = r.ok
        ? AsnParser.parse(r.issued[0].der, Certificate).tbsCertificate.serialNumber
        : undefined;
      return serial ? Buffer.from(serial).toString('hex') : undefined;
    });
    print(`our client ${n}×${m} → cmp-lens serve --state`, ours, peakRss(srv), reference);
    const lines = readFileSync(join(dir, 'ca', 'index.txt'), 'utf8')
      .trim()
      .split('\n');
    const serials = lines.map((l) => l.split('\t')[3]);
    console.log(`index.txt: ${lines.length} certificates, ${new Set(serials).size} distinct serials`);
  } finally {
    for (const c of children) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}
