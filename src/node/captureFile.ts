/** Reading a capture file from disk in 1 MiB chunks (bounded memory), with progress. */
import { createReadStream, statSync } from 'node:fs';
import { CaptureParser, type CaptureResult, type CapturedMessage } from '../core/capture';

export async function readCaptureFile(
  path: string,
  onProgress?: (read: number, total: number) => void,
  signal?: AbortSignal,
  onMessage?: (m: CapturedMessage) => void,
): Promise<CaptureResult> {
  const total = statSync(path).size;
  const parser = new CaptureParser();
  parser.onMessage = onMessage;
  let read = 0;
  const stream = createReadStream(path, { highWaterMark: 1 << 20, signal });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    parser.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    read += chunk.length;
    onProgress?.(read, total);
  }
  return parser.end();
}
