/**
 * Child process of the capture bench: times the two phases of `cmp-lens capture` apart — reading
 * (records → TCP → HTTP → CMP outline, what `tshark -Y cmp` compares with) and the view (full
 * decode, protection verdict and exchange checks per message) — and prints them as JSON.
 * Run: node --import tsx test/bench/capturePhases.ts FILE
 */
import { captureView } from '../../src/app';
import { readCaptureFile } from '../../src/node/captureFile';

async function main(file: string): Promise<void> {
  const t0 = performance.now();
  const result = await readCaptureFile(file);
  const t1 = performance.now();
  const view = await captureView(result, file);
  const t2 = performance.now();
  const rows = view.exchanges.reduce((n, e) => n + e.rows.length, 0);
  console.log(
    JSON.stringify({
      readMs: t1 - t0,
      viewMs: t2 - t1,
      messages: result.messages.length,
      rows,
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
    }),
  );
}

void main(process.argv[2]);
