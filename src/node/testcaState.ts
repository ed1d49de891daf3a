/**
 * The test CA kept in a folder in OpenSSL's `openssl ca` layout, so the tools people know read it:
 *
 *   ca.key            the CA's private key, PKCS#8 PEM, mode 0600 (a secret)
 *   ca.crt            its certificate (PEM)
 *   index.txt         one line per certificate, `openssl ca`'s format (V/R, expiry, revocation, serial,
 *                     file, subject); index.txt.attr says `unique_subject = no`
 *   newcerts/S.pem    each issued certificate, by serial (upper-case hex, as OpenSSL names them)
 *   serial, crlnumber OpenSSL's counters (our serials are random; crlnumber counts our CRLs)
 *   openssl.cnf       a configuration for `openssl ca -config DIR/openssl.cnf -status SERIAL`
 *   root-update/      after `--roll-root`: newWithNew, newWithOld, oldWithNew, oldWithOld and old.key
 *
 * Issuing costs O(1): the certificate file is written atomically (temporary file, fsync, rename, the
 * folder fsynced) and one line is appended to index.txt and fsynced, both before the answer goes out.
 * A revocation rewrites index.txt atomically. On opening, a last line cut short by a crash is dropped
 * (it was never answered), and a certificate file index.txt does not list is added back, so no serial
 * is ever reused. An older `testca.json` is migrated once and kept as `testca.json.migrated`.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { fsyncDir, writeFileAtomic } from './atomic';
import { join, resolve } from 'node:path';
import { Certificate, Name } from '@peculiar/asn1-x509';
import { decodeAs, equalBytes, fromBase64, toBase64, toPem, unwrapInput } from '../core/base';
import {
  TestCa,
  parseState,
  type CaSnapshot,
  type CaStore,
  type IssuedRecord,
  type RevokedRecord,
  type RootUpdateDer,
  type TestCaOptions,
} from '../core/testca';
import { certName } from '../core/protection';

/** Appends `text` to `file` and waits until it is on disk. */
function appendDurably(file: string, text: string): void {
  const fd = openSync(file, 'a', 0o644);
  try {
    writeSync(fd, Buffer.from(text));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** OpenSSL's serial spelling: upper-case hex, an even number of digits. */
const opensslSerial = (serialHex: string) => {
  const h = serialHex.toUpperCase();
  return h.length % 2 ? `0${h}` : h;
};
/** Our key for a serial: lower-case hex without leading zeros. */
const ourSerial = (hex: string) => BigInt(`0x${hex}`).toString(16);

/** index.txt's dates: UTCTime's YYMMDDHHMMSSZ up to 2049, GeneralizedTime's YYYYMMDDHHMMSSZ after. */
function indexDate(iso: string): string {
  const d = new Date(iso);
  const s = d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `${d.getUTCFullYear() < 2050 ? s.slice(2) : s}Z`;
}
function fromIndexDate(text: string): string {
  const t = text.replace(/Z$/, '');
  const full = t.length === 12 ? `${Number(t.slice(0, 2)) < 50 ? '20' : '19'}${t}` : t;
  const d = `${full.slice(0, 4)}-${full.slice(4, 6)}-${full.slice(6, 8)}T${full.slice(8, 10)}:${full.slice(10, 12)}:${full.slice(12, 14)}Z`;
  return new Date(d).toISOString();
}

/** CRLReason names as `openssl ca` writes them after the revocation date. */
const reasonNames = [
  'unspecified',
  'keyCompromise',
  'CACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  '',
  'removeFromCRL',
];

const shortNames: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

/** The subject as OpenSSL's one-line form (`/O=…/CN=…`), with nothing that could break the line. */
function onelineSubject(name: Name): string {
  const parts = [...name].flatMap((rdn) =>
    [...rdn].map((atv) => `/${shortNames[atv.type] ?? atv.type}=${atv.value.toString()}`),
  );
  // Tabs and line ends separate fields and records in index.txt: a hostile subject must not add any.
  return parts.join('').replace(/[\t\r\n\0]/g, ' ');
}

interface IndexLine {
  status: string;
  expiry: string;
  revoked: string;
  serial: string;
  subject: string;
}

const lineOf = (l: IndexLine) =>
  `${l.status}\t${l.expiry}\t${l.revoked}\t${l.serial}\tunknown\t${l.subject}\n`;

/** The index line of a certificate just issued (status V). */
function validLine(cert: Certificate, serial: string): IndexLine {
  return {
    status: 'V',
    expiry: indexDate(cert.tbsCertificate.validity.notAfter.getTime().toISOString()),
    revoked: '',
    serial,
    subject: onelineSubject(cert.tbsCertificate.subject),
  };
}

/** The CA's folder: reads it, and keeps it as the CA changes (a `CaStore`). */
class CaFolder implements CaStore {
  readonly index = new Map<string, IndexLine>();

  constructor(readonly dir: string) {}

  private path(...p: string[]): string {
    return join(this.dir, ...p);
  }

  created(keyPkcs8: Uint8Array, certDer: Uint8Array): void {
    mkdirSync(this.path('newcerts'), { recursive: true });
    writeFileAtomic(this.path('ca.key'), toPem('PRIVATE KEY', keyPkcs8), 0o600);
    writeFileAtomic(this.path('ca.crt'), toPem('CERTIFICATE', certDer));
    writeFileAtomic(this.path('index.txt.attr'), 'unique_subject = no\n');
    const random = globalThis.crypto.getRandomValues(new Uint8Array(16));
    random[0] &= 0x7f;
    writeFileAtomic(this.path('serial'), `${Buffer.from(random).toString('hex').toUpperCase()}\n`);
    writeFileAtomic(this.path('crlnumber'), '01\n');
    // index.txt last: its presence says the folder holds a whole CA.
    writeFileAtomic(this.path('index.txt'), '');
    this.writeConfig();
  }

  issued(record: IssuedRecord, der: Uint8Array): void {
    const serial = opensslSerial(record.serialHex);
    writeFileAtomic(this.path('newcerts', `${serial}.pem`), toPem('CERTIFICATE', der));
    const line = validLine(decodeAs(der, Certificate), serial);
    appendDurably(this.path('index.txt'), lineOf(line));
    this.index.set(record.serialHex, line);
  }

  revoked(record: RevokedRecord): void {
    const line = this.index.get(record.serialHex);
    if (!line) return;
    const reason = record.reason !== undefined ? reasonNames[record.reason] : undefined;
    line.status = 'R';
    line.revoked = `${indexDate(record.at)}${reason ? `,${reason}` : ''}`;
    this.rewriteIndex();
  }

  /**
   * A root roll: root-update/ gets the old key (old.key), the new one (new.key, both 0600) and the
   * four certificates (newWithNew, newWithOld, oldWithNew, and the old root as oldWithOld), the
   * newWithNew certificate last; then ca.crt and ca.key become the new ones. Each file atomically. A
   * crash before newWithNew.pem exists leaves the old CA; after it, `read` takes the new key and
   * certificate from root-update/ and puts ca.key and ca.crt right.
   */
  rolled(keyPkcs8: Uint8Array, u: RootUpdateDer): void {
    const dir = this.path('root-update');
    mkdirSync(dir, { recursive: true });
    writeFileAtomic(join(dir, 'old.key'), readFileSync(this.path('ca.key')), 0o600);
    writeFileAtomic(join(dir, 'new.key'), toPem('PRIVATE KEY', keyPkcs8), 0o600);
    for (const name of ['newWithOld', 'oldWithNew', 'oldWithOld', 'newWithNew'] as const)
      writeFileAtomic(join(dir, `${name}.pem`), toPem('CERTIFICATE', u[name]));
    this.finishRoll(keyPkcs8, u.newWithNew);
  }

  private finishRoll(keyPkcs8: Uint8Array, certDer: Uint8Array): void {
    writeFileAtomic(this.path('ca.crt'), toPem('CERTIFICATE', certDer));
    writeFileAtomic(this.path('ca.key'), toPem('PRIVATE KEY', keyPkcs8), 0o600);
  }

  nextCrlNumber(): bigint {
    const file = this.path('crlnumber');
    const n = existsSync(file) ? BigInt(`0x${readFileSync(file, 'utf8').trim() || '1'}`) : 1n;
    writeFileAtomic(file, `${opensslSerial((n + 1n).toString(16))}\n`);
    return n;
  }

  private rewriteIndex(): void {
    writeFileAtomic(this.path('index.txt'), [...this.index.values()].map(lineOf).join(''));
  }

  /** `openssl ca -config DIR/openssl.cnf …` reads this CA (rewritten on each open: the folder may have moved). */
  writeConfig(): void {
    const dir = resolve(this.dir);
    writeFileAtomic(
      this.path('openssl.cnf'),
      [
        '# Written by CMP Lens: `openssl ca -config THIS_FILE -status SERIAL` reads this test CA.',
        '[ ca ]',
        'default_ca = cmp_lens_test_ca',
        '[ cmp_lens_test_ca ]',
        `dir = ${dir}`,
        'database = $dir/index.txt',
        'new_certs_dir = $dir/newcerts',
        'certificate = $dir/ca.crt',
        'private_key = $dir/ca.key',
        'serial = $dir/serial',
        'crlnumber = $dir/crlnumber',
        'default_md = default',
        'default_days = 365',
        'default_crl_days = 1',
        'unique_subject = no',
        'policy = policy_any',
        '[ policy_any ]',
        'commonName = optional',
        '',
      ].join('\n'),
    );
  }

  /** The CA as kept; repairs what a crash can leave (a cut-off last line, a certificate not yet indexed). */
  read(): CaSnapshot {
    const text = readFileSync(this.path('index.txt'), 'utf8');
    const complete = text.endsWith('\n') || text === '' ? text : text.slice(0, text.lastIndexOf('\n') + 1);
    const issued: IssuedRecord[] = [];
    const revoked: RevokedRecord[] = [];
    for (const row of complete.split('\n')) {
      if (!row) continue;
      const [status, expiry, rev, serial, , subject] = row.split('\t');
      if (!serial || !/^[0-9A-Fa-f]+$/.test(serial)) continue;
      const key = ourSerial(serial);
      const line: IndexLine = { status, expiry, revoked: rev ?? '', serial, subject: subject ?? '' };
      this.index.set(key, line);
      if (status === 'R' && rev) {
        const [at, reasonName] = rev.split(',');
        const reason = reasonName ? reasonNames.indexOf(reasonName) : -1;
        revoked.push({ serialHex: key, at: fromIndexDate(at), reason: reason >= 0 ? reason : undefined });
      }
    }
    let repaired = complete !== text;
    for (const file of existsSync(this.path('newcerts')) ? readdirSync(this.path('newcerts')) : []) {
      const m = /^([0-9A-F]+)\.pem$/.exec(file);
      if (!m) continue;
      const key = ourSerial(m[1]);
      let der: Uint8Array;
      let cert: Certificate;
      try {
        der = unwrapInput(new Uint8Array(readFileSync(this.path('newcerts', file)))).der;
        cert = decodeAs(der, Certificate);
      } catch {
        continue; // not a whole certificate: the rename that would have made it never happened
      }
      if (!this.index.has(key)) {
        // Signed and stored, not indexed: the crash came before its answer; keep its serial taken.
        this.index.set(key, validLine(cert, m[1]));
        repaired = true;
      }
      issued.push({
        serialHex: key,
        subject: certName(cert),
        certBase64: toBase64(der),
        notAfter: cert.tbsCertificate.validity.notAfter.getTime().toISOString(),
      });
    }
    if (repaired) this.rewriteIndex();
    this.writeConfig();
    const pem = (...p: string[]) => unwrapInput(new Uint8Array(readFileSync(this.path(...p)))).der;
    const names = ['newWithNew', 'newWithOld', 'oldWithNew', 'oldWithOld'] as const;
    const rolled =
      existsSync(this.path('root-update', 'new.key')) &&
      names.every((n) => existsSync(this.path('root-update', `${n}.pem`)));
    if (!rolled) return { keyPkcs8: pem('ca.key'), certDer: pem('ca.crt'), issued, revoked };
    // A completed roll: the new key and certificate are root-update's (ca.key/ca.crt are put right if
    // a crash came between writing them).
    const update = Object.fromEntries(
      names.map((n) => [n, pem('root-update', `${n}.pem`)]),
    ) as unknown as RootUpdateDer;
    const keyPkcs8 = pem('root-update', 'new.key');
    if (!equalBytes(pem('ca.crt'), update.newWithNew) || !equalBytes(pem('ca.key'), keyPkcs8))
      this.finishRoll(keyPkcs8, update.newWithNew);
    return { keyPkcs8, certDer: update.newWithNew, issued, revoked, rootUpdate: update };
  }

  /** testca.json (the older format) into this layout; the old file is kept, renamed. */
  migrate(jsonFile: string): void {
    const state = parseState(readFileSync(jsonFile, 'utf8'));
    this.created(fromBase64(state.keyPkcs8Base64), fromBase64(state.certBase64));
    for (const i of state.issued) this.issued(i, fromBase64(i.certBase64));
    for (const r of state.revoked) this.revoked(r);
    renameSync(jsonFile, `${jsonFile}.migrated`);
    fsyncDir(this.dir);
  }
}

/** Loads the CA kept in `dir`, or makes one there; every change is kept as it happens. */
export async function openTestCa(dir: string, options: Omit<TestCaOptions, 'store'>): Promise<TestCa> {
  mkdirSync(dir, { recursive: true });
  const folder = new CaFolder(dir);
  const json = join(dir, 'testca.json');
  if (!existsSync(join(dir, 'index.txt')) && existsSync(json)) folder.migrate(json);
  const all = { ...options, store: folder };
  return existsSync(join(dir, 'index.txt')) && existsSync(join(dir, 'ca.key'))
    ? TestCa.load(folder.read(), all)
    : TestCa.create(all);
}
