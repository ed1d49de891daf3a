import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { toHex, unwrapInput } from '../../src/core/base';
import { buildRequest } from '../../src/core/compose';
import { TestCa } from '../../src/core/testca';
import { run, type Io } from '../../src/cli/main';
import { fixture } from './helpers';
import { AsnParser, AsnSerializer } from '@peculiar/asn1-schema';
import { PKIHeader, PKIMessage } from '../../src/core/asn1';
import { lintMessage } from '../../src/app';
import { extraCertsOf, signedKur, withExtraCerts } from '../gen/signers';

/** Inputs made in the test, read by name as if they were files. */
const made = new Map<string, Uint8Array>();

async function cli(
  args: string[],
  stdin: Uint8Array = new Uint8Array(),
  env: Record<string, string> = {},
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = {
    out: (t) => {
      out += `${t}\n`;
    },
    err: (t) => {
      err += `${t}\n`;
    },
    readFile: (p) => {
      if (p.startsWith('missing')) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
      return made.get(p) ?? fixture(p);
    },
    readStdin: () => stdin,
    env: (name) => env[name],
  };
  return { code: await run(args, io), out, err };
}

describe('cmp-lens inspect', async () => {
  it('prints the message-level findings after the tree, as the inspector shows them (issue 19, class 7)', async () => {
    // Our composer's ir, once with pvno 99 and once with protectionAlg but no protection.
    const ir = AsnParser.parse(fixture('compose/ir.der'), PKIMessage);
    made.set(
      'pvno99.der',
      new Uint8Array(
        AsnSerializer.serialize(
          new PKIMessage({ ...ir, header: new PKIHeader({ ...ir.header, pvno: 99 as PKIHeader['pvno'] }) }),
        ),
      ),
    );
    made.set(
      'no-protection.der',
      new Uint8Array(AsnSerializer.serialize(new PKIMessage({ header: ir.header, body: ir.body }))),
    );
    const pvno = await cli(['inspect', 'pvno99.der']);
    assert.equal(pvno.code, 1, pvno.out);
    assert.match(pvno.out, /^findings \(RFC 9810 base rules\): \d+$/m);
    assert.match(
      pvno.out,
      /^ {2}error header\.pvno\.value: pvno is 99: CMP messages use 2 \(cmp2000\) or 3 \(cmp2021\) \(RFC 9810 §5\.1\.1\) at header\.pvno, offset 0x/m,
    );
    const prot = await cli(['inspect', 'no-protection.der']);
    assert.equal(prot.code, 1, prot.out);
    assert.match(
      prot.out,
      /^ {2}error protection\.mismatch: protectionAlg is set but the protection BIT STRING is absent/m,
    );
    const lint = lintMessage(made.get('no-protection.der')!).map((f) => f.id);
    assert.ok(lint.includes('protection.mismatch'), 'lint says the same');
    const light = await cli(['inspect', '--profile', 'lightweight', 'openssl-mock/ir-pbm.der']);
    assert.match(light.out, /^findings \(RFC 9810 and the RFC 9483 lightweight profile\): \d+$/m);
    const json = JSON.parse((await cli(['inspect', '--json', 'pvno99.der'])).out) as {
      findings: { id: string }[];
    };
    assert.ok(json.findings.some((f) => f.id === 'header.pvno.value'));
    const cert = await cli(['inspect', 'keys/ca.crt']);
    assert.doesNotMatch(cert.out, /^findings/m, 'no message, no findings');
  });
  it('prints the annotated tree of a message, exit 0', async () => {
    const r = await cli(['inspect', 'openssl-mock/ir-pbm.der']);
    assert.equal(r.code, 0);
    assert.match(r.out, /^PKIMessage \(DER, 899 bytes\)$/m);
    assert.match(r.out, /^body: ir — initialization request$/m);
    assert.match(r.out, /^ {6}senderNonce OCTET STRING = f5cc79dd2f512db9a937bba1e4e53c00$/m);
    assert.match(r.out, /75 nodes, 75 named by the schema \(100\.0%\)/);
  });
  it('shows offsets with --offsets and limits depth with --depth', async () => {
    const r = await cli(['inspect', '--offsets', '--depth', '2', 'openssl-mock/ir-pbm.der']);
    assert.match(r.out, /^ {5}4\+3\+196 {3}header PKIHeader$/m);
    assert.doesNotMatch(r.out, /pvno/);
  });
  it('--json gives the whole view model', async () => {
    const doc = JSON.parse((await cli(['inspect', '--json', 'openssl-mock/ir-pbm.der'])).out);
    assert.equal(doc.kind, 'PKIMessage');
    assert.equal(doc.summary.bodyType, 'ir');
    assert.equal(doc.roots[0].children[0].name, 'header');
    assert.equal(
      doc.roots[0].children[0].children[1].path,
      'header.sender',
      'each node carries its field path in JSON',
    );
  });
  it('reads PEM and base64, and standard input with -', async () => {
    assert.match(
      (await cli(['inspect', 'bad/pem-wrapped-ip.pem'])).out,
      /^PKIMessage \(PEM "PKIMESSAGE", 1751 bytes\)/m,
    );
    const r = await cli(['inspect', '-'], fixture('bad/base64-ir.b64'));
    assert.equal(r.code, 0);
    assert.match(r.out, /^PKIMessage \(base64, 899 bytes\)/m);
  });
  for (const bad of [
    'bad/truncated-ip.der',
    'bad/wrong-length-ip.der',
    'bad/trailing-bytes-ip.der',
    'bad/random-2k.bin',
    'bad/empty.der',
  ]) {
    it(`${bad}: a clear problem with its offset, exit 1, no stack trace`, async () => {
      const r = await cli(['inspect', bad]);
      assert.equal(r.code, 1);
      assert.match(r.out, /^error: .*offset 0x[0-9a-f]+/m);
      assert.doesNotMatch(r.out + r.err, /\n\s+at /);
    });
  }
  it('warnings exit 0, or 1 with --strict', async () => {
    assert.equal((await cli(['inspect', 'siemens-interop/Rr/upstream_REVOCATION_REQ.PKI'])).code, 0);
    assert.equal(
      (await cli(['inspect', '--strict', 'siemens-interop/Rr/upstream_REVOCATION_REQ.PKI'])).code,
      1,
    );
  });
  it('usage errors exit 2', async () => {
    assert.equal((await cli(['inspect'])).code, 2);
    assert.equal((await cli(['inspect', '--bogus', 'x'])).code, 2);
    assert.equal((await cli(['frobnicate'])).code, 2);
    const missing = await cli(['inspect', 'missing.der']);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /cannot read missing\.der: there is no such file/);
  });
});

describe('cmp-lens verify', () => {
  it('PBM: valid with the secret from a file, exit 0', async () => {
    const r = await cli(['verify', '--secret-file', 'keys/secret.txt', 'openssl-mock/ir-pbm.der']);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /^protection: valid — PBM, SHA-256 × 500, HMAC-SHA1, salt 16 bytes$/m);
    assert.match(r.out, /^pop: valid — POP sha256WithRSAEncryption$/m);
  });
  it('PBM: invalid with a wrong secret from the environment, exit 1; no secret, exit 3', async () => {
    const bad = await cli(
      ['verify', '--secret-env', 'CMP_SECRET', 'openssl-mock/ir-wrongsecret.der'],
      undefined,
      { CMP_SECRET: 's3cret' },
    );
    assert.equal(bad.code, 1);
    assert.match(bad.out, /^protection: invalid — .*: MAC does not match with the given secret$/m);
    assert.doesNotMatch(bad.out + bad.err, /s3cret/, 'the secret is never printed');
    const none = await cli(['verify', 'openssl-mock/ir-pbm.der']);
    assert.equal(none.code, 3);
    assert.match(none.out, /^protection: needs-secret/m);
  });
  it('signature: valid with extraCerts[0], chain to --trust', async () => {
    const r = await cli(['verify', '--trust', 'keys/ca.crt', 'openssl-mock/rr-sig-ec.der']);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^protection: valid — ecdsa-with-SHA256, with extraCerts\[0\] CN=Existing EE$/m);
    assert.match(r.out, /^chain: valid — chain CN=Existing EE ← CN=Test CA \(trust anchor\)$/m);
    assert.doesNotMatch(r.out, /not checked/);
  });
  it('signature by the second certificate in extraCerts: valid with a warning line, exit 0', async () => {
    const kur = signedKur();
    const [ee, ca] = extraCertsOf(kur);
    made.set('ca-first.der', withExtraCerts(kur, [ca, ee]));
    const r = await cli(['verify', 'ca-first.der']);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^protection: valid — ecdsa-with-SHA256, with extraCerts\[1\] CN=Existing EE$/m);
    assert.match(
      r.out,
      /^protection: warning — the protecting certificate is extraCerts\[1\], not extraCerts\[0\]/m,
    );
    // Without --trust, "valid" says that it does not mean "trusted".
    assert.match(
      r.out,
      /^protection: chain not checked: no trust anchors given \(give them with --trust FILE\)$/m,
    );
    made.set('ca-only.der', withExtraCerts(kur, [ca]));
    const none = await cli(['verify', 'ca-only.der']);
    assert.equal(none.code, 3, none.out);
    assert.match(
      none.out,
      /^protection: needs-cert — .*passed over extraCerts\[0\] CN=Test CA: its subject is not sender \(give the signer with --cert FILE\)$/m,
    );
  });
  it('certConf: --issued takes the ip of the transaction and checks certHash', async () => {
    const r = await cli([
      'verify',
      '--secret-file',
      'keys/secret.txt',
      '--issued',
      'openssl-mock/ir-pbm-ip.der',
      'openssl-mock/ir-pbm-certConf.der',
    ]);
    assert.equal(r.code, 0, r.out);
    assert.match(
      r.out,
      /^certHash: valid — certHash for certReqId 0 matches CN=Issued EE \(SHA-256 of its signature algorithm\)$/m,
    );
    const bad = await cli([
      'verify',
      '--secret-file',
      'keys/secret.txt',
      '--issued',
      'keys/ca.crt',
      'openssl-mock/ir-pbm-certConf.der',
    ]);
    assert.equal(bad.code, 1);
  });
  it('unprotected: exit 0; refuses --secret on the command line', async () => {
    assert.equal((await cli(['verify', 'openssl-mock/ir-unprot2-ip.der'])).code, 0);
    const r = await cli(['verify', '--secret', 'x', 'openssl-mock/ir-pbm.der']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--secret-file or --secret-env/);
  });
});

describe('cmp-lens --help and usage errors', () => {
  for (const command of ['inspect', 'verify', 'lint', 'capture', 'build', 'send', 'serve', 'demo']) {
    it(`${command} --help: usage, options and exit codes, exit 0`, async () => {
      const r = await cli([command, '--help']);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, new RegExp(`^Usage: cmp-lens ${command}`, 'm'));
      assert.match(r.out, /^Options:$/m);
      assert.match(r.out, /^Exit codes: /m);
      assert.equal(r.err, '');
    });
    it(`${command} with an unknown flag names ${command} --help, exit 2`, async () => {
      const r = await cli([command, '--no-such-flag']);
      assert.equal(r.code, 2);
      assert.match(r.err, new RegExp(`unknown option --no-such-flag \\(see cmp-lens ${command} --help\\)`));
    });
  }
  it('the command list names every command; no command is exit 2, --help exit 0', async () => {
    const help = await cli(['--help']);
    assert.equal(help.code, 0);
    for (const c of ['inspect', 'verify', 'lint', 'capture', 'build', 'send', 'serve', 'demo'])
      assert.match(help.out, new RegExp(`^  ${c}`, 'm'));
    assert.equal((await cli([])).code, 2);
  });
  it('a value flag without its value, a value flag twice, a value on a switch: usage errors in our words', async () => {
    const missing = await cli(['inspect', 'openssl-mock/ir-pbm.der', '--depth']);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /--depth needs a value/);
    const twice = await cli(['verify', '--cert', 'a', '--cert', 'b', 'x.der']);
    assert.match(twice.err, /--cert is given twice/);
    const switchValue = await cli(['inspect', '--json=yes', 'openssl-mock/ir-pbm.der']);
    assert.match(switchValue.err, /--json takes no value/);
    const secret = await cli(['verify', '--secret', 'x', 'openssl-mock/ir-pbm.der']);
    assert.equal(secret.code, 2);
    assert.match(secret.err, /--secret would put the secret in the process list/);
  });
});

describe('cmp-lens decrypt (issue 18)', () => {
  it('opens OpenSSL 3.5’s central key generation, says how, and writes the key owner-only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cmp-lens-decrypt-'));
    try {
      const r = await cli([
        'decrypt',
        'centralkeygen/ip-ktri-rsa.der',
        '--key',
        'centralkeygen/ee-rsa.key.pem',
        '--out',
        dir,
      ]);
      assert.equal(r.code, 0, r.out + r.err);
      assert.match(
        r.out,
        /private key at body\.ip\.response\[0\]\.certifiedKeyPair\.privateKey: decrypted with recipientInfos\[0\] ktri \(rsaEncryption\) for issuer CN=EE-RSA/,
      );
      assert.match(r.out, /KGA signature: valid — KGA signature by CN=KGA \(ecdsa-with-SHA256\)/);
      assert.match(r.out, /KGA authorized: yes — CN=KGA carries EKU id-kp-cmKGA/);
      assert.match(
        r.out,
        /private key: id-ecPublicKey \(prime256v1 \(P-256\)\) \(redacted\), matches the certificate issued with it/,
      );
      const saved = join(dir, 'ip-ktri-rsa.key.pem');
      assert.equal(statSync(saved).mode & 0o777, 0o600);
      // The key is in the file and nowhere in what was printed.
      const der = unwrapInput(new Uint8Array(readFileSync(saved))).der;
      assert.ok(!r.out.includes(toHex(der).slice(-64)) && !r.out.includes('PRIVATE KEY'));
      const delivered = unwrapInput(fixture('centralkeygen/delivered-rsa.key.pem')).der;
      const scalar = /0201010420([0-9a-f]{64})/.exec(toHex(delivered))![1];
      assert.ok(toHex(der).includes(scalar), 'the key OpenSSL’s own client saved');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exit 3 and why when the key opens nothing; exit 2 when nothing is encrypted or no key is given', async () => {
    const wrong = await cli([
      'decrypt',
      'centralkeygen/ip-kari-ec.der',
      '--key',
      'centralkeygen/ee-rsa.key.pem',
    ]);
    assert.equal(wrong.code, 3);
    assert.match(
      wrong.out,
      /not decrypted — no RecipientInfo opens with this RSA key: recipientInfos\[0\] kari .*needs an EC, X25519 or X448 key/,
    );
    const plain = await cli(['decrypt', 'centralkeygen/ir-kari-ec.der', '--key', 'centralkeygen/ee.key.pem']);
    assert.equal(plain.code, 2);
    assert.match(plain.out, /nothing in it is encrypted/);
    const none = await cli(['decrypt', 'centralkeygen/ip-kari-ec.der']);
    assert.equal(none.code, 2);
    assert.match(none.err, /give the recipient key with --key F/);
  });
});

describe('cmp-lens decrypt with a password (pwri)', () => {
  it('opens the key our test CA sealed to the shared secret; a wrong password is exit 3', async () => {
    const secret = new TextEncoder().encode('s3cret');
    const ca = await TestCa.create({ secret });
    const req = await buildRequest(
      { body: 'ir', centralKeygen: true, template: { subject: 'CN=pwri' }, senderKID: 'kid' },
      { protection: { kind: 'pbm', secret } },
    );
    if (!req.ok) assert.fail(JSON.stringify(req.errors));
    made.set('made/ip-pwri.der', await ca.handle(req.der));
    const r = await cli(['decrypt', 'made/ip-pwri.der', '--secret-env', 'PW'], new Uint8Array(), {
      PW: 's3cret',
    });
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /decrypted with recipientInfos\[0\] pwri \(PBKDF2, id-alg-PWRI-KEK\), aes256-CBC/);
    assert.match(r.out, /KGA authorized: yes — CN=CMP Lens Test KGA,O=CMP Lens carries EKU id-kp-cmKGA/);
    assert.match(r.out, /\(give --out DIR to save what was decrypted\)/);
    const wrong = await cli(['decrypt', 'made/ip-pwri.der', '--secret-env', 'PW'], new Uint8Array(), {
      PW: 'falsch',
    });
    assert.equal(wrong.code, 3);
    assert.match(wrong.out, /the password does not unwrap the key \(a wrong password\)/);
  });
});
