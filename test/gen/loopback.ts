/** Loopback helpers for the interop tests: a free port, and waiting until a peer listens on it. */
import { execFile, type ChildProcess } from 'node:child_process';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/** A port nothing listens on now (the peer binds it next). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Resolves once `port` accepts a connection; rejects if `child` exits first or 5 s pass. */
export async function listening(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`the peer exited with ${child.exitCode} before listening`);
    const ok = await new Promise<boolean>((r) =>
      connect(port, '127.0.0.1')
        .on('connect', function (this: Socket) {
          this.destroy();
          r(true);
        })
        .on('error', () => r(false)),
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port}`);
}

/**
 * Runs a peer's command without blocking this process (a server in this process may be answering it):
 * its exit code (1 for a signal or a timeout) and stdout and stderr together.
 */
export function runPeer(
  cmd: string,
  args: string[],
  o: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<{ code: number; out: string }> {
  return new Promise((resolve) =>
    execFile(cmd, args, { env: o.env, timeout: o.timeoutMs ?? 60_000 }, (e, stdout, stderr) =>
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, out: `${stdout}${stderr}` }),
    ),
  );
}
