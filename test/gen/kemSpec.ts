/** The genm of the KemBasedMac vectors (test/gen/kemVectors.ts): every varying field fixed. */
import type { RequestSpec } from '../../src/core/compose';

export const kemSpec: RequestSpec & { transactionID: string } = {
  body: 'genm',
  infoTypes: ['caCerts'],
  pvno: 3,
  sender: 'CN=KEM client',
  recipient: 'CN=CMP Lens Test CA',
  transactionID: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  senderNonce: '00112233445566778899aabbccddeeff',
  messageTime: '2026-12-05T01:00:00Z',
};

export const kemBuildEnv = {
  now: () => new Date('2026-12-05T01:00:00Z'),
  random: (n: number) => new Uint8Array(n).fill(7),
};
