// The embedded test CA with our client, in process (no HTTP): every request kind, and each way it
// can be told to misbehave. HTTP, faults and OpenSSL as the peer are in transport/interop tests.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { AsnParser, AsnSerializer } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Certificate, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { buildRequest, type Materials, type RequestSpec } from '../../src/core/compose';
import { importPrivateKey } from '../../src/core/base';
import { TestCa, parseState, type TestCaBehaviour } from '../../src/core/testca';
import { runTransaction, type Post, type TransactionResult } from '../../src/core/transport';
import { readMessage } from '../../src/core/base';
import type { ProtectionSpec } from '../../src/core/protection';
import { unwrapInput } from '../../src/core/base/pem';
import { certName } from '../../src/core/protection';
import { fixture } from './helpers';
import { checkExchange } from '../../src/core/checks';
import { KemCiphertextInfo, oidName } from '../../src/core/asn1';

const secret = new TextEncoder().encode('s3cret');
const mac: ProtectionSpec = { kind: 'pbm', secret, iterations: 500 };

/** A Post straight into the CA, as HTTP would deliver it. */
const direct =
  (ca: TestCa): Post =>
  async (req) => ({ status: 200, contentType: 'application/pkixcmp', body: await ca.handle(req.body) });

async function exchange(
  ca: TestCa,
  spec: RequestSpec,
  materials: Partial<Materials> = {},
  protection: ProtectionSpec = mac,
): Promise<TransactionResult> {
  const built = await buildRequest(
    { recipient: 'CN=CMP Lens Test CA', senderKID: 'user1', ...spec },
    { protection, ...materials },
  );
  if (!built.ok) assert.fail(JSON.stringify(built.errors));
  return runTransaction(built.der, {
    post: direct(ca),
    server: { name: 'in-process', url: 'http://in-process/' },
    protection,
    verify: { secret, trustAnchors: [ca.certDer] },
    sleep: async () => undefined,
  });
}

const bodies = (r: TransactionResult) => r.messages.map((m) => m.body).join(' ');
const newCa = (behaviour: TestCaBehaviour = {}) => TestCa.create({ secret, behaviour });

describe('test CA: requests', () => {
  it('ir → ip with a certificate for the requested key → certConf → pkiConf', async () => {
    const ca = await newCa();
    const r = await exchange(ca, {
      body: 'ir',
      template: { subject: 'CN=Device, O=Example', sans: ['dns:device.example'] },
    });
    assert.equal(r.ok, true, r.error);
    assert.equal(bodies(r), 'ir ip certConf pkiconf');
    const cert = AsnParser.parse(r.issued[0].der, Certificate);
    const ir = readMessage(r.messages[0].der).body.ir![0].certReq.certTemplate;
    assert.deepEqual(
      AsnSerializer.serialize(cert.tbsCertificate.subjectPublicKeyInfo),
      AsnSerializer.serialize(ir.publicKey!),
    );
    assert.deepEqual(
      AsnSerializer.serialize(cert.tbsCertificate.issuer),
      AsnSerializer.serialize(ca.cert.tbsCertificate.subject),
    );
    assert.ok(
      r.messages.filter((m) => m.direction === 'received').every((m) => m.protection?.verdict === 'valid'),
    );
    assert.equal(ca.records().issued.length, 1);
  });

  it('cr, p10cr (certReqId -1), genm, implicitConfirm', async () => {
    const ca = await newCa();
    assert.equal(
      bodies(await exchange(ca, { body: 'cr', template: { subject: 'CN=cr' } })),
      'cr cp certConf pkiconf',
    );
    const p10 = await exchange(ca, { body: 'p10cr', template: { subject: 'CN=p10' } });
    assert.equal(bodies(p10), 'p10cr cp certConf pkiconf');
    assert.equal(p10.issued[0].certReqId, -1);
    const genm = await exchange(ca, {
      body: 'genm',
      infoTypes: ['caCerts', 'rootCaCert', 'certReqTemplate', 'signKeyPairTypes', 'currentCRL'],
    });
    const genp = readMessage(genm.reply!).body.genp!;
    // rootCaCert is answered by rootCaKeyUpdate, without a value: no root update (RFC 9483 §4.3.2).
    assert.deepEqual(
      [...genp].map((i) => `${oidName(i.infoType)} ${i.infoValue !== undefined}`),
      [
        'id-it-caCerts true',
        'id-it-rootCaKeyUpdate false',
        'id-it-certReqTemplate true',
        'id-it-signKeyPairTypes true',
        'id-it-currentCRL true',
      ],
    );
    assert.deepEqual(
      (await checkExchange(genm.messages.map((m) => m.der))).filter((f) => f.id === 'exchange.genp.answers'),
      [],
    );
    const implicit = await exchange(ca, {
      body: 'ir',
      template: { subject: 'CN=implicit' },
      implicitConfirm: true,
    });
    assert.equal(bodies(implicit), 'ir ip');
  });

  it('signature protection: kur signed with a certificate it issued; responses signed by the CA', async () => {
    const ca = await newCa();
    const key = await importPrivateKey(unwrapInput(fixture('keys/ee-ec.key')).der);
    const first = await exchange(ca, { body: 'ir', template: { subject: 'CN=to update' } }, { key });
    const sig: ProtectionSpec = { kind: 'signature', key, cert: first.issued[0].der };
    const kur = await exchange(ca, { body: 'kur', template: {} }, { oldCert: first.issued[0].der }, sig);
    assert.equal(kur.ok, true, kur.error);
    assert.equal(bodies(kur), 'kur kup certConf pkiconf');
    assert.match(kur.messages[1].protection!.summary, /ecdsa-with-SHA256/);
    assert.equal(certName(AsnParser.parse(kur.issued[0].der, Certificate)), 'CN=to update');
  });

  it('a signature from a certificate that does not chain to the CA: signerNotTrusted', async () => {
    const ca = await newCa();
    const key = await importPrivateKey(unwrapInput(fixture('keys/ee-ec.key')).der);
    const r = await exchange(
      ca,
      { body: 'cr', template: { subject: 'CN=x' } },
      {},
      { kind: 'signature', key, cert: unwrapInput(fixture('keys/ee-ec.crt')).der },
    );
    assert.equal(r.ok, false);
    assert.match(r.error!, /error message: rejection: signerNotTrusted/);
  });

  it('rr revokes what it issued, then says certRevoked; unknown certificates get badCertId', async () => {
    const ca = await newCa();
    const issued = (await exchange(ca, { body: 'ir', template: { subject: 'CN=revoke me' } })).issued[0].der;
    const rr = await exchange(ca, { body: 'rr', revoke: { reason: 1 } }, { oldCert: issued });
    assert.equal(bodies(rr), 'rr rp');
    assert.equal(rr.ok, true);
    assert.equal(ca.records().revoked[0].reason, 1);
    const again = await exchange(ca, { body: 'rr' }, { oldCert: issued });
    assert.match(again.error!, /revocation not done: rejection: certRevoked/);
    const other = await exchange(ca, { body: 'rr' }, { oldCert: unwrapInput(fixture('keys/ee-ec.crt')).der });
    assert.match(other.error!, /badCertId/);
  });

  it('wrong secret, unprotected request, garbage', async () => {
    const ca = await newCa();
    const wrong = await exchange(
      ca,
      { body: 'genm', infoTypes: ['caCerts'] },
      {},
      { kind: 'pbm', secret: new TextEncoder().encode('WRONG') },
    );
    // The CA answers with our secret; the client checks it with the one it has, so the answer is invalid for it.
    assert.equal(wrong.ok, false);
    const reply = readMessage(wrong.reply!);
    assert.deepEqual(reply.body.error!.pKIStatusInfo.failInfo!.toNames(), ['badMessageCheck']);
    const unprot = await exchange(ca, { body: 'genm', infoTypes: ['caCerts'] }, {}, { kind: 'none' });
    assert.match(unprot.error!, /badMessageCheck "requests must be protected/);
    const garbage = readMessage(await ca.handle(new Uint8Array([0x30, 0x03, 0x02, 0x01])));
    assert.deepEqual(garbage.body.error!.pKIStatusInfo.failInfo!.toNames(), ['badDataFormat']);
  });

  it('POP that does not verify: badPOP', async () => {
    const ca = await newCa();
    const built = await buildRequest(
      { body: 'ir', template: { subject: 'CN=x' } },
      { protection: { kind: 'none' } },
    );
    assert.ok(built.ok);
    const msg = built.message;
    const sig = msg.body.ir![0].popo!.signature!;
    new Uint8Array(sig.signature)[10] ^= 1;
    const { protectMessage } = await import('../../src/core/protection/protect');
    const der = await protectMessage(msg, mac);
    const reply = readMessage(await ca.handle(der));
    assert.deepEqual(reply.body.ip!.response[0].status.failInfo!.toNames(), ['badPOP']);
  });
});

describe('test CA: fuzz regressions', () => {
  it('a request with a negative PBM iterationCount gets an error answer, not an exception (fuzz input 37,303)', async () => {
    const ca = await newCa();
    const answer = readMessage(await ca.handle(fixture('bad/fuzz-pbm-negative-iterations.der')));
    assert.equal(answer.bodyName, 'error');
    assert.ok(answer.header.protectionAlg, 'the error answer is protected');
  });
});

describe('test CA: told to misbehave', () => {
  it('pollCount: waiting, pollRep, then the certificate', async () => {
    const ca = await newCa({ pollCount: 3, checkAfter: 2 });
    const r = await exchange(ca, { body: 'ir', template: { subject: 'CN=polled' } });
    assert.equal(r.ok, true, r.error);
    assert.equal(bodies(r), 'ir ip pollReq pollRep pollReq pollRep pollReq ip certConf pkiconf');
    assert.equal(r.messages[1].status, 'waiting "the test CA makes you poll (pollCount behaviour)"');
    assert.equal(r.messages[3].status, 'checkAfter 2 s');
  });
  it('reject with chosen failInfo bits', async () => {
    const ca = await newCa({ reject: ['badCertTemplate', 'notAuthorized'] });
    const r = await exchange(ca, { body: 'cr', template: { subject: 'CN=no' } });
    assert.match(r.error!, /was not granted: rejection: badCertTemplate, notAuthorized/);
  });
  it('implicitConfirm refused: a certConf follows', async () => {
    const ca = await newCa({ grantImplicitConfirm: false });
    assert.equal(
      bodies(await exchange(ca, { body: 'ir', template: { subject: 'CN=x' }, implicitConfirm: true })),
      'ir ip certConf pkiconf',
    );
  });
  it("a client's error instead of certConf: pkiConf, the certificate revoked, and lint finds nothing wrong", async () => {
    const ca = await newCa();
    const spec = { recipient: 'CN=CMP Lens Test CA', senderKID: 'user1' };
    const ir = await buildRequest(
      { ...spec, body: 'ir', template: { subject: 'CN=gives up' } },
      { protection: mac },
    );
    if (!ir.ok) assert.fail(JSON.stringify(ir.errors));
    const ip = await ca.handle(ir.der);
    const ipMsg = readMessage(ip);
    assert.equal(ipMsg.bodyName, 'ip');
    const hex = (b?: { buffer: ArrayBuffer }) => Buffer.from(new Uint8Array(b!.buffer)).toString('hex');
    const error = await buildRequest(
      {
        ...spec,
        body: 'error',
        transactionID: hex(ipMsg.header.transactionID),
        recipNonce: hex(ipMsg.header.senderNonce),
        errorStatus: { status: 2, failInfo: ['badCertTemplate'], texts: ['not the subject I asked for'] },
      },
      { protection: mac },
    );
    if (!error.ok) assert.fail(JSON.stringify(error.errors));
    const conf = await ca.handle(error.der);
    assert.equal(readMessage(conf).bodyName, 'pkiconf');
    assert.equal(ca.records().revoked.length, 1, 'the unconfirmed certificate is revoked');
    const ids = (await checkExchange([ir.der, ip, error.der, conf])).map((f) => f.id);
    assert.deepEqual(ids, [], 'RFC 9810 §5.3.21: an error may be answered with pkiConf');
    // The same pkiConf after an ir is still flagged: it answers a certConf or an error only.
    const wrong = (await checkExchange([ir.der, conf])).map((f) => f.id);
    assert.ok(wrong.includes('exchange.pkiConf.unexpected'), wrong.join(' '));
  });

  it('sendError', async () => {
    const ca = await newCa({ sendError: true });
    const r = await exchange(ca, { body: 'genm', infoTypes: ['caCerts'] });
    assert.equal(bodies(r), 'genm error');
    assert.match(r.error!, /systemUnavail/);
  });
});

describe('test CA: state', () => {
  it('the old testca.json format is still read (to migrate it)', () => {
    assert.throws(() => parseState('{"format":"x"}'), /format is not cmp-lens-testca\/1/);
    assert.throws(() => parseState('{'), /^Error: test CA state is not JSON$/);
  });
});

describe('test CA: confirmWaitTime (RFC 9810 §5.1.1.2)', () => {
  it('the ip carries confirmWaitTime; a certConf after it is refused and the certificate revoked', async () => {
    let now = new Date('2026-12-04T12:00:00Z');
    const ca = await TestCa.create({ secret, behaviour: { confirmWaitSeconds: 60 }, now: () => now });
    const built = await buildRequest(
      { recipient: 'CN=CMP Lens Test CA', senderKID: 'user1', body: 'ir', template: { subject: 'CN=late' } },
      { protection: mac },
    );
    assert.ok(built.ok);
    const r = await runTransaction(built.der, {
      post: async (req) => {
        const answer = await ca.handle(req.body);
        now = new Date(now.getTime() + 61_000); // the client takes longer than the CA waits
        return { status: 200, contentType: 'application/pkixcmp', body: answer };
      },
      server: { name: 'in-process', url: 'http://in-process/' },
      protection: mac,
      verify: { secret },
      sleep: async () => undefined,
      now: () => now,
    });
    const ip = readMessage(r.messages[1].der);
    const wait = ip.header.generalInfo?.find((g) => g.infoType === '1.3.6.1.5.5.7.4.14');
    assert.ok(wait?.infoValue, 'confirmWaitTime in the ip');
    assert.equal(new TextDecoder().decode(new Uint8Array(wait.infoValue).subarray(2)), '20261204120100Z');
    assert.equal(bodies(r), 'ir ip certConf error');
    assert.match(
      r.error!,
      /certConf after the confirmWaitTime 2026-12-04T12:01:00\.000Z: the certificates were revoked/,
    );
    assert.equal(ca.records().revoked.length, 1);
  });
});

describe('test CA: KemCiphertextInfo (RFC 9810 §5.1.3.4)', () => {
  it('encapsulates to the ML-KEM certificate in the genm: the client decapsulates the secret the CA keeps; without one, an error', async () => {
    const ca = await TestCa.create({ secret });
    const client = ml_kem768.keygen();
    const kemSpki = new Uint8Array(
      AsnSerializer.serialize(
        new SubjectPublicKeyInfo({
          algorithm: new AlgorithmIdentifier({ algorithm: '2.16.840.1.101.3.4.4.2' }),
          subjectPublicKey: client.publicKey.slice().buffer,
        }),
      ),
    );
    const kemCert = await ca.issue(ca.name, AsnParser.parse(kemSpki, SubjectPublicKeyInfo), undefined);
    const r = await exchange(
      ca,
      { body: 'genm', infoTypes: ['kemCiphertextInfo'] },
      { extraCerts: [kemCert] },
    );
    assert.equal(r.ok, true, r.error);
    const item = [...readMessage(r.reply!).body.genp!][0];
    const info = AsnParser.parse(item.infoValue!, KemCiphertextInfo);
    assert.equal(info.kem.algorithm, '2.16.840.1.101.3.4.4.2');
    const ss = ml_kem768.decapsulate(new Uint8Array(info.ct.buffer), client.secretKey);
    const tid = Buffer.from(readMessage(r.reply!).header.transactionID!.buffer).toString('hex');
    assert.deepEqual(ss, ca.transactions.get(tid)?.kemSecret);
    const none = await exchange(ca, { body: 'genm', infoTypes: ['kemCiphertextInfo'] });
    assert.match(none.error!, /no ML-KEM certificate in extraCerts/);
  });
});
