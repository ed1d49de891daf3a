/**
 * The composer's engine (what the "New Request" panel runs on the host): form → preview, errors
 * by field, the generated key kept across previews, files read through the injected reader.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ComposerEngine, formChoices } from '../../src/app';
import { inspectInput } from '../../src/core/inspect';
import { oidName } from '../../src/core/asn1';
import { readMessage } from '../../src/core/base';
import { demoSecret } from '../../src/core/testca';
import { defaultComposerForm, type ComposerForm, type PreviewPayload } from '../../src/shared/composer';
import { fixtures } from './helpers';

const engine = (secrets: Record<string, string> = {}) =>
  new ComposerEngine({
    readFile: async (path) => new Uint8Array(await readFile(join(fixtures, path))),
    secret: async (s) => {
      const v = s.from === 'testca' ? demoSecret : s.from === 'stored' ? secrets[s.name] : secrets.typed;
      return v === undefined ? undefined : new TextEncoder().encode(v);
    },
  });

function form(change: (f: ComposerForm) => void = () => undefined): ComposerForm {
  const f = structuredClone(defaultComposerForm);
  change(f);
  return f;
}

function ok(p: PreviewPayload): Extract<PreviewPayload, { ok: true }> {
  assert.ok(p.ok, p.ok ? '' : JSON.stringify(p.errors));
  return p;
}

function errorFields(p: PreviewPayload): string[] {
  assert.equal(p.ok, false, 'expected errors');
  return p.ok ? [] : p.errors.map((e) => e.field);
}

describe('composer engine', () => {
  it('builds the default form: an ir MAC-protected with the test CA secret, checked valid by the same code', async () => {
    const e = engine();
    const p = ok(await e.preview(form(), 1));
    assert.equal(p.seq, 1);
    assert.equal(p.show.summary?.bodyType, 'ir');
    assert.equal(p.generatedKey, 'P-256');
    assert.equal(p.protection.find((r) => r.check === 'protection')?.verdict, 'valid');
    assert.equal(inspectInput(e.built!.der).doc.summary?.senderKID, '7573657231');
    // The tree answers come from the same model.
    const kids = e.answer({ type: 'expand', id: p.show.roots[0].id, start: 0, count: 10 });
    assert.equal(kids?.type, 'children');
    assert.deepEqual(kids?.type === 'children' ? kids.nodes.map((n) => n.name) : [], [
      'header',
      'body',
      'protection',
    ]);
  });

  it('keeps the generated key across previews until a new key is asked for', async () => {
    const e = engine();
    await e.preview(form(), 1);
    const first = e.built!.generatedKey!.spki;
    await e.preview(
      form((f) => {
        f.spec.template!.subject = 'CN=other';
      }),
      2,
    );
    assert.deepEqual(e.built!.generatedKey!.spki, first);
    e.newKey();
    await e.preview(form(), 3);
    assert.notDeepEqual(e.built!.generatedKey!.spki, first);
    await e.preview(
      form((f) => {
        f.spec.keyType = 'Ed25519';
      }),
      4,
    );
    assert.equal(e.built!.generatedKey!.kind, 'Ed25519');
  });

  it('reports field errors: bad IP address, no subject and no SAN, secret missing, unreadable file', async () => {
    const e = engine();
    assert.deepEqual(
      errorFields(
        await e.preview(
          form((f) => {
            f.spec.template!.sans = ['dns:ok.example', 'ip:300.1.2.3'];
          }),
          1,
        ),
      ),
      ['template.sans[1]'],
    );
    assert.deepEqual(
      errorFields(
        await e.preview(
          form((f) => {
            f.spec.template = {};
          }),
          2,
        ),
      ),
      ['template.subject'],
    );
    assert.deepEqual(
      errorFields(
        await e.preview(
          form((f) => {
            f.protection.secret = { from: 'stored', name: 'nobody' };
          }),
          3,
        ),
      ),
      ['protection.secret'],
    );
    assert.deepEqual(
      errorFields(
        await e.preview(
          form((f) => {
            f.protection.secret = { from: 'typed' };
          }),
          4,
        ),
      ),
      ['protection.secret'],
    );
    const missing = await e.preview(
      form((f) => {
        f.files.key = ['keys/no-such.key'];
      }),
      5,
    );
    assert.deepEqual(errorFields(missing), ['files.key']);
    assert.match(missing.ok ? '' : missing.errors[0].message, /no-such\.key/);
    assert.deepEqual(
      errorFields(
        await e.preview(
          form((f) => {
            f.protection = { kind: 'signature' };
          }),
          6,
        ),
      ),
      ['files.signerCert', 'files.signerKey'],
    );
    assert.deepEqual(
      errorFields(
        await e.preview(
          form((f) => {
            f.protection.saltHex = 'xyz';
          }),
          7,
        ),
      ),
      ['protection.saltHex'],
    );
    assert.deepEqual(
      errorFields(
        await e.preview(
          form((f) => {
            f.protection.kind = 'pbmac1';
            f.protection.owf = 'SHA-1';
          }),
          8,
        ),
      ),
      ['protection.owf'],
    );
  });

  it('uses a typed or stored secret, and the check with the same secret says valid', async () => {
    const e = engine({ typed: 'typed secret', mine: 'stored secret' });
    for (const secret of [{ from: 'typed' }, { from: 'stored', name: 'mine' }] as const) {
      const p = ok(
        await e.preview(
          form((f) => {
            f.protection = { kind: 'pbmac1', secret, iterations: 2000 };
          }),
          1,
        ),
      );
      assert.equal(p.protection.find((r) => r.check === 'protection')?.verdict, 'valid');
      assert.match(p.protection.find((r) => r.check === 'protection')?.summary ?? '', /PBMAC1/);
    }
  });

  it('builds every body kind from form fields and files', async () => {
    const e = engine();
    const cases: [string, (f: ComposerForm) => void][] = [
      [
        'cr',
        (f) => {
          f.spec.body = 'cr';
          f.files.key = ['keys/ee-ec.key'];
        },
      ],
      [
        'kur',
        (f) => {
          f.spec.body = 'kur';
          f.files.oldCert = ['keys/ee-ec.crt'];
          f.spec.template = {};
        },
      ],
      [
        'p10cr',
        (f) => {
          f.spec.body = 'p10cr';
          f.files.csr = ['keys/ee-rsa.csr'];
        },
      ],
      [
        'rr',
        (f) => {
          f.spec.body = 'rr';
          f.files.oldCert = ['keys/issued.crt'];
          f.spec.revoke = { reason: 1 };
        },
      ],
      [
        'genm',
        (f) => {
          f.spec.body = 'genm';
          f.spec.infoTypes = ['caCerts', { oid: '1.3.6.1.5.5.7.4.17' }];
        },
      ],
      [
        'certConf',
        (f) => {
          f.spec.body = 'certConf';
          f.files.confirmCert = ['keys/issued.crt'];
          f.spec.confirm = { accept: false, reason: 'wrong name' };
        },
      ],
      [
        'pollReq',
        (f) => {
          f.spec.body = 'pollReq';
          f.spec.certReqId = 0;
        },
      ],
      [
        'error',
        (f) => {
          f.spec.body = 'error';
          f.spec.errorStatus = { status: 2, failInfo: ['badRequest'], texts: ['no'] };
        },
      ],
      [
        'ir',
        (f) => {
          f.protection = { kind: 'signature' };
          f.files.signerCert = ['keys/ee-ec.crt'];
          f.files.signerKey = ['keys/ee-ec.key'];
          f.files.extraCerts = ['keys/ca.crt'];
        },
      ],
    ];
    for (const [body, change] of cases) {
      const p = ok(await e.preview(form(change), 1));
      assert.equal(p.show.summary?.bodyType, body);
      const verdict = p.protection.find((r) => r.check === 'protection')?.verdict;
      assert.ok(verdict === 'valid', `${body}: protection ${verdict}`);
    }
  });

  it('signs with the chosen hash: RSA and ECDSA with SHA-384 verify, and say so', async () => {
    const e = engine();
    for (const [who, oid] of [
      ['ee-rsa', '1.2.840.113549.1.1.12'],
      ['ee-ec', '1.2.840.10045.4.3.3'],
    ]) {
      const p = ok(
        await e.preview(
          form((f) => {
            f.protection = { kind: 'signature', hash: 'SHA-384' };
            f.files.signerCert = [`keys/${who}.crt`];
            f.files.signerKey = [`keys/${who}.key`];
          }),
          1,
        ),
      );
      assert.equal(p.protection.find((r) => r.check === 'protection')?.verdict, 'valid', who);
      assert.match(p.show.summary?.protectionAlg ?? '', new RegExp(oid.replace(/\./g, '\\.')), who);
    }
  });

  it("offers the schema module's names as choices", () => {
    const c = formChoices();
    assert.equal(c.failInfo.length, 27);
    assert.ok(c.keyUsage.includes('digitalSignature'));
    assert.deepEqual(
      c.crlReasons.map((r) => r.value),
      [0, 1, 2, 3, 4, 5, 6, 8, 9, 10],
    );
  });
});

describe('composer engine: genm values', () => {
  it('rootCaCert and crlStatusList take their files, keyPairParamReq and suppLangTags their text; a bad one is a field error', async () => {
    const e = engine();
    const f = form((x) => {
      x.spec.body = 'genm';
      x.spec.infoTypes = ['rootCaCert', 'crlStatusList', 'keyPairParamReq', 'suppLangTags'];
      x.spec.infoValues = { keyPairParamReq: 'RSA', suppLangTags: 'en, de' };
      x.files.rootCaCert = ['keys/ca.crt'];
      x.files.crlSource = ['keys/ca.crt'];
    });
    ok(await e.preview(f, 1));
    const der = e.built!.der;
    const genm = readMessage(der).body.genm!;
    assert.deepEqual(
      [...genm].map((i) => `${oidName(i.infoType)} ${i.infoValue ? 'with' : 'without'} a value`),
      [
        'id-it-rootCaCert with a value',
        'id-it-crlStatusList with a value',
        'id-it-keyPairParamReq with a value',
        'id-it-suppLangTags with a value',
      ],
    );
    f.spec.infoValues = { keyPairParamReq: 'DSA' };
    assert.deepEqual(errorFields(await e.preview(f, 2)), ['infoValues.keyPairParamReq']);
  });
});
