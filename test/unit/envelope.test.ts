// Opening the EnvelopedData of a central key generation (issue 18, in part): OpenSSL 3.5's ip for an
// EC requester (kari: ECDH P-256, X9.63 KDF with SHA-1, aes256-wrap, aes256-CBC), opened with the
// requester's key, holds a SignedData whose content is the very key OpenSSL's own client saved
// (-newkeyout); another key is refused naming the RecipientInfo it tried.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { SignedData } from '@peculiar/asn1-cms';
import { AsnParser } from '@peculiar/asn1-schema';
import { readMessage, toHex, unwrapInput } from '../../src/core/base';
import { EnvelopeError, openEnvelope } from '../../src/core/protection';
import { fixture } from './helpers';

const envelope = () => {
  const ip = readMessage(fixture('centralkeygen/ip-kari-ec.der'));
  const encrypted = ip.body.ip!.response[0].certifiedKeyPair!.privateKey as unknown as {
    envelopedData: Parameters<typeof openEnvelope>[0];
  };
  return encrypted.envelopedData;
};

describe('EnvelopedData: central key generation from OpenSSL 3.5', () => {
  it('opens with the requester key: a SignedData holding the key OpenSSL saved', async () => {
    const key = unwrapInput(fixture('centralkeygen/ee.key.pem')).der;
    const opened = await openEnvelope(envelope(), { pkcs8: key, curve: 'P-256' });
    assert.equal(opened.recipient, 'recipientInfos[0] kari, recipientEncryptedKeys[0]');
    const signed = AsnParser.parse(opened.content, SignedData);
    const eContent = new Uint8Array(signed.encapContentInfo.eContent!.single!.buffer);
    // OpenSSL 3.5 puts the key in as an ECPrivateKey (RFC 5915); its client saved it as PKCS#8: the same
    // private scalar in both.
    const delivered = unwrapInput(fixture('centralkeygen/delivered.key.pem')).der;
    const scalar = /0201010420([0-9a-f]{64})/.exec(toHex(delivered))![1];
    assert.match(toHex(eContent), new RegExp(`^3077020101 ?0420${scalar}`.replace(' ?', '')));
    assert.equal(signed.signerInfos.length, 1, 'signed by the key generation authority');
  });

  it('another key does not open it, and the message says which RecipientInfo it tried', async () => {
    const other = unwrapInput(fixture('centralkeygen/delivered.key.pem')).der;
    await assert.rejects(
      openEnvelope(envelope(), { pkcs8: other, curve: 'P-256' }),
      (e: Error) =>
        e instanceof EnvelopeError &&
        /no RecipientInfo opens with this key: recipientInfos\[0\] kari, recipientEncryptedKeys\[0\]: the key does not unwrap/.test(
          e.message,
        ),
    );
  });
});
