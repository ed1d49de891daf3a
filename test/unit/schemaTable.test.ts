import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AsnPropTypes } from '@peculiar/asn1-schema';
import { Name } from '@peculiar/asn1-x509';
import * as cmp from '../../src/core/asn1';
import { describe as describeType, fieldTags, typeTags } from '../../src/core/inspect/schemaTable';

// Pins what we read from asn1-schema's unexported schemaStorage: if an upgrade changes it, this fails first.
describe('schemaTable (reads @peculiar/asn1-schema schemaStorage)', () => {
  it('lists a SEQUENCE class field by field, in order, with tags', () => {
    const spec = describeType(cmp.PKIHeader);
    assert.equal(spec.kind, 'sequence');
    if (spec.kind !== 'sequence') return;
    assert.deepEqual(
      spec.fields.map((f) => f.name),
      [
        'pvno',
        'sender',
        'recipient',
        'messageTime',
        'protectionAlg',
        'senderKID',
        'recipKID',
        'transactionID',
        'senderNonce',
        'recipNonce',
        'freeText',
        'generalInfo',
      ],
    );
    const time = spec.fields[3];
    assert.deepEqual(
      { context: time.context, implicit: time.implicit, optional: time.optional, type: time.type },
      { context: 0, implicit: false, optional: true, type: AsnPropTypes.GeneralizedTime },
    );
  });
  it('sees CHOICE alternatives, including nested added after the class', () => {
    const spec = describeType(cmp.PKIBody);
    assert.equal(spec.kind, 'choice');
    if (spec.kind !== 'choice') return;
    assert.equal(spec.fields.length, 27);
    assert.equal(spec.fields.find((f) => f.name === 'nested')?.context, 20);
  });
  it('knows arrays and their item types', () => {
    const spec = describeType(cmp.CertReqMessages);
    assert.equal(spec.kind, 'array');
    if (spec.kind === 'array') assert.equal(spec.itemType, cmp.CertReqMsg);
    assert.equal(describeType(Name).kind, 'array');
  });
  it('gets the tag of BIT STRING subclasses and of implicit fields', () => {
    assert.deepEqual(typeTags(cmp.PKIFailureInfo), [{ cls: 0, num: 3 }]);
    const tpl = describeType(cmp.CertTemplate);
    if (tpl.kind !== 'sequence') throw new Error('CertTemplate is a SEQUENCE');
    const serial = tpl.fields.find((f) => f.name === 'serialNumber')!;
    assert.equal(serial.implicit, true);
    assert.deepEqual(fieldTags(serial), [{ cls: 2, num: 1 }]);
  });
});

describe('pkiBodyNames (the body list transport and protection use)', () => {
  it("is PKIBody's alternatives in context-tag order, as the schema declares them", () => {
    const spec = describeType(cmp.PKIBody);
    assert.equal(spec.kind, 'choice');
    const byTag =
      spec.kind === 'choice'
        ? [...spec.fields].sort((a, b) => a.context! - b.context!).map((f) => f.name)
        : [];
    assert.deepEqual([...cmp.pkiBodyNames], byTag);
  });
});
