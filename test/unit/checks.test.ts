/**
 * Protocol checks (src/core/checks): each message check with a message that triggers it and one
 * that does not (built with the composer's core, or edited from it); the exchange checks on the
 * OpenSSL exchanges of the corpus and on broken ones; every corpus message's findings, exactly.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AsnParser, AsnSerializer, OctetString } from '@peculiar/asn1-schema';
import { Certificate, GeneralName } from '@peculiar/asn1-x509';
import {
  CMPCertificate,
  CMPCertificates,
  CertReqMessages,
  GenRepContent,
  InfoTypeAndValue,
  ObjectIdentifiers,
  PKIBody,
  PKIFailureInfo,
  PKIHeader,
  PKIMessage,
  PKIStatus,
  PKIStatusInfo,
  PollRep,
  PollRepContent,
  oids,
} from '../../src/core/asn1';
import { checkExchange, checkMessage, nonceChains } from '../../src/core/checks';
import { buildRequest, type Materials, type RequestSpec } from '../../src/core/compose';
import { importPrivateKey } from '../../src/core/base';
import { unwrapInput } from '../../src/core/base/pem';
import type { ProtectionSpec } from '../../src/core/protection';
import { TestCa } from '../../src/core/testca';
import type { CheckProfile } from '../../src/shared/findings';
import { fixture, fixtureFiles, fixtures } from './helpers';

const secret = new TextEncoder().encode('s3cret');
const now = new Date('2026-06-01T12:00:00Z');
const pem = (rel: string) => unwrapInput(fixture(rel)).der;
const pbm: ProtectionSpec = { kind: 'pbm', secret, iterations: 10_000 };

async function make(
  spec: Partial<RequestSpec>,
  materials: Partial<Materials> = {},
  mutate?: (m: PKIMessage) => void,
): Promise<Uint8Array> {
  const r = await buildRequest(
    {
      body: 'ir',
      recipient: 'CN=Test CA',
      senderKID: 'user1',
      template: { subject: 'CN=x' },
      ...spec,
    } as RequestSpec,
    { protection: pbm, ...materials },
    { now: () => now },
  );
  if (!r.ok) assert.fail(JSON.stringify(r.errors));
  if (!mutate) return r.der;
  const m = AsnParser.parse(r.der, PKIMessage);
  mutate(m);
  return new Uint8Array(AsnSerializer.serialize(m));
}

const ids = (der: Uint8Array, profile: CheckProfile = 'base') =>
  checkMessage(der, { profile, now }).map((f) => f.id);

/** `id` is found in `bad` (under `profile`) and not in `good`. */
async function triggers(
  id: string,
  bad: Uint8Array,
  good: Uint8Array,
  profile: CheckProfile = 'base',
): Promise<void> {
  assert.ok(ids(bad, profile).includes(id), `${id} expected in ${JSON.stringify(ids(bad, profile))}`);
  assert.ok(!ids(good, profile).includes(id), `${id} not expected in ${JSON.stringify(ids(good, profile))}`);
}

const ca = TestCa.create({ secret, now: () => now });
/** The test CA's answer to `request`, optionally edited. */
async function answer(request: Uint8Array, mutate?: (m: PKIMessage) => void): Promise<Uint8Array> {
  const der = await (await ca).handle(request);
  if (!mutate) return der;
  const m = AsnParser.parse(der, PKIMessage);
  mutate(m);
  return new Uint8Array(AsnSerializer.serialize(m));
}

describe('protocol checks: header', () => {
  it('pvno: a value other than 2 or 3; 2 where cmp2021 is needed; 3 where it is not', async () => {
    const ok = await make({});
    await triggers(
      'header.pvno.value',
      await make({}, {}, (m) => {
        m.header.pvno = 1;
      }),
      ok,
    );
    const conf = { body: 'certConf', confirm: { accept: true, hashAlg: 'SHA-256' } } as const;
    await triggers(
      'header.pvno.needs3',
      await make({ ...conf, pvno: 2 }, { confirmCert: pem('keys/issued.crt') }),
      await make({ ...conf, pvno: 3 }, { confirmCert: pem('keys/issued.crt') }),
    );
    await triggers('header.pvno.unneeded', await make({ pvno: 3 }), ok);
  });

  it('sender and recipient: NULL-DN sender without senderKID; not a directoryName (lightweight)', async () => {
    await triggers(
      'header.sender.nullWithoutKid',
      await make({ sender: '', senderKID: undefined }, { protection: { kind: 'none' } }),
      await make({ sender: '' }),
    );
    const dns = new GeneralName({ dNSName: 'host.example' });
    await triggers(
      'header.sender.form',
      await make({}, {}, (m) => {
        m.header.sender = dns;
      }),
      await make({}),
      'lightweight',
    );
    await triggers(
      'header.recipient.form',
      await make({}, {}, (m) => {
        m.header.recipient = dns;
      }),
      await make({}),
      'lightweight',
    );
    assert.ok(
      !ids(
        await make({}, {}, (m) => {
          m.header.sender = dns;
        }),
      ).includes('header.sender.form'),
      'the base rules allow any GeneralName',
    );
  });

  it('transactionID and senderNonce: missing, and shorter than 128 bits', async () => {
    for (const name of ['transactionID', 'senderNonce'] as const) {
      await triggers(
        `header.${name}.missing`,
        await make({}, {}, (m) => {
          delete m.header[name];
        }),
        await make({}),
      );
      await triggers(`header.${name}.length`, await make({ [name]: '0102030405060708' }), await make({}));
    }
    const findings = checkMessage(
      await make({}, {}, (m) => {
        delete m.header.transactionID;
      }),
      { profile: 'lightweight' },
    );
    assert.deepEqual(
      findings
        .filter((f) => f.id === 'header.transactionID.missing')
        .map((f) => [f.severity, f.profile, f.ref]),
      [['error', 'lightweight', 'RFC 9483 §3.1']],
    );
  });

  it('recipNonce: absent in a follow-up message; present in the opening one (lightweight)', async () => {
    const conf = (recipNonce?: string) =>
      make(
        { body: 'certConf', confirm: { accept: true }, recipNonce },
        { confirmCert: pem('keys/issued.crt') },
      );
    await triggers('header.recipNonce.missing', await conf(), await conf('00112233445566778899aabbccddeeff'));
    await triggers(
      'header.recipNonce.unexpected',
      await make({ recipNonce: '00112233445566778899aabbccddeeff' }),
      await make({}),
      'lightweight',
    );
  });

  it('messageTime: absent (lightweight), in the future, implausibly old', async () => {
    await triggers(
      'header.messageTime.missing',
      await make({ messageTime: 'none' }),
      await make({}),
      'lightweight',
    );
    await triggers(
      'header.messageTime.future',
      await make({ messageTime: '2027-01-01T00:00:00Z' }),
      await make({ messageTime: '2026-06-01T11:59:00Z' }),
    );
    await triggers(
      'header.messageTime.past',
      await make({ messageTime: '1995-01-01T00:00:00Z' }),
      await make({}),
    );
  });

  it('generalInfo: implicitConfirm must be NULL and in certificate messages; confirmWaitTime a GeneralizedTime in ip/cp/kup', async () => {
    await triggers(
      'header.generalInfo.implicitConfirm.value',
      await make({ generalInfo: [{ oid: '1.3.6.1.5.5.7.4.13', valueHex: '020101' }] }),
      await make({ implicitConfirm: true }),
    );
    await triggers(
      'header.generalInfo.implicitConfirm.body',
      await make({ body: 'genm', infoTypes: ['caCerts'], implicitConfirm: true }),
      await make({ implicitConfirm: true }),
    );
    const cwt = (hex: string) => make({ generalInfo: [{ oid: '1.3.6.1.5.5.7.4.14', valueHex: hex }] });
    await triggers(
      'header.generalInfo.confirmWaitTime.value',
      await cwt('020164'),
      await cwt('180f32303236303630313132303030305a'),
    );
    assert.ok(
      ids(await cwt('180f32303236303630313132303030305a')).includes(
        'header.generalInfo.confirmWaitTime.body',
      ),
      'confirmWaitTime belongs to ip/cp/kup',
    );
  });
});

describe('protection checks', () => {
  it('missing protection (a warning under RFC 9810, an error in the profile); protectionAlg without the BIT STRING', async () => {
    const none = await make({}, { protection: { kind: 'none' } });
    await triggers('protection.missing', none, await make({}));
    assert.equal(
      checkMessage(none, { profile: 'lightweight' }).find((f) => f.id === 'protection.missing')?.severity,
      'error',
    );
    assert.equal(checkMessage(none).find((f) => f.id === 'protection.missing')?.severity, 'warning');
    await triggers(
      'protection.mismatch',
      await make({}, {}, (m) => {
        delete m.protection;
      }),
      await make({}),
    );
  });

  it('MAC: senderKID missing; PBM iterations under 100 and under 1,000; short salt; SHA-1', async () => {
    await triggers('header.senderKID.missing', await make({ senderKID: undefined }), await make({}));
    await triggers(
      'protection.pbm.iterations',
      await make({}, { protection: { ...pbm, iterations: 50 } }),
      await make({}),
    );
    await triggers(
      'protection.mac.iterations',
      await make({}, { protection: { ...pbm, iterations: 500 } }),
      await make({}),
    );
    await triggers(
      'protection.mac.iterations',
      await make({}, { protection: { kind: 'pbmac1', secret, iterations: 500 } }),
      await make({}, { protection: { kind: 'pbmac1', secret } }),
    );
    await triggers(
      'protection.mac.salt',
      await make({}, { protection: { ...pbm, salt: new Uint8Array(4) } }),
      await make({}),
    );
    await triggers(
      'protection.mac.weakHash',
      await make({}, { protection: { ...pbm, owf: 'SHA-1' } }),
      await make({}),
    );
  });

  it("signature: no extraCerts; extraCerts[0] with the wrong key type; sender and senderKID not the certificate's (lightweight)", async () => {
    const sig: ProtectionSpec = {
      kind: 'signature',
      key: await importPrivateKey(pem('keys/ee-ec.key')),
      cert: pem('keys/ee-ec.crt'),
    };
    const ok = await make({ sender: undefined, senderKID: undefined }, { protection: sig });
    assert.deepEqual(ids(ok, 'lightweight'), []);
    await triggers(
      'protection.extraCerts.missing',
      await make({ sender: undefined, senderKID: undefined }, { protection: sig }, (m) => {
        delete m.extraCerts;
      }),
      ok,
    );
    const rsa = AsnParser.parse(pem('keys/ee-rsa.crt'), Certificate);
    await triggers(
      'protection.extraCerts.first',
      await make({ sender: undefined, senderKID: undefined }, { protection: sig }, (m) => {
        m.extraCerts = new CMPCertificates([new CMPCertificate({ x509v3PKCert: rsa })]);
      }),
      ok,
      'lightweight',
    );
    await triggers(
      'header.sender.signer',
      await make({ sender: 'CN=someone else', senderKID: undefined }, { protection: sig }),
      ok,
      'lightweight',
    );
    // ca.crt has a subjectKeyIdentifier (the end-entity test certificates have no extensions).
    const withSkid: ProtectionSpec = {
      kind: 'signature',
      key: await importPrivateKey(pem('keys/ca.key')),
      cert: pem('keys/ca.crt'),
    };
    const skidOk = await make({ sender: undefined, senderKID: undefined }, { protection: withSkid });
    assert.deepEqual(
      ids(skidOk, 'lightweight'),
      [],
      'our builder sets senderKID to the subjectKeyIdentifier',
    );
    await triggers(
      'header.senderKID.skid',
      await make({ sender: undefined, senderKID: undefined }, { protection: withSkid }, (m) => {
        m.header.senderKID = new OctetString(new Uint8Array([1, 2, 3]));
      }),
      skidOk,
      'lightweight',
    );
    await triggers(
      'header.senderKID.missing',
      await make({ sender: undefined, senderKID: undefined }, { protection: withSkid }, (m) => {
        delete m.header.senderKID;
      }),
      skidOk,
      'lightweight',
    );
  });
});

describe('body checks', () => {
  it('certificate requests: one CertReqMsg with certReqId 0 (lightweight); template fields left to the CA; publicKey; POP', async () => {
    const ok = await make({});
    await triggers(
      'body.certReqMessages.count',
      await make({}, {}, (m) => {
        m.body.ir = new CertReqMessages([m.body.ir![0], m.body.ir![0]]);
      }),
      ok,
      'lightweight',
    );
    await triggers('body.certReqId', await make({ certReqId: 5 }), ok, 'lightweight');
    await triggers(
      'body.certTemplate.fields',
      await make({}, {}, (m) => {
        m.body.ir![0].certReq.certTemplate.serialNumber = new Uint8Array([1]).buffer;
      }),
      ok,
    );
    await triggers(
      'body.certTemplate.version',
      await make({}, {}, (m) => {
        m.body.ir![0].certReq.certTemplate.version = 1;
      }),
      ok,
    );
    await triggers(
      'body.certTemplate.publicKey',
      await make({}, {}, (m) => {
        delete m.body.ir![0].certReq.certTemplate.publicKey;
      }),
      ok,
      'lightweight',
    );
    await triggers('body.popo.missing', await make({ pop: 'none' }), ok);
    await triggers('body.popo.raVerified', await make({ pop: 'raVerified' }), ok);
    await triggers(
      'body.popo.keyType',
      await make({}, {}, (m) => {
        m.body.ir![0].popo!.signature!.algorithmIdentifier.algorithm = '1.2.840.113549.1.1.11';
      }),
      ok,
    );
  });

  it('certificate responses: certReqId, status against certificate, failInfo against status', async () => {
    const ip = await answer(await make({}, { protection: { kind: 'pbm', secret } }));
    assert.deepEqual(ids(ip, 'lightweight'), []);
    const edit = (f: (m: PKIMessage) => void) =>
      answer(new Uint8Array(0), undefined)
        .then(() => AsnParser.parse(ip, PKIMessage))
        .then((m) => {
          f(m);
          return new Uint8Array(AsnSerializer.serialize(m));
        });
    await triggers(
      'body.certReqId',
      await edit((m) => {
        m.body.ip!.response[0].certReqId = 7;
      }),
      ip,
      'lightweight',
    );
    await triggers(
      'body.response.unexpectedCertificate',
      await edit((m) => {
        m.body.ip!.response[0].status = new PKIStatusInfo({ status: PKIStatus.waiting });
      }),
      ip,
    );
    await triggers(
      'body.response.noCertificate',
      await edit((m) => {
        delete m.body.ip!.response[0].certifiedKeyPair;
      }),
      ip,
    );
    await triggers(
      'body.status.acceptedWithFailInfo',
      await edit((m) => {
        m.body.ip!.response[0].status.failInfo = PKIFailureInfo.fromNames(['badPOP']);
      }),
      ip,
    );
    await triggers(
      'body.status.rejectionWithoutFailInfo',
      await edit((m) => {
        delete m.body.ip!.response[0].certifiedKeyPair;
        m.body.ip!.response[0].status = new PKIStatusInfo({ status: PKIStatus.rejection });
      }),
      ip,
    );
  });

  it('certConf count (lightweight), pollRep checkAfter, error status', async () => {
    const conf = await make(
      { body: 'certConf', confirm: { accept: true }, recipNonce: '00' },
      { confirmCert: pem('keys/issued.crt') },
    );
    await triggers(
      'body.certConf.count',
      await make(
        { body: 'certConf', confirm: { accept: true } },
        { confirmCert: pem('keys/issued.crt') },
        (m) => {
          m.body.certConf!.push(m.body.certConf![0]);
        },
      ),
      conf,
      'lightweight',
    );
    const pollRep = (checkAfter: number) =>
      make({ body: 'pollReq', certReqId: 0 }, {}, (m) => {
        m.body = Object.assign(Object.create(Object.getPrototypeOf(m.body)), {
          pollRep: new PollRepContent([new PollRep({ certReqId: 0, checkAfter })]),
        });
      });
    await triggers('body.pollRep.checkAfter', await pollRep(-5), await pollRep(10));
    await triggers('body.pollRep.longWait', await pollRep(200_000), await pollRep(10));
    await triggers(
      'body.error.status',
      await make({ body: 'error', errorStatus: { status: 0 } }),
      await make({ body: 'error', errorStatus: { status: 2, failInfo: ['badRequest'] } }),
    );
    await triggers(
      'body.status.rejectionWithoutFailInfo',
      await make({ body: 'error', errorStatus: { status: 2 } }),
      await make({ body: 'error', errorStatus: { status: 2, failInfo: ['badRequest'] } }),
    );
  });

  it('a message that does not decode gets one finding with its offset, not an exception', () => {
    const f = checkMessage(fixture('bad/truncated-ip.der'));
    assert.equal(f.length, 1);
    assert.equal(f[0].id, 'message.decode');
    assert.equal(f[0].severity, 'error');
    for (const name of ['bad/random-2k.bin', 'bad/empty.der', 'bad/not-cmp-certificate.der'])
      assert.doesNotThrow(() => checkMessage(fixture(name)));
  });
});

const mock = (names: string[]) => names.map((n) => fixture(`openssl-mock/${n}.der`));
const exchanges: Record<string, string[]> = {
  'ir-pbm': ['ir-pbm', 'ir-pbm-ip', 'ir-pbm-certConf', 'ir-pbm-pkiConf'],
  'cr-pbm': ['cr-pbm', 'cr-pbm-cp', 'cr-pbm-certConf', 'cr-pbm-pkiConf'],
  'p10cr-pbm': ['p10cr-pbm', 'p10cr-pbm-cp', 'p10cr-pbm-certConf', 'p10cr-pbm-pkiConf'],
  'cr-sig-rsa': ['cr-sig-rsa', 'cr-sig-rsa-cp', 'cr-sig-rsa-certConf', 'cr-sig-rsa-pkiConf'],
  'ir-poll': [
    'ir-poll',
    'ir-poll-ip-waiting',
    'ir-poll-pollReq1',
    'ir-poll-pollRep1',
    'ir-poll-pollReq2',
    'ir-poll-ip',
    'ir-poll-certConf',
    'ir-poll-pkiConf',
  ],
  'genm-pbm': ['genm-pbm', 'genm-pbm-genp'],
  'genm-sig': ['genm-sig', 'genm-sig-genp'],
  'rr-sig-ec': ['rr-sig-ec', 'rr-sig-ec-rp'],
};

describe('protocol checks: sweep regressions (npm run fuzz -- --sweep)', () => {
  it('a protecting certificate whose subjectKeyIdentifier does not decode leaves nothing to compare senderKID with, and throws nothing', () => {
    const base = checkMessage(fixture('generated/cr-ed25519.der'), { profile: 'lightweight' }).map(
      (x) => x.id,
    );
    for (const f of ['bad/sweep-skid-not-octet-string.der', 'bad/sweep-skid-length-ff.der']) {
      assert.deepEqual(
        checkMessage(fixture(f), { profile: 'lightweight' }).map((x) => x.id),
        base,
        f,
      );
    }
  });
});

describe('exchange checks', () => {
  for (const [name, files] of Object.entries(exchanges)) {
    it(`the OpenSSL exchange ${name} passes`, async () => {
      assert.deepEqual(await checkExchange(mock(files)), []);
    });
  }

  it('ir with implicitConfirm that the server did not grant, and no certConf: flagged', async () => {
    assert.deepEqual(
      (await checkExchange(mock(['ir-implicit', 'ir-implicit-ip']))).map((f) => [f.messageIndex, f.id]),
      [[1, 'exchange.certConf.missing']],
    );
  });

  it('a broken exchange: transactionID, recipNonce, pkiConf without certConf, polling out of order', async () => {
    const found = (await checkExchange(mock(['ir-pbm', 'cr-pbm-cp', 'ir-pbm-pkiConf']))).map(
      (f) => `${f.messageIndex}:${f.id}`,
    );
    assert.deepEqual(found, [
      '1:exchange.transactionID',
      '1:exchange.recipNonce',
      '2:exchange.recipNonce',
      '2:exchange.pkiConf.unexpected',
      '2:exchange.certConf.missing',
    ]);
    const poll = (await checkExchange(mock(['ir-poll', 'ir-poll-ip-waiting', 'ir-poll-pollRep1']))).map(
      (f) => `${f.messageIndex}:${f.id}`,
    );
    assert.ok(poll.includes('2:exchange.polling'), poll.join(' '));
    const open = (await checkExchange(mock(['ir-poll', 'ir-poll-ip-waiting']))).map((f) => f.id);
    assert.deepEqual(open, ['exchange.polling.open']);
  });

  it('a certConf whose certHash is not over the issued certificate; messageTime going back', async () => {
    const files = mock(exchanges['ir-pbm']);
    const conf = AsnParser.parse(files[2], PKIMessage);
    conf.body.certConf![0].certHash = new OctetString(new Uint8Array(32));
    const badHash = [files[0], files[1], new Uint8Array(AsnSerializer.serialize(conf)), files[3]];
    assert.ok(
      (await checkExchange(badHash)).some((f) => f.id === 'exchange.certHash' && f.messageIndex === 2),
    );
    const late = AsnParser.parse(files[0], PKIMessage);
    late.header.messageTime = new Date('2030-01-01T00:00:00Z');
    assert.ok(
      (await checkExchange([new Uint8Array(AsnSerializer.serialize(late)), ...files.slice(1)])).some(
        (f) => f.id === 'exchange.messageTime' && f.messageIndex === 1,
      ),
    );
  });

  it("nonceChains puts alphabetically named files in protocol order, and splits an RA's two legs", async () => {
    const sorted = [...exchanges['ir-pbm']].sort();
    assert.deepEqual(
      nonceChains(mock(sorted))?.map((c) => c.map((i) => sorted[i])),
      [exchanges['ir-pbm']],
    );
    assert.equal(nonceChains(mock(['ir-pbm', 'cr-pbm-cp'])), undefined);
    // Siemens' RA: downstream (EE ↔ RA) and upstream (RA ↔ CA) share the transactionID.
    const dir = 'siemens-interop/IrWithMacProtection';
    const names = fixtureFiles(dir)
      .map((f) => f.slice(dir.length + 1))
      .sort();
    const ders = names.map((n) => unwrapInput(fixture(`${dir}/${n}`)).der);
    const chains = nonceChains(ders)!;
    assert.deepEqual(
      chains.map((c) => c.map((i) => names[i])),
      [
        [
          'downstream_INIT_REQ.PKI',
          'downstream_INIT_REP.PKI',
          'downstream_CERT_CONFIRM.PKI',
          'downstream_CONFIRM.PKI',
        ],
        [
          'upstream_INIT_REQ.PKI',
          'upstream_INIT_REP.PKI',
          'upstream_CERT_CONFIRM.PKI',
          'upstream_CONFIRM.PKI',
        ],
      ],
    );
    for (const c of chains) assert.deepEqual(await checkExchange(c.map((i) => ders[i])), []);
  });
});

describe("every corpus message's findings, exactly", () => {
  const expectedFile = join(fixtures, 'checks-expected.json');
  const files = [
    ...fixtureFiles('openssl-mock'),
    ...fixtureFiles('siemens-interop', (n) => /\.(der|pkimsg|PKI)$/i.test(n)),
    ...fixtureFiles('generated'),
    'wireshark-sample/cmpv2-from-wireshark-sample.der',
  ];
  const actual: Record<string, Record<CheckProfile, string[]>> = {};
  // A fixed "now" after the corpus was made (November 2026), so no messageTime is in the future.
  const later = new Date('2027-01-01T00:00:00Z');
  for (const f of files) {
    const der = unwrapInput(fixture(f)).der;
    actual[f] = {
      base: checkMessage(der, { now: later }).map((x) => `${x.severity} ${x.id} @${x.path}`),
      lightweight: checkMessage(der, { profile: 'lightweight', now: later }).map(
        (x) => `${x.severity} ${x.id} @${x.path}`,
      ),
    };
  }
  if (process.env.UPDATE_GOLDEN) writeFileSync(expectedFile, `${JSON.stringify(actual, null, 1)}\n`);
  it('matches test/fixtures/checks-expected.json (UPDATE_GOLDEN=1 rewrites it: review the diff)', () => {
    assert.ok(existsSync(expectedFile));
    assert.deepEqual(actual, JSON.parse(readFileSync(expectedFile, 'utf8')));
  });
});

describe("protocol checks: the README's rule table (issue 19, class 4)", () => {
  it('names every rule the checks have, and no other; notes are info', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('<!-- rules:start -->'), readme.indexOf('<!-- rules:end -->'));
    // "`header.pvno.value`", "`header.transactionID.missing` / `.length`": a suffix continues the id before it.
    const listed = new Set<string>();
    for (const row of table.split('\n').filter((l) => l.startsWith('| `'))) {
      let last = '';
      for (const [, id] of row.split(' | ')[0].matchAll(/`([^`]+)`/g)) {
        const full = id.startsWith('.') ? last.replace(/\.[^.]+$/, '') + id : id;
        listed.add(full);
        last = full;
      }
      const severity = row.split(' | ')[1];
      if (/ \| note: /.test(row)) assert.match(severity, /info/, `a note is info: ${row.slice(0, 60)}`);
    }
    const source = ['message.ts', 'exchange.ts']
      .map((f) => readFileSync(join(__dirname, '..', '..', 'src', 'core', 'checks', f), 'utf8'))
      .join('\n');
    const ids = new Set([...source.matchAll(/id: '([\w.]+)'/g)].map((m) => m[1]));
    for (const name of ['transactionID', 'senderNonce'])
      for (const s of ['missing', 'length']) ids.add(`header.${name}.${s}`);
    assert.deepEqual(
      [...ids].filter((i) => !listed.has(i)).sort(),
      [],
      'rules missing from the README table',
    );
    assert.deepEqual(
      [...listed].filter((i) => !ids.has(i)).sort(),
      [],
      'README rows for rules that do not exist',
    );
  });
});

describe('checks: a genp answers its genm (RFC 9483 §4.3)', () => {
  it('flags a genp that echoes rootCaCert (what our test CA answered before) and a required value left out; allows an absent crls and what unsupportedOIDs lists', async () => {
    const genm = await buildRequest(
      {
        body: 'genm',
        infoTypes: ['rootCaCert', 'crlStatusList', 'signKeyPairTypes', 'preferredSymmAlg'],
      },
      { protection: { kind: 'none' } },
    );
    assert.ok(genm.ok);
    const req = AsnParser.parse(genm.der, PKIMessage);
    const header = AsnParser.parse(AsnSerializer.serialize(req.header), PKIHeader);
    header.recipNonce = req.header.senderNonce;
    header.senderNonce = new OctetString(new Uint8Array(16).fill(9));
    const itav = (infoType: string, value?: ArrayBuffer) =>
      new InfoTypeAndValue({ infoType, infoValue: value });
    const genp = new PKIMessage({
      header,
      body: new PKIBody({
        genp: new GenRepContent([
          itav(oids.itRootCaCert, new Uint8Array([5, 0]).buffer),
          itav(oids.itCrls),
          itav(oids.itSignKeyPairTypes),
          itav(
            oids.itUnsupportedOIDs,
            AsnSerializer.serialize(new ObjectIdentifiers([oids.itPreferredSymmAlg])),
          ),
        ]),
      }),
    });
    const findings = (await checkExchange([genm.der, new Uint8Array(AsnSerializer.serialize(genp))])).filter(
      (f) => f.id === 'exchange.genp.answers',
    );
    assert.deepEqual(
      findings.map((f) => `${f.path}: ${f.message} (${f.ref})`),
      [
        'body.genp[0]: the genm asks id-it-rootCaCert, which is answered by id-it-rootCaKeyUpdate, but the genp answers with id-it-rootCaCert again (RFC 9483 §4.3.2)',
        'body.genp[2]: id-it-signKeyPairTypes answers without a value, which RFC 9810 §5.3.19.2 does not allow (RFC 9810 §5.3.19.2)',
      ],
    );
  });
});
