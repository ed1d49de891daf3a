import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { run, type Io } from '../../src/cli/main';
import { fixture } from './helpers';

function cli(args: string[], stdin: Uint8Array = new Uint8Array()): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const io: Io = {
    out: (t) => { out += `${t}\n`; },
    err: (t) => { err += `${t}\n`; },
    readFile: (p) => {
      if (p.startsWith('missing')) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
      return fixture(p);
    },
    readStdin: () => stdin,
  };
  return { code: run(args, io), out, err };
}

describe('cmp-lens inspect', () => {
  it('prints the annotated tree of a message, exit 0', () => {
    const r = cli(['inspect', 'openssl-mock/ir-pbm.der']);
    assert.equal(r.code, 0);
    assert.match(r.out, /^PKIMessage \(DER, 899 bytes\)$/m);
    assert.match(r.out, /^body: ir — initialization request$/m);
    assert.match(r.out, /^ {6}senderNonce OCTET STRING = f5cc79dd2f512db9a937bba1e4e53c00$/m);
    assert.match(r.out, /75 nodes, 75 named by the schema \(100\.0%\)/);
  });
  it('shows offsets with --offsets and limits depth with --depth', () => {
    const r = cli(['inspect', '--offsets', '--depth', '2', 'openssl-mock/ir-pbm.der']);
    assert.match(r.out, /^ {5}4\+3\+196 {3}header PKIHeader$/m);
    assert.doesNotMatch(r.out, /pvno/);
  });
  it('--json gives the whole view model', () => {
    const doc = JSON.parse(cli(['inspect', '--json', 'openssl-mock/ir-pbm.der']).out);
    assert.equal(doc.kind, 'PKIMessage');
    assert.equal(doc.summary.bodyType, 'ir');
    assert.equal(doc.roots[0].children[0].name, 'header');
  });
  it('reads PEM and base64, and standard input with -', () => {
    assert.match(cli(['inspect', 'bad/pem-wrapped-ip.pem']).out, /^PKIMessage \(PEM "PKIMESSAGE", 1751 bytes\)/m);
    const r = cli(['inspect', '-'], fixture('bad/base64-ir.b64'));
    assert.equal(r.code, 0);
    assert.match(r.out, /^PKIMessage \(base64, 899 bytes\)/m);
  });
  for (const bad of ['bad/truncated-ip.der', 'bad/wrong-length-ip.der', 'bad/trailing-bytes-ip.der', 'bad/random-2k.bin', 'bad/empty.der']) {
    it(`${bad}: a clear problem with its offset, exit 1, no stack trace`, () => {
      const r = cli(['inspect', bad]);
      assert.equal(r.code, 1);
      assert.match(r.out, /^error: .*offset 0x[0-9a-f]+/m);
      assert.doesNotMatch(r.out + r.err, /\n\s+at /);
    });
  }
  it('warnings exit 0, or 1 with --strict', () => {
    assert.equal(cli(['inspect', 'siemens-interop/Rr/upstream_REVOCATION_REQ.PKI']).code, 0);
    assert.equal(cli(['inspect', '--strict', 'siemens-interop/Rr/upstream_REVOCATION_REQ.PKI']).code, 1);
  });
  it('usage errors exit 2', () => {
    assert.equal(cli(['inspect']).code, 2);
    assert.equal(cli(['inspect', '--bogus', 'x']).code, 2);
    assert.equal(cli(['frobnicate']).code, 2);
    const missing = cli(['inspect', 'missing.der']);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /cannot read missing\.der: ENOENT/);
  });
});
