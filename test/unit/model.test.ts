import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspectInput } from '../../src/core/inspect';
import { InspectorModel } from '../../src/core/inspect/model';
import { pathOf } from '../../src/core/inspect/paths';
import { treeHexBytes } from '../../src/core/inspect/render';
import { formatDocument } from '../../src/core/inspect';
import { toHex } from '../../src/core/der/values';
import { allNodes, fixture } from './helpers';

function model(file: string): InspectorModel {
  const { doc, der } = inspectInput(fixture(file));
  return new InspectorModel(doc, der);
}

/** The id ("0.1.2") of the innermost node at `path` (an explicit tag and its element share one). */
function idAt(m: InspectorModel, path: string): string {
  const hit = m
    .filter(path)
    .matches.filter((x) => x.path === path)
    .pop();
  assert.ok(hit, `no node at ${path}`);
  return hit.id;
}

describe('inspector model: values cut in the tree, whole in the details', () => {
  it('a 256-byte signature shows 32 bytes in the row and all of them in the details and in "copy value"', () => {
    const m = model('openssl-mock/cr-sig-rsa.der');
    const id = idAt(m, 'protection');
    const node = m.node(id)!;
    const content = m.elementBytes(id)!.subarray(node.headerLength);
    assert.equal(content.length, 257, 'an RSA-2048 signature: unused-bits octet + 256');
    assert.equal(m.row(node, id).value, `${toHex(content.subarray(1, 1 + treeHexBytes))}…`);
    assert.equal(m.details(id)!.value, toHex(content.subarray(1)));
    assert.equal(m.copyText(id, 'value'), toHex(content.subarray(1)));
  });
  it('the explicit tag around it shows the same whole value in the details, and the text form 256 bytes of it', () => {
    const { doc, der } = inspectInput(fixture('openssl-mock/cr-sig-rsa.der'));
    const m = new InspectorModel(doc, der);
    const [wrapper, inner] = m
      .filter('protection')
      .matches.filter((x) => x.path === 'protection')
      .map((x) => x.id);
    assert.equal(m.node(wrapper)!.type, '[0] EXPLICIT');
    assert.equal(m.details(wrapper)!.value, m.details(inner)!.value);
    assert.equal(m.details(wrapper)!.value!.length, 512);
    const text = formatDocument(doc, { offsets: false, depth: 0, der });
    assert.match(text, new RegExp(`^  protection \\[0\\] EXPLICIT = ${m.details(inner)!.value}$`, 'm'));
    assert.match(
      formatDocument(doc, { offsets: false, depth: 0 }),
      /^ {2}protection \[0\] EXPLICIT = [0-9a-f]{64}…$/m,
      "without the DER, the tree's cut value",
    );
  });
  it('short values are the same everywhere', () => {
    const m = model('openssl-mock/ir-pbm.der');
    const id = idAt(m, 'header.senderNonce');
    assert.equal(m.details(id)!.value, m.node(id)!.value);
    assert.equal(m.node(id)!.hexFrom, undefined);
  });
});

describe('inspector model: field paths come from the names, not from the tree', () => {
  it('details, copy path and filter agree with the path of every node', () => {
    const { doc, der } = inspectInput(fixture('openssl-mock/ir-pbm-ip.der'));
    const m = new InspectorModel(doc, der);
    const paths = allNodes(doc).map((n) => n.path);
    for (const p of [
      'header.sender.directoryName',
      'body.ip.response[0].status.status',
      'body.ip.response[0].certifiedKeyPair.certOrEncCert.certificate.tbsCertificate.validity.notAfter',
      'header.recipient.directoryName[1][0].value',
      'header.protectionAlg.parameters.owf.algorithm',
    ]) {
      assert.ok(paths.includes(p), `${p} in ${paths.length} paths`);
      const id = idAt(m, p);
      assert.equal(m.details(id)!.path, p);
      assert.equal(m.copyText(id, 'path'), p);
      assert.equal(pathOf(doc.roots, id), p);
    }
  });
  it('an explicit tag and the element in it share a path; an unknown id has none', () => {
    const { doc } = inspectInput(fixture('openssl-mock/ir-pbm.der'));
    const m = new InspectorModel(doc, inspectInput(fixture('openssl-mock/ir-pbm.der')).der);
    const hits = m.filter('header.messageTime').matches.filter((x) => x.path === 'header.messageTime');
    assert.deepEqual(
      hits.map((h) => h.type),
      ['[0] EXPLICIT', 'GeneralizedTime'],
    );
    assert.equal(pathOf(doc.roots, '0.99'), undefined);
  });
});

describe('inspector model: help where the eye is (issue 22)', () => {
  const m = (() => {
    const { doc, der } = inspectInput(fixture('openssl-mock/ir-senderror-error.der'));
    return new InspectorModel(doc, der);
  })();
  const idOf = (path: string) => {
    let found: string | undefined;
    const walk = (id: string) => {
      if (pathOf(m.doc.roots, id) === path && !found) found = id;
      m.node(id)?.children.forEach((_, i) => walk(`${id}.${i}`));
    };
    walk('0');
    return found!;
  };
  it('each field row says what the field is for and where the RFC defines it', () => {
    const header = m.children('0').nodes.find((r) => r.name === 'header')!;
    assert.match(header.help ?? '', /^Who sends to whom, .* \(RFC 9810 §5\.1\)$/);
    const fields = m.children(header.id).nodes;
    const kid = fields.find((r) => r.name === 'senderKID')!;
    assert.match(kid.help ?? '', /Which key protected the message: .* \(RFC 9810 §5\.1\.1\)$/);
    assert.equal(m.roots()[0].help, 'A CMP message: header, body, protection, extraCerts. (RFC 9810 §5.1)');
  });
  it('the details pane has the paragraph and the section as a link', () => {
    const d = m.details(idOf('header.transactionID'))!;
    assert.equal(d.help?.ref, 'RFC 9810 §5.1.1');
    assert.equal(d.help?.link, 'https://www.rfc-editor.org/rfc/rfc9810.html#section-5.1.1');
    assert.match(d.help?.text ?? '', /^Ties the messages of one transaction together/);
  });
  it('a status and each failInfo bit say what they mean', () => {
    const status = m.details(idOf('body.error.pKIStatusInfo.status'))!;
    assert.ok(
      status.notes.includes('rejection: refused: failInfo and statusString say why'),
      status.notes.join(' | '),
    );
    const fail = m.details(idOf('body.error.pKIStatusInfo.failInfo'))!;
    assert.ok(
      fail.notes.includes('badRequest: this transaction is not permitted or not supported'),
      fail.notes.join(' | '),
    );
  });
});
