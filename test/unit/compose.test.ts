// The request builder (src/core/compose): exact DER per body type with the clock, randomness and
// key fixed; round trip (our decode of our output gives the form's input back); DER re-encoding;
// field errors a form shows. OpenSSL's acceptance of the same requests is in interop.test.ts.
import { strict as assert } from 'node:assert';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AsnParser, AsnSerializer } from '@peculiar/asn1-schema';
import { Certificate, Name } from '@peculiar/asn1-x509';
import { PKIMessage, oids } from '../../src/core/asn1';
import {
  buildRequest,
  genmItem,
  rawInfoItem,
  type Materials,
  type RequestSpec,
} from '../../src/core/compose';
import { inspectBytes } from '../../src/core/inspect';
import { importPrivateKey, parseGeneralName, parseName } from '../../src/core/base';
import { unwrapInput } from '../../src/core/base/pem';
import { certName, verifyMessage } from '../../src/core/protection';
import { readMessage } from '../../src/core/base';
import { fixture, fixtures } from './helpers';

const secret = new TextEncoder().encode('s3cret');
const fixedNow = () => new Date('2026-01-02T03:04:05.678Z');
/** Deterministic "random" bytes: 0x11, 0x12, … continuing across calls. */
function counter(): (n: number) => Uint8Array {
  let next = 0x11;
  return (n) => Uint8Array.from({ length: n }, () => next++ & 0xff);
}
const pem = (rel: string) => unwrapInput(fixture(rel)).der;
const edKey = () => importPrivateKey(pem('keys/ee-ed.key'));

const specs: Record<string, { spec: RequestSpec; materials: () => Promise<Partial<Materials>> }> = {
  ir: {
    spec: {
      body: 'ir',
      recipient: 'CN=Test CA',
      senderKID: 'user1',
      template: {
        subject: 'CN=Device 7, O=Example',
        sans: ['dns:device7.example', 'ip:192.0.2.7'],
        keyUsage: ['digitalSignature'],
        extKeyUsage: ['clientAuth'],
      },
      implicitConfirm: true,
    },
    materials: async () => ({ key: await edKey() }),
  },
  cr: {
    spec: { body: 'cr', recipient: 'CN=Test CA', senderKID: 'user1', template: { subject: '/CN=CR device' } },
    materials: async () => ({ key: await edKey() }),
  },
  kur: {
    spec: { body: 'kur', recipient: 'CN=Test CA', senderKID: 'user1', template: {} },
    materials: async () => ({ key: await edKey(), oldCert: pem('keys/ee-ec.crt') }),
  },
  p10cr: {
    spec: {
      body: 'p10cr',
      recipient: 'CN=Test CA',
      senderKID: 'user1',
      template: { subject: 'CN=P10 device' },
    },
    materials: async () => ({ key: await edKey() }),
  },
  rr: {
    spec: { body: 'rr', recipient: 'CN=Test CA', senderKID: 'user1', revoke: { reason: 1 } },
    materials: async () => ({ oldCert: pem('keys/ee-ec.crt') }),
  },
  genm: {
    spec: {
      body: 'genm',
      recipient: 'CN=Test CA',
      senderKID: 'user1',
      infoTypes: ['caCerts', 'certReqTemplate', { oid: '1.2.3.4', valueHex: '0500' }],
    },
    materials: async () => ({}),
  },
  certConf: {
    spec: { body: 'certConf', recipient: 'CN=Test CA', senderKID: 'user1', confirm: { accept: true } },
    materials: async () => ({ confirmCert: pem('keys/issued.crt') }),
  },
  pollReq: {
    spec: { body: 'pollReq', recipient: 'CN=Test CA', senderKID: 'user1', certReqId: 0 },
    materials: async () => ({}),
  },
  error: {
    spec: {
      body: 'error',
      recipient: 'CN=Test CA',
      senderKID: 'user1',
      errorStatus: { status: 2, failInfo: ['badRequest', 'badPOP'], texts: ['for testing'] },
    },
    materials: async () => ({}),
  },
};

async function build(name: string) {
  const { spec, materials } = specs[name];
  const r = await buildRequest(
    spec,
    { protection: { kind: 'pbm', secret, iterations: 1000 }, ...(await materials()) },
    { now: fixedNow, random: counter() },
  );
  if (!r.ok) assert.fail(`${name}: ${JSON.stringify(r.errors)}`);
  return r;
}

describe('compose: one request per body type', () => {
  for (const name of Object.keys(specs)) {
    it(`${name}: exact DER, DER re-encoding, valid PBM, round trip`, async () => {
      const r = await build(name);
      const golden = join(fixtures, 'compose', `${name}.der`);
      if (process.env.UPDATE_GOLDEN) writeFileSync(golden, r.der);
      assert.ok(
        existsSync(golden),
        `no golden ${golden}: run UPDATE_GOLDEN=1 npm run test:unit once and review it`,
      );
      assert.ok(
        Buffer.from(r.der).equals(Buffer.from(fixture(`compose/${name}.der`))),
        `${name} changed: check with openssl asn1parse, then UPDATE_GOLDEN=1`,
      );
      // DER: parsing and serializing again gives the same bytes.
      assert.deepEqual(new Uint8Array(AsnSerializer.serialize(AsnParser.parse(r.der, PKIMessage))), r.der);
      const checks = await verifyMessage(r.der, { secret });
      assert.equal(checks.find((c) => c.check === 'protection')?.verdict, 'valid');
      for (const c of checks.filter((x) => x.check === 'pop' || x.check === 'csr'))
        assert.equal(c.verdict, 'valid', `${c.check}: ${c.reason}`);
      const m = readMessage(r.der);
      assert.equal(m.bodyName, name === 'pollReq' ? 'pollReq' : name);
      assert.equal(Buffer.from(m.header.senderKID!.buffer).toString(), 'user1');
      assert.equal(m.header.messageTime?.toISOString(), '2026-01-02T03:04:05.000Z');
      assert.equal(
        Buffer.from(m.header.transactionID!.buffer).toString('hex'),
        '1112131415161718191a1b1c1d1e1f20',
      );
    });
  }

  it('ir: the template holds what the form said', async () => {
    const m = readMessage((await build('ir')).der);
    const tpl = m.body.ir![0].certReq.certTemplate;
    assert.equal(
      certName({ tbsCertificate: { subject: tpl.subject } } as unknown as Certificate),
      'CN=Device 7,O=Example',
    );
    const exts = [...tpl.extensions!].map((e) => e.extnID);
    assert.deepEqual(exts, ['2.5.29.17', '2.5.29.15', '2.5.29.37']);
    assert.equal(m.header.generalInfo?.[0].infoType, oids.itImplicitConfirm);
    assert.equal(m.body.ir![0].popo?.signature?.algorithmIdentifier.algorithm, '1.3.101.112');
  });

  it('without a subject the POP signs POPOSigningKeyInput with the sender (RFC 4211 §4.1)', async () => {
    const r = await buildRequest(
      { body: 'cr', sender: 'CN=requester', template: { sans: ['dns:only-san.example'] } },
      { protection: { kind: 'none' } },
    );
    assert.ok(r.ok);
    const popo = readMessage(r.der).body.cr![0].popo!.signature!;
    assert.equal(popo.poposkInput?.authInfo.sender?.directoryName?.[0][0].value.toString(), 'requester');
    const pop = (await verifyMessage(r.der)).find((c) => c.check === 'pop');
    assert.equal(pop?.verdict, 'valid', pop?.reason);
  });

  it('kur carries oldCertID; rr names issuer and serial with a reason', async () => {
    const old = AsnParser.parse(pem('keys/ee-ec.crt'), Certificate);
    const kur = readMessage((await build('kur')).der);
    assert.equal(kur.body.kur![0].certReq.controls?.[0].type, oids.regCtrlOldCertID);
    const rr = readMessage((await build('rr')).der);
    const d = rr.body.rr![0];
    assert.deepEqual(
      new Uint8Array(d.certDetails.serialNumber!),
      new Uint8Array(old.tbsCertificate.serialNumber),
    );
    assert.equal(d.crlEntryDetails?.[0].extnID, '2.5.29.21');
  });

  it('certConf hashes the certificate with its signature hash (RFC 9810 §5.3.18)', async () => {
    const m = readMessage((await build('certConf')).der);
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', pem('keys/issued.crt')));
    assert.deepEqual(new Uint8Array(m.body.certConf![0].certHash.buffer), digest);
  });

  it('a generated key when none is loaded, and signature protection puts the certificate first', async () => {
    const key = await importPrivateKey(pem('keys/ee-ec.key'));
    const r = await buildRequest(
      { body: 'cr', template: { subject: 'CN=x' }, keyType: 'P-384' },
      { protection: { kind: 'signature', key, cert: pem('keys/ee-ec.crt') } },
    );
    assert.ok(r.ok);
    assert.equal(r.generatedKey?.kind, 'P-384');
    const checks = await verifyMessage(r.der, { trustAnchors: [pem('keys/ca.crt')] });
    assert.deepEqual(
      checks.map((c) => `${c.check}:${c.verdict}`),
      ['protection:valid', 'certificate:valid', 'chain:valid', 'pop:valid'],
    );
    // RFC 9483 §3.1: with signature protection the sender is the signer's subject.
    const m = readMessage(r.der);
    assert.deepEqual(
      AsnSerializer.serialize(m.header.sender.directoryName!),
      AsnSerializer.serialize(AsnParser.parse(pem('keys/ee-ec.crt'), Certificate).tbsCertificate.subject),
    );
  });
});

describe('compose: field errors, all at once', () => {
  const none = { protection: { kind: 'none' as const } };
  const fields = async (spec: RequestSpec, materials: Materials = none) => {
    const r = await buildRequest(spec, materials);
    assert.equal(r.ok, false);
    return r.ok ? [] : r.errors;
  };
  it('bad IP address, bad DNS name, unknown key usage', async () => {
    const errors = await fields({
      body: 'ir',
      template: { subject: 'CN=x', sans: ['ip:300.1.2.3', 'dns:bad..name'], keyUsage: ['signEverything'] },
    });
    assert.deepEqual(
      errors.map((e) => e.field),
      ['template.sans[0]', 'template.sans[1]', 'template.keyUsage'],
    );
    assert.match(errors[0].message, /"300\.1\.2\.3" is not an IPv4 or IPv6 address/);
  });
  it('a certReqId or errorCode that is not a whole number JavaScript holds exactly (it used to be encoded rounded)', async () => {
    for (const id of [2 ** 60, 1.5])
      assert.deepEqual(
        (await fields({ body: 'pollReq', certReqId: id })).map((e) => e.field),
        ['certReqId'],
      );
    assert.deepEqual(
      (await fields({ body: 'error', errorStatus: { status: 2, errorCode: 2 ** 60 } })).map((e) => e.field),
      ['errorStatus.errorCode'],
    );
  });
  it('empty subject with no SAN', async () => {
    const errors = await fields({ body: 'cr', template: {} });
    assert.deepEqual(
      errors.map((e) => e.field),
      ['template.subject'],
    );
  });
  it('secret missing', async () => {
    const errors = await fields(
      { body: 'genm', infoTypes: ['caCerts'] },
      { protection: { kind: 'pbm', secret: new Uint8Array() } },
    );
    assert.deepEqual(
      errors.map((e) => e.field),
      ['protection.secret'],
    );
  });
  it('kur without the old certificate, rr without a target, bad hex', async () => {
    assert.deepEqual(
      (await fields({ body: 'kur', template: { subject: 'CN=x' } })).map((e) => e.field),
      ['oldCert'],
    );
    assert.deepEqual(
      (await fields({ body: 'rr' })).map((e) => e.field),
      ['revoke.issuer', 'revoke.serialHex'],
    );
    assert.deepEqual(
      (await fields({ body: 'pollReq', transactionID: 'xyz' })).map((e) => e.field),
      ['transactionID'],
    );
    const bits = await fields({
      body: 'error',
      errorStatus: { status: 2, failInfo: ['badPOP', 'noSuchBit' as 'badPOP'] },
    });
    assert.deepEqual(
      bits.map((e) => e.field),
      ['errorStatus.failInfo'],
    );
    assert.match(bits[0].message, /not PKIFailureInfo bit names: noSuchBit/);
  });
});

describe('compose: names', () => {
  const dn = (t: string) => certName({ tbsCertificate: { subject: parseName(t) } } as unknown as Certificate);
  it('RFC 4514 order and OpenSSL slash order give the same Name', () => {
    const a = new Uint8Array(AsnSerializer.serialize(parseName('CN=x, O=Example, C=DE')));
    const b = new Uint8Array(AsnSerializer.serialize(parseName('/C=DE/O=Example/CN=x')));
    assert.deepEqual(a, b);
    assert.equal(dn('CN=x, O=Example, C=DE'), 'CN=x,O=Example,C=DE');
  });
  it('escapes, multi-valued RDNs, OIDs, the empty name', () => {
    assert.equal(parseName('CN=a\\, b')[0][0].value.toString(), 'a, b');
    assert.equal(parseName('CN=a+UID=b')[0].length, 2);
    assert.equal(parseName('2.5.4.3=z')[0][0].type, '2.5.4.3');
    assert.deepEqual(parseName(''), new Name([]));
  });
  it('errors name the part', () => {
    assert.throws(() => parseName('XX=1', 'sender'), /sender: unknown attribute type "XX"/);
    assert.throws(() => parseName('C=Germany'), /two-letter country code/);
    assert.throws(() => parseGeneralName('host.example'), /must start with dns:, ip:, email:, uri: or dn:/);
  });
  it('IPv6', () => {
    assert.equal(parseGeneralName('ip:2001:db8::1').iPAddress, '2001:db8::1');
    assert.throws(() => parseGeneralName('ip:2001:db8::1::2'), /not an IPv4 or IPv6/);
  });
});

describe('compose: genm and generalInfo values (RFC 9483 §4.3, RFC 9810 §5.3.19)', () => {
  it('each valued type makes a value the inspector names without a problem; raw OIDs take hex', async () => {
    const cert = unwrapInput(fixture('keys/ca.crt')).der;
    const built = await buildRequest(
      {
        body: 'genm',
        infoTypes: [
          genmItem('rootCaCert', cert),
          genmItem('crlStatusList', cert),
          genmItem('keyPairParamReq', 'EC'),
          genmItem('suppLangTags', 'de, en'),
          rawInfoItem('1.3.6.1.5.5.7.4.17'),
        ],
        generalInfo: [
          genmItem('certProfile', 'tls-server'),
          genmItem('confirmWaitTime', '2026-12-05T00:00:00Z'),
          genmItem('origPKIMessage', fixture('openssl-mock/ir-pbm.der')),
        ],
      },
      { protection: { kind: 'none' } },
    );
    assert.ok(built.ok, JSON.stringify(!built.ok && built.errors));
    const doc = inspectBytes(built.der);
    assert.deepEqual(doc.problems, []);
    assert.equal(doc.stats.explained, doc.stats.nodes);
    assert.deepEqual(rawInfoItem('1.2.3=hex:05 00'), { oid: '1.2.3', valueHex: '0500' });
    assert.throws(() => genmItem('keyPairParamReq', 'DSA'), /"DSA" is not EC, RSA or a dotted OID/);
    assert.throws(() => rawInfoItem('1.2.3=ff'), /must be hex:DER-IN-HEX/);
    assert.throws(() => genmItem('rootCaCert', new Uint8Array([1, 2, 3])), /Certificate/);
  });
});
