// KemBasedMac (RFC 9810 §5.1.3.4, issue 18): our KDF, verifier and builder against known-answer
// vectors computed by OpenSSL 3.5 (test/gen/kemVectors.ts says how; no second CMP producer of
// KemBasedMac exists), and the whole KEM flow with the test CA: genm asking for KemCiphertextInfo,
// genp with it, then ir/ip/certConf/pkiConf all protected with KemBasedMac.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AsnParser, AsnSerializer, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, GeneralName, Name, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import {
  GenRepContent,
  InfoTypeAndValue,
  KemCiphertextInfo,
  PKIBody,
  PKIHeader,
  PKIMessage,
  oids,
} from '../../src/core/asn1';
import { ComposerEngine } from '../../src/app';
import { defaultComposerForm } from '../../src/shared/composer';
import { fromHex, readMessage, toHex, toPem, unwrapInput } from '../../src/core/base';
import { run } from '../../src/cli/main';
import { captureView } from '../../src/app';
import type { CaptureResult } from '../../src/core/capture';
import { buildRequest } from '../../src/core/compose';
import {
  generateRecipientKey,
  kemCiphertextOf,
  kemSharedSecret,
  verifyMessage,
} from '../../src/core/protection';
import { kemOtherInfoDer } from '../../src/core/protection/mac';
import { TestCa } from '../../src/core/testca';
import { kemBuildEnv, kemSpec } from '../gen/kemSpec';

const dir = join(__dirname, '..', 'fixtures', 'kem');
const file = (n: string) => new Uint8Array(readFileSync(join(dir, n)));
const hex = (n: string) => readFileSync(join(dir, n), 'utf8').trim();
const protection = (r: Awaited<ReturnType<typeof verifyMessage>>) => r.find((c) => c.check === 'protection')!;

describe('KemBasedMac: known answers from OpenSSL 3.5', () => {
  const key = unwrapInput(file('key.pem')).der;
  const info = new KemCiphertextInfo({
    kem: new AlgorithmIdentifier({ algorithm: '2.16.840.1.101.3.4.4.2' }),
    ct: new OctetString(file('ct.bin')),
  });

  it('decapsulation gives the shared secret OpenSSL encapsulated', () => {
    assert.equal(toHex(kemSharedSecret(info, key)), hex('ss.hex'));
  });

  it('a ciphertext of the wrong length is refused in our words', () => {
    const short = new KemCiphertextInfo({
      kem: info.kem,
      ct: new OctetString(file('ct.bin').subarray(0, 10)),
    });
    assert.throws(
      () => kemSharedSecret(short, key),
      /^Error: the ML-KEM-768 ciphertext has 10 bytes, not 1088$/,
    );
  });

  it('KemOtherInfo is the DER OpenSSL made from its description', () => {
    assert.equal(toHex(kemOtherInfoDer(fromHex(kemSpec.transactionID)!)), toHex(file('kemotherinfo.der')));
  });

  it('our verifier: valid with the shared secret, invalid with one bit changed, cannot-verify without it', async () => {
    const der = file('genm.der');
    const ss = fromHex(hex('ss.hex'))!;
    const ok = protection(await verifyMessage(der, { kemSecret: ss }));
    assert.equal(ok.verdict, 'valid', ok.reason);
    assert.equal(ok.summary, 'KemBasedMac, HKDF-SHA-256 to 32 bytes, HMAC-SHA256');
    const bad = ss.slice();
    bad[0] ^= 1;
    const wrong = protection(await verifyMessage(der, { kemSecret: bad }));
    assert.equal(wrong.verdict, 'invalid');
    assert.equal(wrong.reason, 'MAC does not match with the KEM shared secret of this exchange');
    const none = protection(await verifyMessage(der));
    assert.equal(none.verdict, 'cannot-verify');
    assert.match(none.reason!, /needs the KEM private key and the exchange's KemCiphertextInfo/);
  });

  it("our builder: the same fields give the same message, whose MAC is OpenSSL's", async () => {
    const ss = fromHex(hex('ss.hex'))!;
    const built = await buildRequest(
      kemSpec,
      { protection: { kind: 'kemBasedMac', sharedSecret: ss } },
      kemBuildEnv,
    );
    if (!built.ok) assert.fail(JSON.stringify(built.errors));
    assert.equal(toHex(built.der), toHex(file('genm.der')));
    assert.ok(
      toHex(built.der).endsWith(hex('mac.hex')),
      'the protection BIT STRING holds the MAC OpenSSL computed',
    );
  });
});

describe('KemBasedMac with the test CA: the whole KEM flow', () => {
  it('genm → genp (KemCiphertextInfo) → ir/ip → certConf/pkiConf, each KemBasedMac-protected and valid', async () => {
    const secret = new TextEncoder().encode('s3cret');
    const ca = await TestCa.create({ secret });
    // The client's ML-KEM key and its certificate from the CA (as central key generation would give it).
    const kem = await generateRecipientKey('ML-KEM-768');
    const kemCert = await ca.issue(new Name([]), AsnParser.parse(kem.spki, SubjectPublicKeyInfo), undefined);
    const transactionID = toHex(crypto.getRandomValues(new Uint8Array(16)));
    const genm = await buildRequest(
      { body: 'genm', infoTypes: ['kemCiphertextInfo'], transactionID, pvno: 3, senderKID: 'kid' },
      { protection: { kind: 'pbm', secret }, extraCerts: [kemCert] },
    );
    if (!genm.ok) assert.fail(JSON.stringify(genm.errors));
    const genpDer = await ca.handle(genm.der);
    const genp = readMessage(genpDer);
    const ct = kemCiphertextOf(genp);
    assert.ok(ct, 'the genp carries KemCiphertextInfo');
    assert.equal(ct!.kem.algorithm, '2.16.840.1.101.3.4.4.2');
    const ss = kemSharedSecret(ct!, kem.pkcs8);
    const kemProtection = { kind: 'kemBasedMac' as const, sharedSecret: ss };
    const ir = await buildRequest(
      { body: 'ir', transactionID, pvno: 3, template: { subject: 'CN=kem client' } },
      { protection: kemProtection },
    );
    if (!ir.ok) assert.fail(JSON.stringify(ir.errors));
    const ipDer = await ca.handle(ir.der);
    const ip = readMessage(ipDer);
    assert.equal(ip.header.protectionAlg?.algorithm, '1.2.840.113533.7.66.16', 'answered with KemBasedMac');
    assert.equal(ip.body.ip?.response[0].status.status, 0, JSON.stringify(ip.body));
    assert.equal(protection(await verifyMessage(ipDer, { kemSecret: ss })).verdict, 'valid');
    const cert = ip.body.ip!.response[0].certifiedKeyPair!.certOrEncCert.certificate!;
    const conf = await buildRequest(
      {
        body: 'certConf',
        transactionID,
        pvno: 3,
        recipNonce: toHex(new Uint8Array(ip.header.senderNonce!.buffer)),
      },
      {
        protection: kemProtection,
        confirmCert: new Uint8Array(AsnSerializer.serialize(cert.x509v3PKCert!)),
      },
    );
    if (!conf.ok) assert.fail(JSON.stringify(conf.errors));
    const pkiConfDer = await ca.handle(conf.der);
    assert.equal(readMessage(pkiConfDer).bodyName, 'pkiconf');
    assert.equal(protection(await verifyMessage(pkiConfDer, { kemSecret: ss })).verdict, 'valid');

    // The capture view: the exchange's KemBasedMac rows wait for the ML-KEM key, then check with its genp.
    const flow = [genm.der, genpDer, ir.der, ipDer, conf.der, pkiConfDer];
    const captured: CaptureResult = {
      summary: {
        packets: 0,
        tcpSegments: 0,
        outOfOrder: 0,
        retransmitted: 0,
        httpMessages: 6,
      } as CaptureResult['summary'],
      problems: [],
      messages: flow.map((der, i) => ({
        index: i + 1,
        packet: i + 1,
        firstPacket: i + 1,
        time: i,
        direction: i % 2 ? 'response' : 'request',
        client: '127.0.0.1:5000',
        server: '127.0.0.1:80',
        wrongContentType: false,
        der,
        bodyType: readMessage(der).bodyName,
        transactionID,
      })),
    };
    const verdicts = async (kemKeys?: Uint8Array[]) =>
      (await captureView(captured, 'kem', { kemKeys })).exchanges[0].rows.map(
        (r) => `${r.bodyType} ${r.protection}`,
      );
    assert.deepEqual(await verdicts(), [
      'genm needs-secret',
      'genp needs-secret',
      'ir cannot-verify',
      'ip cannot-verify',
      'certConf cannot-verify',
      'pkiconf cannot-verify',
    ]);
    assert.deepEqual(await verdicts([kem.pkcs8]), [
      'genm needs-secret',
      'genp needs-secret',
      'ir valid',
      'ip valid',
      'certConf valid',
      'pkiconf valid',
    ]);

    // The same check from the CLI: cmp-lens verify ip.der --kem-key kem.key --kem-ct genp.der.
    const files = new Map<string, Uint8Array>([
      ['ip.der', ipDer],
      ['genp.der', genpDer],
      ['kem.key', new TextEncoder().encode(toPem('PRIVATE KEY', kem.pkcs8))],
    ]);
    const cli = async (args: string[]) => {
      let out = '';
      const code = await run(args, {
        out: (t) => (out += `${t}\n`),
        err: (t) => (out += `${t}\n`),
        readFile: (f) => files.get(f) ?? assert.fail(`no file ${f}`),
        readStdin: () => new Uint8Array(),
        env: () => undefined,
      });
      return { code, out };
    };
    const v = await cli(['verify', 'ip.der', '--kem-key', 'kem.key', '--kem-ct', 'genp.der']);
    assert.equal(v.code, 0, v.out);
    assert.match(v.out, /protection: valid — KemBasedMac, HKDF-SHA-256 to 32 bytes, HMAC-SHA256/);
    const without = await cli(['verify', 'ip.der', '--kem-key', 'kem.key']);
    assert.equal(without.code, 3);
    assert.match(
      without.out,
      /protection: cannot-verify .*no KemCiphertextInfo with this message's transactionID/,
    );

    // cmp-lens build protects with KemBasedMac from the genp and the key (files on disk, as a user has them).
    const tmp = mkdtempSync(join(tmpdir(), 'cmp-lens-kem-'));
    try {
      for (const [name, bytes] of files) writeFileSync(join(tmp, name), bytes);
      const built = await cli([
        'build',
        '--body',
        'cr',
        '--subject',
        'CN=kem cr',
        '--transaction-id',
        transactionID,
        '--pvno',
        '3',
        '--kem-key',
        join(tmp, 'kem.key'),
        '--kem-ct',
        join(tmp, 'genp.der'),
        '--out',
        join(tmp, 'cr.der'),
      ]);
      assert.equal(built.code, 0, built.out);
      const cr = new Uint8Array(readFileSync(join(tmp, 'cr.der')));
      assert.equal(protection(await verifyMessage(cr, { kemSecret: ss })).verdict, 'valid');
      // The transaction ended with pkiConf, and its KEM secret with it: a new one needs a new genp.
      const refused = readMessage(await ca.handle(cr));
      assert.equal(refused.bodyName, 'error');
      assert.match(
        refused.body.error!.pKIStatusInfo.statusString![0].toString(),
        /protection cannot-verify: .*KemBasedMac needs the KEM private key/,
      );
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('KemBasedMac in the composer', () => {
  it('protects with the ML-KEM key and the genp, takes its transactionID, and the preview checks valid', async () => {
    const tid = fromHex('a1a2a3a4a5a6a7a8a9aaabacadaeafb0')!;
    const genp = new PKIMessage({
      header: new PKIHeader({
        pvno: 3,
        sender: new GeneralName({ directoryName: new Name([]) }),
        recipient: new GeneralName({ directoryName: new Name([]) }),
        transactionID: new OctetString(tid),
      }),
      body: new PKIBody({
        genp: new GenRepContent([
          new InfoTypeAndValue({
            infoType: oids.itKemCiphertextInfo,
            infoValue: AsnSerializer.serialize(
              new KemCiphertextInfo({
                kem: new AlgorithmIdentifier({ algorithm: '2.16.840.1.101.3.4.4.2' }),
                ct: new OctetString(file('ct.bin')),
              }),
            ),
          }),
        ]),
      }),
    });
    const files = new Map<string, Uint8Array>([
      ['kem.key', file('key.pem')],
      ['genp.der', new Uint8Array(AsnSerializer.serialize(genp))],
    ]);
    const engine = new ComposerEngine({
      readFile: async (p) => files.get(p) ?? new Uint8Array(),
      secret: async () => undefined,
    });
    const form = structuredClone(defaultComposerForm);
    form.spec = { body: 'genm', infoTypes: ['caCerts'] };
    form.protection = { kind: 'kemBasedMac' };
    form.files = { kemKey: ['kem.key'], kemGenp: ['genp.der'] };
    const p = await engine.preview(form, 1);
    assert.ok(p.ok, p.ok ? '' : JSON.stringify(p.errors));
    const prot = p.protection.find((r) => r.check === 'protection')!;
    assert.equal(prot.verdict, 'valid', prot.reason);
    assert.equal(prot.summary, 'KemBasedMac, HKDF-SHA-256 to 32 bytes, HMAC-SHA256');
    const built = readMessage(engine.built!.der);
    assert.equal(toHex(new Uint8Array(built.header.transactionID!.buffer)), toHex(tid));
    // Without the genp the form says which field is missing.
    form.files = { kemKey: ['kem.key'] };
    const missing = await engine.preview(form, 2);
    assert.equal(missing.ok, false);
    assert.deepEqual(missing.ok ? [] : missing.errors.map((e) => e.field), ['files.kemGenp']);
  });
});
