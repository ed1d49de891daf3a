import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { AnnotatedDocument, AnnotatedNode } from '../../src/shared/annotated';
import { inspectBytes, inspectInput } from '../../src/core/inspect';
import { unwrapInput } from '../../src/core/base/pem';
import { allNodes, fixture, fixtureFiles, fixtures, isMessageFixture } from './helpers';
import { denseCrlann } from '../gen/inputs';

const all = allNodes;

/** The innermost node at a path (an explicit tag and its content share a path). */
function at(doc: AnnotatedDocument, path: string): AnnotatedNode {
  const hits = all(doc).filter((n) => n.path === path);
  assert.ok(hits.length > 0, `no node at ${path}`);
  return hits.sort((a, b) => a.headerLength + a.length - (b.headerLength + b.length))[0];
}

const score = (doc: AnnotatedDocument) => doc.stats.explained / Math.max(1, doc.stats.nodes);

describe('annotator: openssl-mock corpus', () => {
  for (const file of fixtureFiles('openssl-mock')) {
    it(`${file}: a PKIMessage, every node named, no problems`, () => {
      const doc = inspectBytes(fixture(file));
      assert.equal(doc.kind, 'PKIMessage');
      assert.deepEqual(doc.problems, []);
      assert.equal(score(doc), 1, `${doc.stats.explained}/${doc.stats.nodes}`);
      assert.ok(doc.stats.nodes > 20);
    });
  }
});

describe('annotator: corpus score does not drop', () => {
  const baseline = JSON.parse(readFileSync(join(fixtures, 'scores.json'), 'utf8')) as Record<string, number>;
  const files = fixtureFiles('.', isMessageFixture);
  it('has a baseline for every fixture (npm run scores writes it)', () => {
    assert.deepEqual(
      files.filter((f) => !(f in baseline)),
      [],
    );
  });
  for (const file of files) {
    it(file, () => {
      const pct = Math.round(score(inspectBytes(fixture(file))) * 1000) / 10;
      assert.ok(pct >= (baseline[file] ?? 100), `${file}: ${pct}% named, baseline ${baseline[file]}%`);
    });
  }
});

describe('annotator: stats', () => {
  it('count exactly the nodes in the tree, for every fixture', () => {
    for (const file of fixtureFiles('.', isMessageFixture)) {
      const doc = inspectBytes(fixture(file));
      const nodes = all(doc);
      assert.equal(doc.stats.nodes, nodes.length, file);
      assert.equal(doc.stats.explained, nodes.filter((n) => n.explained).length, file);
    }
  });
});

describe('annotator: names and values', () => {
  const doc = inspectBytes(fixture('openssl-mock/ir-pbm.der'));
  it('uses the RFC field names as paths', () => {
    assert.equal(at(doc, 'body.ir[0].certReq.certTemplate.subject').value, 'O=Example,CN=New EE');
    assert.equal(at(doc, 'body.ir[0].certReq.certTemplate.subject').type, 'Name');
    assert.equal(at(doc, 'header.senderNonce').value, 'f5cc79dd2f512db9a937bba1e4e53c00');
    assert.equal(at(doc, 'header.pvno').value, 'cmp2000 (2)');
    assert.equal(at(doc, 'header.sender').value, 'O=Example,CN=New EE');
    assert.equal(at(doc, 'header.messageTime').value, '2026-11-22T16:22:49Z');
  });
  it('resolves open types: PBM parameters, extensions, public keys', () => {
    assert.equal(at(doc, 'header.protectionAlg.parameters').type, 'PBMParameter');
    assert.equal(at(doc, 'header.protectionAlg.parameters.iterationCount').value, '500');
    assert.equal(
      at(doc, 'header.protectionAlg.parameters.mac.algorithm').value,
      'hmac-sha1 (1.3.6.1.5.5.8.1.2)',
    );
    const ext = at(doc, 'body.ir[0].certReq.certTemplate.extensions[0].extnValue');
    assert.equal(ext.type, 'SubjectAlternativeName');
    assert.equal(at(doc, 'body.ir[0].certReq.certTemplate.publicKey.subjectPublicKey').type, 'RSAPublicKey');
  });
  it('keeps byte ranges for the hex view', () => {
    const n = at(doc, 'header.senderNonce');
    assert.equal(n.headerLength, 2);
    assert.equal(n.length, 16);
    assert.equal(fixture('openssl-mock/ir-pbm.der')[n.offset], 0x04);
  });
  it('summarises the message', () => {
    assert.deepEqual(doc.summary, {
      bodyType: 'ir',
      bodyDescription: 'initialization request',
      pvno: 2,
      sender: 'O=Example,CN=New EE',
      recipient: 'CN=Test CA',
      transactionID: '1e67b033c468bad383c4c507844ac0cf',
      senderNonce: 'f5cc79dd2f512db9a937bba1e4e53c00',
      messageTime: '2026-11-22T16:22:49Z',
      senderKID: '7573657231',
      senderKIDText: 'user1',
      protectionAlg: 'passwordBasedMac (1.2.840.113533.7.66.13)',
      extraCerts: 0,
      protected: true,
    });
  });
  it('names PKIStatus and PKIFailureInfo bits', () => {
    const err = inspectBytes(fixture('openssl-mock/ir-wrongsecret-error.der'));
    assert.equal(at(err, 'body.error.pKIStatusInfo.status').value, 'rejection (2)');
    assert.equal(at(err, 'body.error.pKIStatusInfo.failInfo').value, 'badRequest');
    assert.equal(err.summary?.status, 'rejection (2)');
    assert.deepEqual(err.summary?.failInfo, ['badRequest']);
    // What they mean, for the header (RFC 9810 §5.2.3 in our words), and the statusString's text.
    assert.equal(err.summary?.statusMeaning, 'refused: failInfo and statusString say why');
    assert.deepEqual(err.summary?.failInfoMeanings, ['this transaction is not permitted or not supported']);
    assert.equal(err.summary?.statusString, 'wrong pbm value');
    assert.equal(err.summary?.senderKIDText, 'mock');
  });
  it('annotates nested certificates and CSRs with their own schemas', () => {
    const ip = inspectBytes(fixture('openssl-mock/ir-pbm-ip.der'));
    const cert = at(ip, 'body.ip.response[0].certifiedKeyPair.certOrEncCert.certificate');
    assert.equal(
      all({ ...ip, roots: [cert] }).some((n) => n.path.endsWith('tbsCertificate.validity.notAfter')),
      true,
    );
    const p10 = inspectBytes(fixture('openssl-mock/p10cr-pbm.der'));
    assert.equal(at(p10, 'body.p10cr').type, 'CertificationRequest');
    assert.ok(at(p10, 'body.p10cr.certificationRequestInfo.subject').value);
  });
  it('flags a value whose type does not match its OID (Siemens certProfile as a bare UTF8String)', () => {
    const d = inspectBytes(fixture('siemens-interop/Rr/upstream_REVOCATION_REQ.PKI'));
    assert.equal(d.kind, 'PKIMessage');
    const p = d.problems.find((x) => x.path === 'header.generalInfo[0].infoValue');
    assert.equal(p?.severity, 'warning');
    assert.match(p!.message, /should be UTF8Strings, but it is UTF8String/);
  });
});

describe('annotator: other DER files get their own tree', () => {
  const cases: [string, string][] = [
    ['keys/ca.crt', 'Certificate'],
    ['keys/ee-ec.csr', 'CertificationRequest'],
    ['bad/not-cmp-certificate.der', 'Certificate'],
    ['bad/pem-wrapped-ip.pem', 'PKIMessage'],
    ['bad/base64-ir.b64', 'PKIMessage'],
    ['wireshark-sample/cmpv2-from-wireshark-sample.der', 'PKIMessage'],
  ];
  for (const [file, kind] of cases) {
    it(`${file} → ${kind}`, () => {
      const doc = inspectBytes(fixture(file));
      assert.equal(doc.kind, kind);
      assert.deepEqual(
        doc.problems.filter((p) => p.severity === 'error'),
        [],
      );
    });
  }
  it('an unknown structure is a generic tree, not an error', () => {
    const doc = inspectBytes(new Uint8Array([0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, 0x07]));
    assert.equal(doc.kind, 'ASN.1');
    assert.deepEqual(doc.problems, []);
    assert.equal(doc.roots[0].children[1].value, '7');
  });
});

describe('annotator: bad input gives a partial tree and problems with offsets', () => {
  const cases: [string, RegExp, boolean][] = [
    ['bad/truncated-ip.der', /runs past the end of the input/, true],
    ['bad/wrong-length-ip.der', /length 1791 at offset 0x0/, true],
    ['bad/trailing-bytes-ip.der', /trailing bytes/, true],
    ['bad/random-2k.bin', /./, false],
    ['bad/empty.der', /input is empty/, false],
  ];
  for (const [file, message, partial] of cases) {
    it(file, () => {
      const doc = inspectBytes(fixture(file));
      assert.ok(
        doc.problems.some((p) => message.test(p.message)),
        JSON.stringify(doc.problems.slice(0, 3)),
      );
      if (partial) {
        assert.equal(doc.kind, 'PKIMessage');
        assert.ok(at(doc, 'header.transactionID'));
      }
    });
  }
  it('regression (fuzzer): base64 text with misplaced padding is not an exception', () => {
    assert.doesNotThrow(() => inspectBytes(new TextEncoder().encode('abcde=')));
    const doc = inspectBytes(
      new TextEncoder().encode('-----BEGIN PKIXCMP-----\nMIIB=x\n-----END PKIXCMP-----\n'),
    );
    assert.match(doc.problems[0].message, /not valid base64/);
  });
  it('a PEM block with broken base64 says so', () => {
    const doc = inspectBytes(
      new TextEncoder().encode('-----BEGIN PKIXCMP-----\n%%%%\n-----END PKIXCMP-----\n'),
    );
    assert.match(doc.problems[0].message, /not valid base64/);
  });
});

describe('annotator: beyond asn1js limits', () => {
  it('annotates a message with 3,000 extraCerts (far more than 10,000 nodes)', () => {
    const msg = fixture('openssl-mock/cr-sig-rsa.der');
    const cert = unwrapInput(fixture('keys/ee-rsa.crt')).der;
    const len = (n: number) =>
      n < 0x80 ? [n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
    const certs = new Uint8Array(cert.length * 3000);
    for (let i = 0; i < 3000; i++) certs.set(cert, i * cert.length);
    const seq = [0x30, ...len(certs.length)];
    const tagged = [0xa1, ...len(seq.length + certs.length)];
    // header and body of a real message (after its 30 82 xx xx), protection dropped, our extraCerts added
    assert.equal(msg[1], 0x82);
    const headerBody = msg.subarray(4, findProtection(msg));
    const content = new Uint8Array([...headerBody, ...tagged, ...seq, ...certs]);
    const whole = new Uint8Array([0x30, ...len(content.length), ...content]);
    const started = performance.now();
    const doc = inspectBytes(whole);
    const ms = performance.now() - started;
    assert.deepEqual(doc.problems, []);
    assert.equal(doc.summary?.extraCerts, 3000);
    assert.ok(doc.stats.nodes > 90_000, `${doc.stats.nodes} nodes`);
    assert.equal(doc.stats.explained, doc.stats.nodes);
    assert.ok(ms < 20_000, `took ${ms} ms`);
  });
});

/** Offset of the protection [0] of a top-level PKIMessage, from our own reader. */
function findProtection(msg: Uint8Array): number {
  const doc = inspectBytes(msg);
  return doc.roots[0].children.find((c) => c.name === 'protection')!.offset;
}

describe('annotator: a PKIBody alternative RFC 9810 does not define', () => {
  it('names the header and the fields after the body, and reports [27] at its offset in our words', () => {
    const { doc } = inspectInput(fixture('bad/unknown-body-27.der'));
    assert.equal(doc.kind, 'PKIMessage');
    const [root] = doc.roots;
    assert.deepEqual(
      root.children.map((c) => c.name),
      ['header', 'body', 'protection', 'extraCerts'].slice(0, root.children.length),
    );
    assert.equal(doc.summary?.bodyType, '[27]');
    assert.equal(doc.summary?.bodyDescription, 'unknown PKIBody alternative');
    assert.deepEqual(
      doc.problems.map((p) => [p.severity, p.offset, p.message]),
      [['error', 0xcb, 'body at offset 0xcb: unknown PKIBody alternative [27] (RFC 9810 defines 0–26)']],
    );
  });
});

describe('values people read (issue 22)', () => {
  const crl = inspectBytes(denseCrlann(3));
  it('a CRL entry leads with its serial, date and reason; the reason is named; serials are hex', () => {
    const entries = crl.roots[0].children[1].children[0].children[0].children[0].children.find(
      (c) => c.name === 'revokedCertificates',
    )!;
    assert.equal(
      entries.children[1].value,
      '0x01000000000000000000000000000001 · 2026-11-22T12:00:00Z · superseded',
    );
    assert.equal(
      entries.children[2].value,
      '0x01000000000000000000000000000002 · 2026-11-22T12:00:00Z · cessationOfOperation',
    );
  });
  it('a small certificate serial is hex too, as OpenSSL prints serials', () => {
    const doc = inspectBytes(fixture('openssl-mock/ir-pbm-ip.der'));
    const serials: string[] = [];
    const walk = (n: (typeof doc.roots)[number]) => {
      if (n.name === 'serialNumber' && n.type === 'INTEGER') serials.push(n.value ?? '');
      n.children.forEach(walk);
    };
    doc.roots.forEach(walk);
    assert.ok(serials.length >= 2);
    for (const s of serials) assert.match(s, /^0x[0-9a-f]+$/);
  });
});

describe('EnvelopedData as OpenSSL 3.5 makes it (issue 18, its names)', () => {
  it('a central key generation ip (kari: ECDH, aes256-wrap, aes256-CBC): every node explained, the key wrap named', () => {
    const doc = inspectBytes(fixture('centralkeygen/ip-kari-ec.der'));
    const nodes = allNodes(doc);
    assert.deepEqual(
      nodes.filter((n) => !n.explained).map((n) => `${n.name} ${n.type}`),
      [],
    );
    const wrap = nodes.find((n) => n.type === 'AlgorithmIdentifier' && /aes256-wrap/.test(n.value ?? ''));
    assert.ok(wrap, 'the KeyWrapAlgorithm of the kari is an AlgorithmIdentifier naming aes256-wrap');
    assert.ok(
      nodes.some((n) => n.name === 'parameters' && n.type === 'OCTET STRING'),
      'the CBC IV',
    );
  });
});
