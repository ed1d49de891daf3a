/**
 * Post-quantum CMP messages made by OpenSSL 3.5 (`openssl cmp -use_mock_srv`, client and mock server
 * in one process): a CA signing with ML-DSA-65 and an end entity signing with the set asked for.
 * Every request and response of ir, cr, kur, genm and rr is kept. Needs scripts/install-peers.sh.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, listening } from './loopback';

export const openssl35 = join(__dirname, '..', '..', '.peers', 'bin', 'openssl35');
export const haveOpenssl35 = (): boolean => existsSync(openssl35);

export interface PqExchange {
  set: string;
  /** DER of the CA certificate (the trust anchor). */
  caCert: Uint8Array;
  messages: { name: string; der: Uint8Array }[];
}

/** Runs `openssl35 ARGS` in `cwd`: its output, or an error with the last lines it printed. */
export function openssl35Run(args: string[], cwd: string): string {
  try {
    return execFileSync(openssl35, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  } catch (e) {
    const err = (e as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(
      `openssl ${args.slice(0, 3).join(' ')} failed: ${err.trim().split('\n').slice(-3).join(' / ')}`,
    );
  }
}

/**
 * In `dir`: ca.crt/ca.key (a self-signed ML-DSA-65 CA) and ee.crt/ee.key (an end entity of `set`
 * certified by it, with subjectKeyIdentifier and keyUsage digitalSignature), made by OpenSSL 3.5.
 */
export function makePqPki(dir: string, set: string): void {
  writeFileSync(
    join(dir, 'ee.ext'),
    'subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\nkeyUsage=digitalSignature\n',
  );
  if (!existsSync(join(dir, 'ca.crt')))
    openssl35Run(
      [
        'req',
        '-x509',
        '-newkey',
        'ML-DSA-65',
        '-keyout',
        'ca.key',
        '-nodes',
        '-subj',
        '/CN=PQ CA',
        '-days',
        '30',
        '-out',
        'ca.crt',
        '-addext',
        'subjectKeyIdentifier=hash',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=keyCertSign,cRLSign,digitalSignature',
      ],
      dir,
    );
  openssl35Run(['genpkey', '-algorithm', set, '-out', 'ee.key'], dir);
  openssl35Run(['req', '-new', '-key', 'ee.key', '-subj', `/CN=PQ EE ${set}`, '-out', 'ee.csr'], dir);
  openssl35Run(
    [
      'x509',
      '-req',
      '-in',
      'ee.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-days',
      '30',
      '-out',
      'ee.crt',
    ].concat(['-extfile', 'ee.ext']),
    dir,
  );
}

/** The messages of ir, cr, kur, genm and rr with an end entity whose key is `set`. */
export function opensslPqExchanges(set: string): PqExchange {
  const dir = mkdtempSync(join(tmpdir(), 'cmp-lens-pq-'));
  try {
    makePqPki(dir, set);
    const common = [
      '-use_mock_srv',
      '-srv_cert',
      'ca.crt',
      '-srv_key',
      'ca.key',
      '-srv_trusted',
      'ca.crt',
      '-rsp_cert',
      'ee.crt',
      '-cert',
      'ee.crt',
      '-key',
      'ee.key',
      '-trusted',
      'ca.crt',
    ];
    const messages: { name: string; der: Uint8Array }[] = [];
    const cmd = (kind: string, extra: string[], files: string[]) => {
      openssl35Run(
        [
          'cmp',
          '-cmd',
          kind,
          ...common,
          ...extra,
          '-reqout',
          files.filter((_, i) => i % 2 === 0).join(','),
          '-rspout',
          files.filter((_, i) => i % 2 === 1).join(','),
        ],
        dir,
      );
      for (const f of files)
        if (existsSync(join(dir, f)))
          messages.push({ name: `${set} ${f}`, der: new Uint8Array(readFileSync(join(dir, f))) });
    };
    cmd(
      'ir',
      ['-newkey', 'ee.key', '-subject', '/CN=pq ir', '-certout', 'new.crt'],
      ['ir.der', 'ip.der', 'ir-certConf.der', 'ir-pkiConf.der'],
    );
    cmd(
      'cr',
      ['-newkey', 'ee.key', '-subject', '/CN=pq cr', '-certout', 'new.crt'],
      ['cr.der', 'cp.der', 'cr-certConf.der', 'cr-pkiConf.der'],
    );
    cmd(
      'kur',
      ['-newkey', 'ee.key', '-oldcert', 'ee.crt', '-certout', 'new.crt'],
      ['kur.der', 'kup.der', 'kur-certConf.der', 'kur-pkiConf.der'],
    );
    cmd('genm', [], ['genm.der', 'genp.der']);
    cmd('rr', ['-oldcert', 'ee.crt', '-revreason', '0'], ['rr.der', 'rp.der']);
    return { set, caCert: pemToDer(readFileSync(join(dir, 'ca.crt'), 'utf8')), messages };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function pemToDer(pem: string): Uint8Array {
  return new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64'));
}

/**
 * `openssl cmp -port` (OpenSSL 3.5's mock server) on a free loopback port with `args`, ready to answer;
 * `stop` ends it. Killed after 60 s whatever happens.
 */
export async function opensslMockServer(args: string[]): Promise<{ port: number; stop: () => void }> {
  const port = await freePort();
  const child = spawn(openssl35, ['cmp', '-port', String(port), ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const stop = () => {
    clearTimeout(killer);
    child.kill();
  };
  try {
    await listening(port, child);
  } catch (e) {
    stop();
    throw e;
  }
  return { port, stop };
}
