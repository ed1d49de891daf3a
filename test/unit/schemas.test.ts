import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AsnParser, AsnSerializer, OctetString } from '@peculiar/asn1-schema';
import { EnvelopedData, RecipientInfos } from '@peculiar/asn1-cms';
import { CertificationRequest } from '@peculiar/asn1-csr';
import {
  AlgorithmIdentifier,
  Certificate,
  CertificateList,
  Extension,
  Extensions,
  GeneralName,
  GeneralNames,
  Name,
  SubjectPublicKeyInfo,
  Time,
} from '@peculiar/asn1-x509';
import * as cmp from '../../src/core/asn1';
import { unwrapInput } from '../../src/core/base/pem';
import { fixture, fixtureFiles } from './helpers';

/** DER of a fixture that may be PEM. */
const der = (rel: string) => unwrapInput(fixture(rel)).der;

const toHex = (b: ArrayBuffer | Uint8Array) =>
  Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString('hex');

function bodyType(msg: cmp.PKIMessage): string {
  return Object.entries(msg.body)
    .filter(([, v]) => v !== undefined)
    .map(([k]) => k)
    .join(',');
}

describe('schemas: corpus round trip (openssl-mock)', () => {
  for (const file of fixtureFiles('openssl-mock')) {
    it(`${file} parses and serializes back to identical bytes`, () => {
      const bytes = fixture(file);
      const msg = AsnParser.parse(bytes, cmp.PKIMessage);
      assert.equal(toHex(AsnSerializer.serialize(msg)), toHex(bytes));
    });
  }
});

describe('schemas: decoded values', () => {
  it('ir-pbm: header fields and PBM parameters', () => {
    const msg = AsnParser.parse(fixture('openssl-mock/ir-pbm.der'), cmp.PKIMessage);
    assert.equal(msg.header.pvno, cmp.PVNO.cmp2000);
    assert.equal(bodyType(msg), 'ir');
    assert.equal(toHex(msg.header.transactionID!.buffer), '1e67b033c468bad383c4c507844ac0cf');
    assert.equal(toHex(msg.header.senderNonce!.buffer), 'f5cc79dd2f512db9a937bba1e4e53c00');
    assert.equal(Buffer.from(msg.header.senderKID!.buffer).toString(), 'user1');
    assert.equal(msg.header.messageTime!.toISOString(), '2026-11-22T16:22:49.000Z');
    assert.equal(msg.header.protectionAlg!.algorithm, cmp.oids.passwordBasedMac);
    const pbm = AsnParser.parse(msg.header.protectionAlg!.parameters!, cmp.PBMParameter);
    assert.equal(pbm.iterationCount, 500);
    assert.equal(pbm.owf.algorithm, '2.16.840.1.101.3.4.2.1');
    assert.equal(pbm.mac.algorithm, '1.3.6.1.5.5.8.1.2');
    assert.equal(pbm.salt.byteLength, 16);
    const req = msg.body.ir![0].certReq;
    assert.equal(req.certReqId, 0);
    assert.ok(req.certTemplate.publicKey);
    assert.ok(msg.body.ir![0].popo?.signature);
  });

  it('ir-pbm-ip: status accepted and the issued certificate', () => {
    const msg = AsnParser.parse(fixture('openssl-mock/ir-pbm-ip.der'), cmp.PKIMessage);
    assert.equal(bodyType(msg), 'ip');
    const rsp = msg.body.ip!.response[0];
    assert.equal(rsp.certReqId, 0);
    assert.equal(rsp.status.status, cmp.PKIStatus.accepted);
    assert.ok(rsp.certifiedKeyPair?.certOrEncCert.certificate?.x509v3PKCert);
    assert.equal(msg.body.ip!.caPubs?.length, 1);
    assert.equal(msg.extraCerts, undefined);
  });

  it('ir-wrongsecret-error: rejection with its failInfo bits', () => {
    const msg = AsnParser.parse(fixture('openssl-mock/ir-wrongsecret-error.der'), cmp.PKIMessage);
    assert.equal(bodyType(msg), 'error');
    const info = msg.body.error!.pKIStatusInfo;
    assert.equal(info.status, cmp.PKIStatus.rejection);
    // 0x20 with 5 unused bits: bit 2 only.
    assert.equal(info.failInfo?.unusedBits, 5);
    assert.equal(toHex(info.failInfo!.value), '20');
    assert.deepEqual(info.failInfo?.toNames(), ['badRequest']);
  });

  it('ir-poll: waiting, then pollRep with checkAfter', () => {
    const waiting = AsnParser.parse(fixture('openssl-mock/ir-poll-ip-waiting.der'), cmp.PKIMessage);
    assert.equal(waiting.body.ip!.response[0].status.status, cmp.PKIStatus.waiting);
    const rep = AsnParser.parse(fixture('openssl-mock/ir-poll-pollRep1.der'), cmp.PKIMessage);
    assert.equal(rep.body.pollRep![0].certReqId, 0);
    assert.ok(rep.body.pollRep![0].checkAfter >= 0);
    const req = AsnParser.parse(fixture('openssl-mock/ir-poll-pollReq1.der'), cmp.PKIMessage);
    assert.equal(req.body.pollReq![0].certReqId, 0);
  });

  it('certConf carries certHash and certReqId; pkiconf is NULL', () => {
    const conf = AsnParser.parse(fixture('openssl-mock/ir-pbm-certConf.der'), cmp.PKIMessage);
    assert.equal(conf.body.certConf![0].certReqId, 0);
    assert.ok(conf.body.certConf![0].certHash.byteLength >= 20);
    const pkiconf = AsnParser.parse(fixture('openssl-mock/ir-pbm-pkiConf.der'), cmp.PKIMessage);
    assert.equal(bodyType(pkiconf), 'pkiconf');
  });

  it('p10cr holds a CSR; rr a RevDetails; genm its infoTypes', () => {
    const p10 = AsnParser.parse(fixture('openssl-mock/p10cr-pbm.der'), cmp.PKIMessage);
    assert.ok(p10.body.p10cr instanceof CertificationRequest);
    const rr = AsnParser.parse(fixture('openssl-mock/rr-sig-ec.der'), cmp.PKIMessage);
    assert.ok(rr.body.rr![0].certDetails.serialNumber);
    const genm = AsnParser.parse(fixture('openssl-mock/genm-pbm.der'), cmp.PKIMessage);
    // openssl cmp -cmd genm without -infotype sends an empty GenMsgContent.
    assert.equal(genm.body.genm!.length, 0);
  });
});

describe('PKIFailureInfo', () => {
  it('names all 27 bits in RFC 9810 order', () => {
    assert.equal(cmp.pkiFailureInfoNames.length, 27);
    assert.equal(cmp.pkiFailureInfoNames[0], 'badAlg');
    assert.equal(cmp.pkiFailureInfoNames[9], 'badPOP');
    assert.equal(cmp.pkiFailureInfoNames[26], 'duplicateCertReq');
  });
  it('encodes named bits as DER (bit 0 = MSB, trailing zeros removed)', () => {
    const f = cmp.PKIFailureInfo.fromNames(['badPOP', 'badAlg']);
    assert.equal(toHex(AsnSerializer.serialize(f)), '03030680' + '40');
    assert.deepEqual(AsnParser.parse(AsnSerializer.serialize(f), cmp.PKIFailureInfo).toNames(), [
      'badAlg',
      'badPOP',
    ]);
    const top = cmp.PKIFailureInfo.fromNames(['duplicateCertReq']);
    assert.equal(toHex(AsnSerializer.serialize(top)), '030505' + '00000020');
  });
});

const name = (cn: string) =>
  AsnParser.parse(
    Buffer.from(`300f310d300b06035504030c04${Buffer.from(cn.padEnd(4).slice(0, 4)).toString('hex')}`, 'hex'),
    Name,
  );
const cert = () => AsnParser.parse(der('keys/ca.crt'), Certificate);
const dirName = (cn: string) => new GeneralName({ directoryName: name(cn) });
const alg = (oid: string) => new AlgorithmIdentifier({ algorithm: oid });
const status = (s: cmp.PKIStatus) => new cmp.PKIStatusInfo({ status: s });
const template = () =>
  new cmp.CertTemplate({
    version: 2,
    serialNumber: new Uint8Array([0x00, 0x9f, 0x01, 0x02, 0x03]).buffer,
    subject: name('EE01'),
    issuer: name('CA01'),
    validity: new cmp.OptionalValidity({
      notAfter: new Time({ generalTime: new Date('2031-01-01T00:00:00Z') }),
    }),
    publicKey: AsnParser.parse(
      AsnSerializer.serialize(cert().tbsCertificate.subjectPublicKeyInfo),
      SubjectPublicKeyInfo,
    ),
    extensions: new Extensions([
      new Extension({
        extnID: '2.5.29.15',
        critical: true,
        extnValue: new OctetString(new Uint8Array([3, 2, 7, 0x80])),
      }),
    ]),
  });
const reqMsgs = () =>
  new cmp.CertReqMessages([
    new cmp.CertReqMsg({
      certReq: new cmp.CertRequest({
        certReqId: 0,
        certTemplate: template(),
        controls: new cmp.Controls([
          new cmp.AttributeTypeAndValue({
            type: cmp.oids.regCtrlRegToken,
            value: new Uint8Array([0x0c, 0x01, 0x41]).buffer,
          }),
        ]),
      }),
      popo: new cmp.ProofOfPossession({
        signature: new cmp.POPOSigningKey({
          algorithmIdentifier: alg('1.2.840.10045.4.3.2'),
          signature: new Uint8Array([1, 2, 3]).buffer,
        }),
      }),
    }),
  ]);
const repMsg = () =>
  new cmp.CertRepMessage({
    caPubs: new cmp.CMPCertificates([new cmp.CMPCertificate({ x509v3PKCert: cert() })]),
    response: new cmp.CertResponses([
      new cmp.CertResponse({
        certReqId: 0,
        status: status(cmp.PKIStatus.accepted),
        certifiedKeyPair: new cmp.CertifiedKeyPair({
          certOrEncCert: new cmp.CertOrEncCert({
            certificate: new cmp.CMPCertificate({ x509v3PKCert: cert() }),
          }),
        }),
      }),
    ]),
  });
const certId = () =>
  new cmp.CertId({ issuer: dirName('CA01'), serialNumber: new Uint8Array([0x01, 0x00]).buffer });
const crl = () => {
  const c = new CertificateList();
  c.tbsCertList.signature = alg('1.2.840.10045.4.3.2');
  c.tbsCertList.issuer = name('CA01');
  c.tbsCertList.thisUpdate = new Time({ utcTime: new Date('2026-01-01T00:00:00Z') });
  c.signatureAlgorithm = alg('1.2.840.10045.4.3.2');
  c.signature = new Uint8Array([1]).buffer;
  return c;
};
const envelopedData = () => new EnvelopedData({ version: 2, recipientInfos: new RecipientInfos([]) });

/** One constructed value per PKIBody alternative, including those no corpus file holds. */
const bodies: Record<string, () => Partial<cmp.PKIBody>> = {
  ir: () => ({ ir: reqMsgs() }),
  ip: () => ({ ip: repMsg() }),
  cr: () => ({ cr: reqMsgs() }),
  cp: () => ({ cp: repMsg() }),
  p10cr: () => ({ p10cr: AsnParser.parse(der('keys/ee-ec.csr'), CertificationRequest) }),
  popdecc: () => ({
    popdecc: new cmp.POPODecKeyChallContent([
      new cmp.Challenge({
        owf: alg('2.16.840.1.101.3.4.2.1'),
        witness: new OctetString(new Uint8Array([1])),
        challenge: new OctetString(new Uint8Array([2])),
        encryptedRand: envelopedData(),
      }),
    ]),
  }),
  popdecr: () => ({ popdecr: new cmp.POPODecKeyRespContent([7, 300]) }),
  kur: () => ({ kur: reqMsgs() }),
  kup: () => ({ kup: repMsg() }),
  krr: () => ({ krr: reqMsgs() }),
  krp: () => ({
    krp: new cmp.KeyRecRepContent({
      status: status(cmp.PKIStatus.accepted),
      newSigCert: new cmp.CMPCertificate({ x509v3PKCert: cert() }),
      keyPairHist: new cmp.CertifiedKeyPairs([
        new cmp.CertifiedKeyPair({
          certOrEncCert: new cmp.CertOrEncCert({
            encryptedCert: new cmp.EncryptedKey({ envelopedData: envelopedData() }),
          }),
          privateKey: new cmp.EncryptedKey({
            encryptedValue: new cmp.EncryptedValue({
              symmAlg: alg('2.16.840.1.101.3.4.1.2'),
              encValue: new Uint8Array([9]).buffer,
            }),
          }),
        }),
      ]),
    }),
  }),
  rr: () => ({
    rr: new cmp.RevReqContent([
      new cmp.RevDetails({
        certDetails: new cmp.CertTemplate({
          serialNumber: new Uint8Array([0x05]).buffer,
          issuer: name('CA01'),
        }),
      }),
    ]),
  }),
  rp: () => ({
    rp: new cmp.RevRepContent({
      status: new cmp.PKIStatusInfos([status(cmp.PKIStatus.accepted)]),
      revCerts: new cmp.CertIds([certId()]),
      crls: new cmp.CRLAnnContent([crl()]),
    }),
  }),
  ccr: () => ({ ccr: reqMsgs() }),
  ccp: () => ({ ccp: repMsg() }),
  ckuann: () => ({
    ckuann: new cmp.CAKeyUpdAnnContent({
      oldWithNew: new cmp.CMPCertificate({ x509v3PKCert: cert() }),
      newWithOld: new cmp.CMPCertificate({ x509v3PKCert: cert() }),
      newWithNew: new cmp.CMPCertificate({ x509v3PKCert: cert() }),
    }),
  }),
  cann: () => ({ cann: new cmp.CMPCertificate({ x509v3PKCert: cert() }) }),
  rann: () => ({
    rann: new cmp.RevAnnContent({
      status: cmp.PKIStatus.revocationNotification,
      certId: certId(),
      willBeRevokedAt: new Date('2027-01-01T00:00:00Z'),
      badSinceDate: new Date('2026-01-01T00:00:00Z'),
    }),
  }),
  crlann: () => ({ crlann: new cmp.CRLAnnContent([crl()]) }),
  pkiconf: () => ({ pkiconf: null }),
  nested: () => ({
    nested: new cmp.PKIMessages([AsnParser.parse(fixture('openssl-mock/ir-pbm.der'), cmp.PKIMessage)]),
  }),
  genm: () => ({ genm: new cmp.GenMsgContent([new cmp.InfoTypeAndValue({ infoType: cmp.oids.itCaCerts })]) }),
  genp: () => ({
    genp: new cmp.GenRepContent([
      new cmp.InfoTypeAndValue({
        infoType: cmp.oids.itCaCerts,
        infoValue: AsnSerializer.serialize(
          new cmp.CMPCertificates([new cmp.CMPCertificate({ x509v3PKCert: cert() })]),
        ),
      }),
    ]),
  }),
  error: () => ({
    error: new cmp.ErrorMsgContent({
      pKIStatusInfo: new cmp.PKIStatusInfo({
        status: cmp.PKIStatus.rejection,
        statusString: new cmp.PKIFreeText(['no']),
        failInfo: cmp.PKIFailureInfo.fromNames(['badRequest', 'systemFailure']),
      }),
      errorCode: 42,
      errorDetails: new cmp.PKIFreeText(['detail']),
    }),
  }),
  certConf: () => ({
    certConf: new cmp.CertConfirmContent([
      new cmp.CertStatus({
        certHash: new OctetString(new Uint8Array(32)),
        certReqId: 0,
        statusInfo: status(cmp.PKIStatus.accepted),
        hashAlg: alg('2.16.840.1.101.3.4.2.1'),
      }),
    ]),
  }),
  pollReq: () => ({ pollReq: new cmp.PollReqContent([new cmp.PollReq({ certReqId: 0 })]) }),
  pollRep: () => ({
    pollRep: new cmp.PollRepContent([
      new cmp.PollRep({ certReqId: 0, checkAfter: 5, reason: new cmp.PKIFreeText(['busy']) }),
    ]),
  }),
};

function roundTrip<T extends object>(value: T, type: new () => T): T {
  const der = AsnSerializer.serialize(value);
  const back = AsnParser.parse(der, type);
  assert.equal(toHex(AsnSerializer.serialize(back)), toHex(der), `${type.name} re-encodes to the same bytes`);
  return back;
}

describe('schemas: every body type round-trips a constructed value', () => {
  it('covers all 27 PKIBody alternatives', () => assert.equal(Object.keys(bodies).length, 27));
  for (const [type, make] of Object.entries(bodies)) {
    it(type, () => {
      const msg = new cmp.PKIMessage({
        header: new cmp.PKIHeader({
          pvno: cmp.PVNO.cmp2021,
          sender: dirName('EE01'),
          recipient: dirName('CA01'),
          messageTime: new Date('2026-11-22T10:00:00Z'),
          protectionAlg: alg(cmp.oids.passwordBasedMac),
          senderKID: new OctetString(new Uint8Array([1])),
          recipKID: new OctetString(new Uint8Array([2])),
          transactionID: new OctetString(new Uint8Array(16).fill(3)),
          senderNonce: new OctetString(new Uint8Array(16).fill(4)),
          recipNonce: new OctetString(new Uint8Array(16).fill(5)),
          freeText: new cmp.PKIFreeText(['hello']),
          generalInfo: new cmp.InfoTypeAndValues([
            new cmp.InfoTypeAndValue({
              infoType: cmp.oids.itImplicitConfirm,
              infoValue: new Uint8Array([5, 0]).buffer,
            }),
          ]),
        }),
        body: new cmp.PKIBody(make()),
        protection: new cmp.PKIProtection(new Uint8Array([0xaa, 0xbb])),
        extraCerts: new cmp.CMPCertificates([new cmp.CMPCertificate({ x509v3PKCert: cert() })]),
      });
      const back = roundTrip(msg, cmp.PKIMessage);
      assert.equal(bodyType(back), type);
      assert.equal(back.header.pvno, 3);
      assert.equal(back.header.freeText?.[0], 'hello');
    });
  }
});

describe('schemas: classes no body holds', () => {
  it('CertTemplate keeps a serial number with a leading zero through re-encoding', () => {
    const back = roundTrip(template(), cmp.CertTemplate);
    assert.equal(toHex(back.serialNumber!), '009f010203');
    assert.equal(back.version, 2);
  });
  it('PBMParameter, DHBMParameter, KemBMParameter, KemCiphertextInfo, KemOtherInfo', () => {
    roundTrip(
      new cmp.PBMParameter({
        salt: new OctetString(new Uint8Array(16)),
        owf: alg('2.16.840.1.101.3.4.2.1'),
        iterationCount: 10000,
        mac: alg('1.2.840.113549.2.9'),
      }),
      cmp.PBMParameter,
    );
    roundTrip(
      new cmp.DHBMParameter({ owf: alg('2.16.840.1.101.3.4.2.1'), mac: alg('1.2.840.113549.2.9') }),
      cmp.DHBMParameter,
    );
    const kem = roundTrip(
      new cmp.KemBMParameter({
        kdf: alg('1.2.840.113549.1.9.16.3.28'),
        kemContext: new OctetString(new Uint8Array([1])),
        len: 32,
        mac: alg('1.2.840.113549.2.9'),
      }),
      cmp.KemBMParameter,
    );
    assert.equal(kem.len, 32);
    roundTrip(
      new cmp.KemCiphertextInfo({
        kem: alg('2.16.840.1.101.3.4.4.2'),
        ct: new OctetString(new Uint8Array([7])),
      }),
      cmp.KemCiphertextInfo,
    );
    roundTrip(
      new cmp.KemOtherInfo({
        staticString: new cmp.PKIFreeText(['CMP-KEM']),
        transactionID: new OctetString(new Uint8Array([1])),
      }),
      cmp.KemOtherInfo,
    );
  });
  it('PBMAC1 with PBKDF2 (keyLength and prf)', () => {
    const kdf = roundTrip(
      new cmp.PBKDF2Params({
        salt: new cmp.PBKDF2Salt({ specified: new OctetString(new Uint8Array(16)) }),
        iterationCount: 10000,
        keyLength: 32,
        prf: alg('1.2.840.113549.2.9'),
      }),
      cmp.PBKDF2Params,
    );
    assert.equal(kdf.keyLength, 32);
    roundTrip(
      new cmp.PBMAC1Params({
        keyDerivationFunc: new AlgorithmIdentifier({
          algorithm: cmp.oids.pbkdf2,
          parameters: AsnSerializer.serialize(kdf),
        }),
        messageAuthScheme: alg('1.2.840.113549.2.9'),
      }),
      cmp.PBMAC1Params,
    );
  });
  it('genm values: CertReqTemplateContent, RootCaKeyUpdateContent, CAKeyUpdContent, CRLStatusListValue', () => {
    roundTrip(
      new cmp.CertReqTemplateContent({
        certTemplate: template(),
        keySpec: new cmp.Controls([
          new cmp.AttributeTypeAndValue({
            type: cmp.oids.regCtrlRsaKeyLen,
            value: new Uint8Array([2, 2, 8, 0]).buffer,
          }),
        ]),
      }),
      cmp.CertReqTemplateContent,
    );
    roundTrip(
      new cmp.RootCaKeyUpdateContent({
        newWithNew: new cmp.CMPCertificate({ x509v3PKCert: cert() }),
        oldWithNew: new cmp.CMPCertificate({ x509v3PKCert: cert() }),
      }),
      cmp.RootCaKeyUpdateContent,
    );
    roundTrip(
      new cmp.CAKeyUpdContent({ newWithNew: new cmp.CMPCertificate({ x509v3PKCert: cert() }) }),
      cmp.CAKeyUpdContent,
    );
    const list = roundTrip(
      new cmp.CRLStatusListValue([
        new cmp.CRLStatus({
          source: new cmp.CRLSource({ issuer: new GeneralNames([dirName('CA01')]) }),
          thisUpdate: new Time({ utcTime: new Date('2026-01-01T00:00:00Z') }),
        }),
      ]),
      cmp.CRLStatusListValue,
    );
    assert.equal(list.length, 1);
  });
  it('controls: PKIPublicationInfo, PKIArchiveOptions, EncKeyWithID, OOBCertHash, Rand', () => {
    const pub = roundTrip(
      new cmp.PKIPublicationInfo({
        action: cmp.PublicationAction.pleasePublish,
        pubInfos: new cmp.SinglePubInfos([
          new cmp.SinglePubInfo({
            pubMethod: cmp.PubMethod.ldap,
            pubLocation: new GeneralName({ uniformResourceIdentifier: 'ldap://x' }),
          }),
        ]),
      }),
      cmp.PKIPublicationInfo,
    );
    assert.equal(pub.pubInfos![0].pubMethod, cmp.PubMethod.ldap);
    assert.equal(
      roundTrip(new cmp.PKIArchiveOptions({ archiveRemGenPrivKey: true }), cmp.PKIArchiveOptions)
        .archiveRemGenPrivKey,
      true,
    );
    roundTrip(
      new cmp.PKIArchiveOptions({
        encryptedPrivKey: new cmp.EncryptedKey({ envelopedData: envelopedData() }),
      }),
      cmp.PKIArchiveOptions,
    );
    roundTrip(
      new cmp.OOBCertHash({
        hashAlg: alg('2.16.840.1.101.3.4.2.1'),
        certId: certId(),
        hashVal: new Uint8Array([1, 2]).buffer,
      }),
      cmp.OOBCertHash,
    );
    roundTrip(new cmp.Rand({ int: 5, sender: dirName('EE01') }), cmp.Rand);
    const pop = roundTrip(
      new cmp.ProofOfPossession({
        keyEncipherment: new cmp.POPOPrivKey({ subsequentMessage: cmp.SubsequentMessage.encrCert }),
      }),
      cmp.ProofOfPossession,
    );
    assert.equal(pop.keyEncipherment?.subsequentMessage, 0);
    const ra = roundTrip(new cmp.ProofOfPossession({ raVerified: null }), cmp.ProofOfPossession);
    assert.equal(toHex(AsnSerializer.serialize(ra)), '8000');
    roundTrip(
      new cmp.POPOSigningKeyInput({
        authInfo: new cmp.POPOSigningKeyInputAuthInfo({
          publicKeyMAC: new cmp.PKMACValue({
            algId: alg(cmp.oids.passwordBasedMac),
            value: new Uint8Array([1]).buffer,
          }),
        }),
        publicKey: template().publicKey!,
      }),
      cmp.POPOSigningKeyInput,
    );
  });
  it('ProtectedPart is header and body', () => {
    const msg = AsnParser.parse(fixture('openssl-mock/ir-pbm.der'), cmp.PKIMessage);
    const part = roundTrip(new cmp.ProtectedPart({ header: msg.header, body: msg.body }), cmp.ProtectedPart);
    assert.equal(bodyType(part as unknown as cmp.PKIMessage), 'ir');
  });
});

describe('OID registry', () => {
  it('names what CMP carries, with RFC 9810 App. F control OIDs', () => {
    assert.equal(cmp.oidName('1.2.840.113533.7.66.13'), 'passwordBasedMac');
    assert.equal(cmp.oidName('1.2.840.113549.1.5.14'), 'PBMAC1');
    assert.equal(cmp.oidName('1.3.6.1.5.5.7.5.1.11'), 'id-regCtrl-algId');
    assert.equal(cmp.oidName('1.3.6.1.5.5.7.5.1.12'), 'id-regCtrl-rsaKeyLen');
    assert.equal(cmp.oidName('1.3.6.1.5.5.7.4.17'), 'id-it-caCerts');
    assert.equal(cmp.oidName('2.16.840.1.101.3.4.3.18'), 'ML-DSA-65 (id-ml-dsa-65)');
    assert.equal(cmp.oidName('2.16.840.1.101.3.4.3.20'), 'SLH-DSA-SHA2-128s (id-slh-dsa-sha2-128s)');
    assert.equal(
      cmp.oidName('1.3.6.1.5.5.7.6.45'),
      'composite id-MLDSA65-ECDSA-P256-SHA512 (draft-ietf-lamps-pq-composite-sigs)',
    );
    assert.equal(cmp.oidName('1.3.101.112'), 'id-Ed25519');
  });
  it('gives every id-it infoType a value type', () => {
    for (const [key, oid] of Object.entries(cmp.oids)) {
      if (key.startsWith('it')) assert.ok(cmp.infoValueTypes.has(oid), key);
    }
  });
});

describe('schemas: INTEGER fields held as numbers are exact', () => {
  it('a 39-octet certTemplate.version is refused with a RangeError, not read as a different number (sweep regression)', () => {
    assert.throws(
      () => AsnParser.parse(fixture('bad/fuzz-template-version-huge.der'), cmp.PKIMessage),
      (e: Error) => e instanceof RangeError && /39 octets is too large/.test(e.message),
    );
  });
  it('certReqId 2^40 + 1 and -2^40 round-trip as numbers (asn1-schema alone gives a string for 4+ octets)', () => {
    for (const id of [2 ** 40 + 1, -(2 ** 40), 2 ** 31, -1, 0, Number.MAX_SAFE_INTEGER]) {
      const der = AsnSerializer.serialize(
        new cmp.CertResponse({
          certReqId: id,
          status: new cmp.PKIStatusInfo({ status: cmp.PKIStatus.accepted }),
        }),
      );
      assert.equal(AsnParser.parse(der, cmp.CertResponse).certReqId, id);
    }
  });
  it('2^53 is refused on encoding, not rounded', () => {
    assert.throws(
      () =>
        AsnSerializer.serialize(
          new cmp.CertResponse({ certReqId: 2 ** 53, status: new cmp.PKIStatusInfo() }),
        ),
      RangeError,
    );
  });
});
