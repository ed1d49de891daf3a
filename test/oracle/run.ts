/**
 * Bouncy Castle 1.80 as a second opinion (issue 19): every message fixture and every message our
 * builder and test CA make, checked by `test/oracle/BcOracle.java` and by `verifyMessage`, side by side.
 * `npx tsx test/oracle/run.ts` prints the rows; test/unit/oracle.test.ts asserts that every disagreement
 * is listed, with its reason, in test/oracle/differences.json.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { messagesOf } from '../../src/app';
import { importPrivateKey, readMessage, unwrapInput } from '../../src/core/base';
import { buildRequest, type Materials, type RequestSpec } from '../../src/core/compose';
import { verifyMessage, type ProtectionSpec } from '../../src/core/protection';
import { TestCa } from '../../src/core/testca';
import { runTransaction, type Post } from '../../src/core/transport';
import { extraCertsOf, withExtraCerts } from '../gen/signers';
import { fixtureFiles } from '../unit/helpers';

const root = join(__dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures');
const peers = join(root, '.peers');

export interface Row {
  /** Fixture path, or "made/NAME" for a message made in the run. */
  name: string;
  ours: { parses: boolean; verdict: string; reason?: string };
  theirs: { parses: boolean; verdict: string; detail: string };
}

/** Why the oracle cannot run here, or undefined when it can. */
export function oracleMissing(): string | undefined {
  if (!existsSync(join(peers, 'bc', 'classpath')))
    return 'Bouncy Castle is not installed (bash scripts/install-peers.sh puts it in .peers/)';
  if (spawnSync('javac', ['-version']).status !== 0) return 'no JDK (javac) on this machine';
  return undefined;
}

const secretFor = (name: string) => (name.includes('siemens-interop') ? 'Password' : 's3cret');

/** Every file in the fixture folders that holds one message (PEM and base64 unwrapped). */
function fixtureMessages(): { name: string; der: Uint8Array }[] {
  const folders = ['openssl-mock', 'siemens-interop', 'generated', 'compose', 'bad', 'wireshark-sample'];
  const out: { name: string; der: Uint8Array }[] = [];
  for (const folder of folders) {
    for (const rel of fixtureFiles(folder, (n) => /\.(der|PKI|pem|b64|pkimsg)$/.test(n))) {
      const bytes = new Uint8Array(readFileSync(join(fixtures, rel)));
      let der: Uint8Array;
      try {
        der = unwrapInput(bytes).der;
      } catch {
        der = bytes;
      }
      if (der.length && der[0] === 0x30) out.push({ name: rel, der });
    }
  }
  return out;
}

/** Messages our builder and test CA make: every request kind, MAC (PBM, PBMAC1) and signatures. */
async function madeMessages(): Promise<{ name: string; der: Uint8Array }[]> {
  const secret = new TextEncoder().encode('s3cret');
  let ca = await TestCa.create({ secret });
  const post: Post = async (req) => ({
    status: 200,
    contentType: 'application/pkixcmp',
    body: await ca.handle(req.body),
  });
  const out: { name: string; der: Uint8Array }[] = [];
  const run = async (
    label: string,
    spec: RequestSpec,
    materials: Partial<Materials>,
    protection: ProtectionSpec,
  ) => {
    const built = await buildRequest(
      { recipient: 'CN=CMP Lens Test CA', senderKID: 'user1', ...spec },
      { protection, ...materials },
    );
    if (!built.ok) throw new Error(`${label}: ${JSON.stringify(built.errors)}`);
    const r = await runTransaction(built.der, {
      post,
      server: { name: 'in-process', url: 'http://in-process/' },
      protection,
      verify: { secret, trustAnchors: [ca.certDer] },
      sleep: async () => undefined,
    });
    r.messages.forEach((m, i) => out.push({ name: `made/${label}-${i}-${m.body}`, der: m.der }));
    return { ...r, key: built.generatedKey ?? materials.key };
  };
  const pbm: ProtectionSpec = { kind: 'pbm', secret, iterations: 1000 };
  const pbmac1: ProtectionSpec = { kind: 'pbmac1', secret, iterations: 1000 };
  const ec = await importPrivateKey(
    unwrapInput(new Uint8Array(readFileSync(join(fixtures, 'keys/ee-ec.key')))).der,
  );
  const first = await run('ir-pbm', { body: 'ir', template: { subject: 'CN=oracle ir' } }, { key: ec }, pbm);
  await run('cr-pbmac1', { body: 'cr', template: { subject: 'CN=oracle cr' } }, {}, pbmac1);
  await run('p10cr-pbm', { body: 'p10cr', template: { subject: 'CN=oracle p10' } }, {}, pbm);
  await run('genm-pbmac1', { body: 'genm', infoTypes: ['caCerts'] }, {}, pbmac1);
  const sig: ProtectionSpec = { kind: 'signature', key: ec, cert: first.issued[0].der };
  await run('kur-sig-ec', { body: 'kur', template: {} }, { oldCert: first.issued[0].der }, sig);
  await run('rr-sig-ec', { body: 'rr' }, { oldCert: first.issued[0].der }, sig);
  for (const keyType of ['RSA-2048', 'Ed25519', 'P-384'] as const) {
    const r = await run(
      `ir-${keyType}`,
      { body: 'ir', keyType, template: { subject: `CN=${keyType}` } },
      {},
      pbm,
    );
    const key = r.key;
    if (key && r.issued[0]) {
      const s: ProtectionSpec = { kind: 'signature', key, cert: r.issued[0].der };
      await run(`cr-sig-${keyType}`, { body: 'cr', template: { subject: `CN=${keyType} 2` } }, { key }, s);
    }
  }
  // Post-quantum (issue 17): an ML-DSA-65 CA; requests with ML-DSA and SLH-DSA keys, MAC- and then
  // signature-protected, each answer signed with ML-DSA-65 when the request was signed.
  ca = await TestCa.create({ secret, keyKind: 'ML-DSA-65' });
  for (const keyType of ['ML-DSA-44', 'ML-DSA-87', 'SLH-DSA-SHA2-128f'] as const) {
    const r = await run(
      `pq-ir-${keyType}`,
      { body: 'ir', keyType, template: { subject: `CN=${keyType}` } },
      {},
      pbm,
    );
    const key = r.key!;
    const s: ProtectionSpec = { kind: 'signature', key, cert: r.issued[0].der };
    await run(`pq-cr-sig-${keyType}`, { body: 'cr', template: { subject: `CN=${keyType} 2` } }, { key }, s);
    if (keyType === 'ML-DSA-44') {
      await run('pq-p10cr-sig-ML-DSA-44', { body: 'p10cr', template: { subject: 'CN=p10' } }, { key }, s);
      await run('pq-genm-sig-ML-DSA-44', { body: 'genm', infoTypes: ['caCerts'] }, {}, s);
      await run('pq-rr-sig-ML-DSA-44', { body: 'rr' }, { oldCert: r.issued[0].der }, s);
    }
  }
  // The signer second in extraCerts (issue 19, class 1): both must find it.
  const cr = new Uint8Array(readFileSync(join(fixtures, 'generated/cr-ecdsa-p384.der')));
  const caCert = unwrapInput(new Uint8Array(readFileSync(join(fixtures, 'keys/ca.crt')))).der;
  out.push({
    name: 'made/cr-ecdsa-p384-signer-second',
    der: withExtraCerts(cr, [caCert, ...extraCertsOf(cr)]),
  });
  return out;
}

/** Compiles test/oracle/NAME.java against the Bouncy Castle jars; the classpath to run it with. */
function compiled(name: string): string {
  const classes = join(peers, 'oracle');
  mkdirSync(classes, { recursive: true });
  const cp = readFileSync(join(peers, 'bc', 'classpath'), 'utf8').trim();
  execFileSync('javac', ['-d', classes, '-cp', cp, join(__dirname, `${name}.java`)]);
  return `${classes}:${cp}`;
}

/**
 * Messages Bouncy Castle builds with ML-DSA-44/65/87 (test/oracle/BcPqBuild.java): an ir with a signed
 * POP and a genm, each protected with the key of a self-signed certificate in its extraCerts.
 */
export function bcPqMessages(): { name: string; der: Uint8Array }[] {
  const tmp = mkdtempSync(join(tmpdir(), 'cmp-lens-bc-pq-'));
  try {
    execFileSync('java', ['-cp', compiled('BcPqBuild'), 'BcPqBuild', tmp]);
    return readdirSync(tmp)
      .filter((f) => f.endsWith('.der'))
      .sort()
      .map((f) => ({ name: `bc/${f}`, der: new Uint8Array(readFileSync(join(tmp, f))) }));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Our verdict and Bouncy Castle's for every message. */
export async function oracleRows(): Promise<Row[]> {
  const inputs = [...fixtureMessages(), ...(await madeMessages())];
  const tmp = mkdtempSync(join(tmpdir(), 'cmp-lens-oracle-'));
  try {
    const classpath = compiled('BcOracle');
    const lines = inputs.map((m, i) => {
      const file = join(tmp, `${i}.der`);
      writeFileSync(file, m.der);
      return `${file}\t${secretFor(m.name)}\t`;
    });
    const out = execFileSync('java', ['-cp', classpath, 'BcOracle'], {
      input: lines.join('\n') + '\n',
      maxBuffer: 64 * 1024 * 1024,
    }).toString();
    const theirs = new Map(
      out
        .trim()
        .split('\n')
        .map((l) => {
          const [file, parses, verdict, detail] = l.split('\t');
          return [file, { parses: parses === 'yes', verdict, detail: detail ?? '' }];
        }),
    );
    const rows: Row[] = [];
    for (const [i, m] of inputs.entries()) {
      // Ours as `cmp-lens verify` sees it: the message sorted out of what the file holds (trailing bytes
      // aside), and whether the schemas decode all of it.
      const one = messagesOf(m.der).messages[0] ?? m.der;
      let parses = true;
      try {
        readMessage(one);
      } catch {
        parses = false;
      }
      const results = await verifyMessage(one, {
        secret: new TextEncoder().encode(secretFor(m.name)),
        protectionOnly: true,
      });
      const p = results.find((r) => r.check === 'protection')!;
      rows.push({
        name: m.name,
        ours: { parses, verdict: p.verdict, reason: p.reason },
        theirs: theirs.get(join(tmp, `${i}.der`)) ?? { parses: false, verdict: 'missing', detail: '' },
      });
    }
    return rows;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Whether the two agree: neither decodes the message, or both do and give the same verdict. */
export function agree(r: Row): boolean {
  if (!r.ours.parses && !r.theirs.parses) return true;
  return r.ours.parses === r.theirs.parses && r.ours.verdict === r.theirs.verdict;
}

if (require.main === module) {
  const missing = oracleMissing();
  if (missing) {
    console.error(missing);
    process.exit(1);
  }
  void oracleRows().then((rows) => {
    for (const r of rows)
      console.log(
        `${agree(r) ? '  ' : '≠ '}${r.name}\tours ${r.ours.parses ? 'parses' : 'no'} ${r.ours.verdict}\tBC ${r.theirs.parses ? 'parses' : 'no'} ${r.theirs.verdict} ${r.theirs.detail}`,
      );
    const same = rows.filter(agree).length;
    console.log(`${same} of ${rows.length} agree`);
  });
}

/**
 * EnvelopedData made by Bouncy Castle (test/oracle/BcEnvelope.java): for each recipient kind, the
 * ContentInfo, and the key and certificate that open it (none for "password": the password is geheim).
 */
export function bcEnvelopes(): Map<string, { env: Uint8Array; key?: Uint8Array; cert?: Uint8Array }> {
  const tmp = mkdtempSync(join(tmpdir(), 'cmp-lens-bc-env-'));
  try {
    execFileSync('java', ['-cp', compiled('BcEnvelope'), 'BcEnvelope', 'make', tmp]);
    const out = new Map<string, { env: Uint8Array; key?: Uint8Array; cert?: Uint8Array }>();
    for (const f of readdirSync(tmp).filter((n) => n.endsWith('.env'))) {
      const kind = f.slice(0, -4);
      const read = (ext: string) =>
        existsSync(join(tmp, kind + ext)) ? new Uint8Array(readFileSync(join(tmp, kind + ext))) : undefined;
      out.set(kind, { env: read('.env')!, key: read('.key'), cert: read('.crt') });
    }
    return out;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Bouncy Castle opens `contentInfo` (DER) with a PKCS#8 key of `kind`, or the password: the content. */
export function bcOpen(
  contentInfo: Uint8Array,
  kind: string,
  keyOrPassword: Uint8Array | string,
): Uint8Array {
  const tmp = mkdtempSync(join(tmpdir(), 'cmp-lens-bc-open-'));
  try {
    writeFileSync(join(tmp, 'env.der'), contentInfo);
    let secret = keyOrPassword;
    if (typeof keyOrPassword !== 'string') {
      writeFileSync(join(tmp, 'key.der'), keyOrPassword);
      secret = join(tmp, 'key.der');
    }
    const hex = execFileSync('java', [
      '-cp',
      compiled('BcEnvelope'),
      'BcEnvelope',
      'open',
      join(tmp, 'env.der'),
      secret as string,
      kind,
    ])
      .toString()
      .trim();
    return new Uint8Array(Buffer.from(hex, 'hex'));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
