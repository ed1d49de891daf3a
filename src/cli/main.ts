/**
 * cmp-lens: the CLI. Each command lives in a module of its own and answers `--help`; this file
 * only picks the command and turns what escapes it into an exit code (2 usage or an unusable file, 3 internal).
 */
import { captureCommand } from './capture';
import type { Command } from './command';
import { buildCommand } from './craft';
import { decryptCommand } from './decrypt';
import { inspectCommand } from './inspect';
import { UsageError, type Io } from './io';
import { MaterialError } from '../node/materials';
import { lintCommand } from './lint';
import { sendCommand } from './send';
import { demoCommand, serveCommand } from './serve';
import { verifyCommand } from './verify';

export { nodeIo, type Io } from './io';

const commands: Command[] = [
  inspectCommand,
  verifyCommand,
  decryptCommand,
  lintCommand,
  captureCommand,
  buildCommand,
  sendCommand,
  serveCommand,
  demoCommand,
];

const usage = `Usage: cmp-lens <command> [options]      (cmp-lens <command> --help for its options)

Commands:
${commands.map((c) => `  ${c.summary}`).join('\n')}

Exit codes: 0 success; 1 the input has errors, a check failed or a transaction failed; 2 usage error;
verify also 3: needs input or cannot decide (a secret, a certificate, an unsupported algorithm);
decrypt 3: nothing opens with the key given.`;

/** Runs the CLI with `args` (without node and script); resolves to the exit code. */
export async function run(args: string[], io: Io): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    io.out(usage);
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  try {
    if (!command) throw new UsageError(`unknown command "${name}" (see cmp-lens --help)`);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(command.help);
      return 0;
    }
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`cmp-lens: ${e.message}${command ? `\n\n${command.help}` : `\n\n${usage}`}`);
      return 2;
    }
    if (e instanceof MaterialError) {
      io.err(`cmp-lens: ${e.message}`);
      return 2;
    }
    io.err(`cmp-lens: internal error: ${(e as Error).message}`);
    return 3;
  }
}
