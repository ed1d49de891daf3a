/**
 * The use cases both front ends call (src/app): the one secret policy (a typed secret is kept only
 * once a MAC proved it right), send with a server entry's implicitConfirm, the findings lines, and
 * checking with a stored, typed or wrong secret.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  captureView,
  checkProtection,
  exchangeFindingLine,
  secretQueryFor,
  firstExtraCert,
  SendError,
  sendRequest,
  type SecretQuery,
  type SecretSource,
} from '../../src/app';
import { asksImplicitConfirm, buildRequest, type RequestSpec } from '../../src/core/compose';
import { readMessage } from '../../src/core/base';
import { parseCapture } from '../../src/core/capture';
import { transactionIdOf, type ProtectionSpec } from '../../src/core/protection';
import { TestCa } from '../../src/core/testca';
import type { Post } from '../../src/core/transport';
import { fixture } from './helpers';

const enc = (s: string) => new TextEncoder().encode(s);
const secret = enc('s3cret');

/** A SecretSource that records what happened: stored secrets, answers to prompts, what was remembered. */
function recordingSource(stored: Record<string, string> = {}, typed?: string) {
  const remembered: { q: SecretQuery; secret: string }[] = [];
  const asked: SecretQuery[] = [];
  const source: SecretSource = {
    lookup: async (q) => {
      const v = (q.secretRef && stored[q.secretRef]) || (q.senderKid && stored[q.senderKid]);
      return v ? enc(v) : undefined;
    },
    ask: async (q) => {
      asked.push(q);
      return typed === undefined ? undefined : enc(typed);
    },
    remember: async (q, s) => {
      remembered.push({ q, secret: new TextDecoder().decode(s) });
    },
  };
  return { source, remembered, asked };
}

const direct =
  (ca: TestCa, seen: Uint8Array[] = []): Post =>
  async (req) => {
    seen.push(req.body);
    return { status: 200, contentType: 'application/pkixcmp', body: await ca.handle(req.body) };
  };

async function request(
  spec: Partial<RequestSpec> = {},
  protection: ProtectionSpec = { kind: 'pbm', secret, iterations: 500 },
) {
  const built = await buildRequest(
    {
      body: 'ir',
      recipient: 'CN=CMP Lens Test CA',
      senderKID: 'user1',
      template: { subject: 'CN=app test' },
      ...spec,
    },
    { protection },
  );
  if (!built.ok) assert.fail(JSON.stringify(built.errors));
  return built.der;
}

const server = { name: 'in-process CA', url: 'http://in-process/' };
const kidHex = Buffer.from('user1').toString('hex');

describe('checkProtection: the secret policy', () => {
  const ir = fixture('openssl-mock/ir-pbm.der');
  const right = new TextDecoder().decode(fixture('keys/secret.txt')).replace(/\r?\n$/, '');

  it('a stored secret is used and not stored again', async () => {
    const kid = (await checkProtection({ der: ir, name: 'ir' })).senderKid!;
    const { source, remembered } = recordingSource({ [kid]: right });
    const out = await checkProtection({ der: ir, name: 'ir', secrets: source });
    assert.equal(out.protection?.verdict, 'valid');
    assert.equal(out.remembered, false);
    assert.deepEqual(remembered, []);
  });
  it('a typed secret that proves right is remembered under the senderKID', async () => {
    const { source, remembered } = recordingSource();
    const out = await checkProtection({ der: ir, name: 'ir', secrets: source, typed: enc(right) });
    assert.equal(out.protection?.verdict, 'valid');
    assert.equal(out.remembered, true);
    assert.equal(remembered.length, 1);
    assert.equal(remembered[0].q.senderKid, out.senderKid);
    assert.equal(remembered[0].secret, right);
  });
  it('a typed secret that does not match is never remembered', async () => {
    const { source, remembered } = recordingSource();
    const out = await checkProtection({ der: ir, name: 'ir', secrets: source, typed: enc('wrong') });
    assert.equal(out.protection?.verdict, 'invalid');
    assert.equal(out.remembered, false);
    assert.deepEqual(remembered, []);
  });
  it('without any secret the verdict is needs-secret and nobody is asked (checking never prompts)', async () => {
    const { source, asked } = recordingSource();
    const out = await checkProtection({ der: ir, name: 'ir', secrets: source });
    assert.equal(out.protection?.verdict, 'needs-secret');
    assert.deepEqual(asked, []);
  });
});

describe('sendRequest', () => {
  it('asks for the secret once, remembers it after the answer proved it, and reports the issuing reply', async () => {
    const ca = await TestCa.create({ secret });
    const { source, remembered, asked } = recordingSource({}, 's3cret');
    const out = await sendRequest({
      request: await request(),
      name: 'ir.der',
      server,
      post: direct(ca),
      secrets: source,
    });
    assert.ok(out?.result.ok, out?.result.error);
    assert.equal(asked.length, 1, 'one prompt for the whole transaction (certConf uses the same secret)');
    assert.equal(asked[0].senderKid, kidHex);
    assert.deepEqual(
      remembered.map((r) => [r.q.senderKid, r.secret]),
      [[kidHex, 's3cret']],
    );
    assert.deepEqual(
      out.result.messages.map((m) => m.body),
      ['ir', 'ip', 'certConf', 'pkiconf'],
    );
    assert.equal(out.replyIndex, 1, 'the ip, not the pkiconf, answers the request');
    assert.deepEqual(out.issued, ['CN=app test']);
  });
  it('a typed secret the server refuses is not remembered', async () => {
    const ca = await TestCa.create({ secret });
    const { source, remembered } = recordingSource({}, 'not the secret');
    const out = await sendRequest({
      request: await request(),
      name: 'ir.der',
      server,
      post: direct(ca),
      secrets: source,
    });
    assert.ok(out && !out.result.ok);
    assert.deepEqual(remembered, []);
  });
  it('a cancelled prompt sends nothing', async () => {
    const ca = await TestCa.create({ secret });
    const seen: Uint8Array[] = [];
    const { source } = recordingSource();
    assert.equal(
      await sendRequest({
        request: await request(),
        name: 'ir.der',
        server,
        post: direct(ca, seen),
        secrets: source,
      }),
      undefined,
    );
    assert.equal(seen.length, 0);
  });
  it("a server entry's implicitConfirm is asked for in the request, which is protected again; no certConf follows", async () => {
    const ca = await TestCa.create({ secret });
    const seen: Uint8Array[] = [];
    const req = await request();
    assert.equal(asksImplicitConfirm(req), false);
    const out = await sendRequest({
      request: req,
      name: 'ir.der',
      server: { ...server, implicitConfirm: true },
      post: direct(ca, seen),
      secrets: recordingSource({ [kidHex]: 's3cret' }).source,
    });
    assert.ok(out?.result.ok, out?.result.error);
    assert.equal(asksImplicitConfirm(seen[0]), true, 'the request as sent asks for implicit confirmation');
    assert.equal(out.result.messages[1].protection?.verdict, 'valid');
    assert.deepEqual(
      out.result.messages.map((m) => m.body),
      ['ir', 'ip'],
    );
    const check = await checkProtection({ der: seen[0], name: 'sent', typed: secret });
    assert.equal(check.protection?.verdict, 'valid', 'the new header is covered by a new MAC');
  });
  it('a request that already says implicitConfirm is sent as it is', async () => {
    const ca = await TestCa.create({ secret });
    const seen: Uint8Array[] = [];
    const req = await request({ implicitConfirm: true });
    await sendRequest({
      request: req,
      name: 'ir',
      server: { ...server, implicitConfirm: true },
      post: direct(ca, seen),
      secrets: recordingSource({ [kidHex]: 's3cret' }).source,
    });
    assert.deepEqual(seen[0], req);
  });
  it('what is not a PKIMessage is a SendError that says where, before anything is sent', async () => {
    const ca = await TestCa.create({ secret });
    await assert.rejects(
      sendRequest({
        request: fixture('bad/truncated-ip.der'),
        name: 'bad.der',
        server,
        post: direct(ca),
        secrets: recordingSource().source,
      }),
      (e: Error) =>
        e instanceof SendError && /bad\.der is not a PKIMessage to send: .*offset/.test(e.message),
    );
  });
  it('exchange findings come as "#N body: finding" lines', () => {
    const line = exchangeFindingLine(
      {
        id: 'x.y',
        severity: 'warning',
        message: 'something',
        ref: 'RFC 9810 §5',
        profile: 'base',
        path: 'header',
        offset: 4,
        messageIndex: 1,
      },
      [{ body: 'ir' }, { body: 'ip' }],
    );
    assert.match(line, /^#2 ip: /);
    assert.match(line, /something/);
  });
  it('firstExtraCert reads extraCerts[0] off the TLV tree', async () => {
    const ca = await TestCa.create({ secret });
    const key = ca.key;
    const signed = await request({}, { kind: 'signature', key, cert: ca.certDer });
    assert.deepEqual(firstExtraCert(signed), ca.certDer);
    assert.equal(firstExtraCert(await request()), undefined);
    assert.equal(readMessage(signed).bodyName, 'ir');
  });
});

describe('secrets by exchange: one secret for every message of a transaction', () => {
  const pcap = fixture('pcap/cmp-http-ir-exchange.pcap');
  /** A source that knows a secret only by transactionID (the way a secret entered for one message of an exchange is known). */
  const byExchange = (tid: string, s: Uint8Array): SecretSource => ({
    lookup: async (q) => (q.transactionId === tid ? s : undefined),
  });

  it('the query of a message names its senderKID and its transactionID', async () => {
    const q = secretQueryFor(fixture('openssl-mock/ir-pbm.der'), 'ir');
    assert.equal(q.senderKid, kidHex);
    assert.match(q.transactionId ?? '', /^[0-9a-f]{32}$/);
  });

  it("a secret known for the exchange checks the answers too, though they carry another senderKID ('mock')", async () => {
    const result = parseCapture(pcap);
    const tid = transactionIdOf(result.messages[0].der)!;
    const view = await captureView(result, 'x.pcap', { secrets: byExchange(tid, secret) });
    const [first, second] = view.exchanges;
    assert.deepEqual(
      first.rows.map((r) => r.protection),
      ['valid', 'valid', 'valid', 'valid'],
    );
    // The genm exchange has another transactionID: not covered by this secret.
    assert.deepEqual(
      second.rows.map((r) => r.protection),
      ['needs-secret', 'needs-secret'],
    );
  });

  it('a send teaches the session the secret that worked, by senderKID and transactionID (never when typed)', async () => {
    const ca = await TestCa.create({ secret });
    const der = await request();
    const learned: SecretQuery[] = [];
    const out = await sendRequest({
      request: der,
      name: 'ir.der',
      server,
      post: direct(ca),
      secrets: { lookup: async () => secret, learn: (q) => learned.push(q) },
    });
    assert.ok(out?.result.ok, out?.result.error);
    assert.equal(learned.length, 1);
    assert.equal(learned[0].senderKid, kidHex);
    assert.equal(learned[0].transactionId, transactionIdOf(der));
    // The reply, checked with what the session learned, agrees with the exchange's verdict.
    const reply = out.result.messages[out.replyIndex!];
    const session = byExchange(learned[0].transactionId!, secret);
    assert.equal(
      (await checkProtection({ der: reply.der, name: 'ip', secrets: session })).protection?.verdict,
      'valid',
    );
    assert.equal(reply.protection?.verdict, 'valid');
    // A typed secret is not "learned" silently: it goes through remember (the person is told).
    const typed = recordingSource({}, 's3cret');
    const learnedTyped: SecretQuery[] = [];
    await sendRequest({
      request: await request(),
      name: 'ir.der',
      server,
      post: direct(ca),
      secrets: { ...typed.source, learn: (q) => learnedTyped.push(q) },
    });
    assert.deepEqual(learnedTyped, []);
    assert.equal(typed.remembered.length, 1);
  });
});
