// A request read back (issue 22: Edit as New Request, Resend, Copy as openssl cmp command): the form
// read from OpenSSL's requests builds the same request again (fields and what the form has no field
// for), Resend renews the header or keeps it and protects again, and the copied openssl cmp command,
// run with OpenSSL 3.5 against our test CA on loopback, gets a certificate for the same subject.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Certificate } from '@peculiar/asn1-x509';
import { AsnParser } from '@peculiar/asn1-schema';
import { opensslCommand } from '../../src/app';
import { readMessage, toPem, transactionIdHex, unwrapInput } from '../../src/core/base';
import { buildRequest, renewRequest, specOfMessage } from '../../src/core/compose';
import { verifyMessage } from '../../src/core/protection';
import { TestCa } from '../../src/core/testca';
import { serveTestCa, type RunningServer } from '../../src/node/testcaServer';
import { runPeer } from '../gen/loopback';
import { haveOpenssl35, openssl35 } from '../gen/pq';
import { fixture } from './helpers';

const secret = new TextEncoder().encode('s3cret');
const pbm = { kind: 'pbm', secret, iterations: 500 } as const;

describe('Edit as New Request: a request read back into the form', () => {
  for (const f of ['ir-pbm', 'cr-pbm', 'ir-implicit', 'rr-sig-ec', 'kur-sig-ec', 'ir-poll-pollReq1']) {
    it(`${f}: the form builds the same request again (and reads back the same)`, async () => {
      const original = fixture(`openssl-mock/${f}.der`);
      const { spec, notes } = specOfMessage(original);
      const built = await buildRequest(spec, { protection: pbm });
      assert.ok(built.ok, JSON.stringify(!built.ok && built.errors));
      // Read back again: the same form, so nothing the form holds was lost on the way; plain JSON data
      // (the form crosses to the webview), no schema class in it.
      assert.deepEqual(specOfMessage(built.der).spec, spec);
      assert.deepEqual(JSON.parse(JSON.stringify(spec)), spec);
      const a = readMessage(original);
      const b = readMessage(built.der);
      assert.equal(b.bodyName, a.bodyName);
      if (spec.template) {
        const t = (m: typeof a) => (m.body.ir ?? m.body.cr ?? m.body.kur)![0].certReq;
        assert.deepEqual(t(b).certTemplate.subject, t(a).certTemplate.subject);
        assert.deepEqual(t(b).certTemplate.extensions, t(a).certTemplate.extensions);
        // Controls kept as DER (kur's oldCertID among them).
        assert.deepEqual(t(b).controls, t(a).controls);
        assert.match(
          notes.join('\n'),
          /the private key is not in the request: a new (RSA-2048|P-256) key is made/,
        );
      }
      assert.deepEqual(b.header.generalInfo, a.header.generalInfo);
    });
  }
});

describe('Edit as New Request: what does not come back is said', () => {
  it('a genm asking nothing (as OpenSSL sends one without -infotype): the form says to choose an info type', () => {
    const { spec, notes } = specOfMessage(fixture('openssl-mock/genm-pbm.der'));
    assert.deepEqual(spec.infoTypes, []);
    assert.ok(notes.includes('the genm asks for nothing: choose an info type'), notes.join('\n'));
  });
  it('an answer is not a request to edit', () => {
    assert.throws(
      () => specOfMessage(fixture('openssl-mock/ir-pbm-ip.der')),
      /ip is not a request the composer makes/,
    );
  });
});

describe('Resend: a new transaction, or the same one again', () => {
  it('fresh: new transactionID, senderNonce and time, protected with the secret given; kept: the same header', async () => {
    const ir = fixture('openssl-mock/ir-pbm.der');
    const now = new Date('2026-12-04T12:00:00Z');
    const fresh = await renewRequest(ir, { protection: pbm, env: { now: () => now } });
    const [a, b] = [readMessage(ir), readMessage(fresh)];
    assert.notEqual(transactionIdHex(b), transactionIdHex(a));
    assert.equal(b.header.messageTime?.toISOString(), '2026-12-04T12:00:00.000Z');
    assert.deepEqual(b.body, a.body);
    const check = async (der: Uint8Array, s: Uint8Array) =>
      (await verifyMessage(der, { secret: s })).find((r) => r.check === 'protection')?.verdict;
    assert.equal(await check(fresh, secret), 'valid');
    const kept = await renewRequest(ir, {
      fresh: false,
      protection: { ...pbm, secret: new TextEncoder().encode('other') },
    });
    assert.equal(transactionIdHex(readMessage(kept)), transactionIdHex(a));
    assert.deepEqual(readMessage(kept).header.senderNonce, a.header.senderNonce);
    assert.equal(await check(kept, new TextEncoder().encode('other')), 'valid');
    assert.equal(await check(kept, secret), 'invalid');
  });
});

describe('Copy as openssl cmp command', () => {
  it('says the request in openssl cmp options; the secret only by environment', () => {
    const { spec } = specOfMessage(fixture('openssl-mock/ir-pbm.der'));
    const { command, notes } = opensslCommand(spec, {
      protection: 'pbm',
      server: 'http://127.0.0.1:8080/pkix/',
    });
    assert.match(command, /^openssl cmp \\\n {2}-cmd ir \\\n {2}-server http:\/\/127\.0\.0\.1:8080\/pkix\//);
    assert.match(command, /-recipient '\/CN=Test CA'/);
    assert.match(command, /-ref user1 \\\n {2}-secret env:CMP_SECRET/);
    assert.match(command, /-subject '\/CN=New EE\/O=Example' \\\n {2}-sans ee\.example\.com,192\.0\.2\.7/);
    assert.match(command, /-newkey NEW\.key\.pem/);
    assert.doesNotMatch(command, /s3cret/);
    assert.ok(notes.some((n) => /export CMP_SECRET/.test(n)));
    assert.throws(
      () => opensslCommand({ body: 'certConf' }, { protection: 'pbm' }),
      /openssl cmp has no -cmd for certConf/,
    );
  });

  describe(
    'run with OpenSSL 3.5 against our test CA',
    { skip: haveOpenssl35() ? false : 'OpenSSL 3.5 is not installed (bash scripts/install-peers.sh)' },
    () => {
      let ca: TestCa;
      let srv: RunningServer;
      let dir: string;
      before(async () => {
        dir = mkdtempSync(join(tmpdir(), 'cmp-lens-openssl-cmd-'));
        ca = await TestCa.create({ secret });
        srv = await serveTestCa(ca);
      });
      after(async () => {
        await srv.close();
        rmSync(dir, { recursive: true, force: true });
      });

      it('the copied command for a composer form (ir with SANs, implicitConfirm) gets the certificate asked for', async () => {
        const spec = {
          body: 'ir' as const,
          recipient: 'CN=CMP Lens Test CA, O=CMP Lens',
          senderKID: 'user1',
          implicitConfirm: true,
          template: {
            subject: 'CN=from the copied command, O=CMP Lens',
            sans: ['dns:copied.example', 'ip:192.0.2.7'],
          },
        };
        const keyFile = join(dir, 'new.key.pem');
        const made = await runPeer(openssl35, [
          'genpkey',
          '-algorithm',
          'EC',
          '-pkeyopt',
          'ec_paramgen_curve:P-256',
          '-out',
          keyFile,
        ]);
        assert.equal(made.code, 0, made.out);
        const { command } = opensslCommand(spec, { protection: 'pbm', server: srv.url, newKeyFile: keyFile });
        // Run it as a shell would read it: the words of the command line.
        const words = [...command.replace(/ \\\n {2}/g, ' ').matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map(
          (m) => (m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]),
        );
        assert.equal(words.slice(0, 2).join(' '), 'openssl cmp');
        const out = join(dir, 'issued.pem');
        const r = await runPeer(openssl35, [...words.slice(1).map((w) => (w === 'issued.pem' ? out : w))], {
          env: { ...process.env, CMP_SECRET: 's3cret' },
        });
        assert.equal(r.code, 0, r.out);
        const cert = AsnParser.parse(unwrapInput(new Uint8Array(readFileSync(out))).der, Certificate);
        assert.match(JSON.stringify(cert.tbsCertificate.subject), /from the copied command/);
        writeFileSync(join(dir, 'ca.pem'), toPem('CERTIFICATE', ca.certDer));
      });
    },
  );
});
