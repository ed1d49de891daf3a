/** One CLI command: its name, a line for the command list, its --help text, and what it runs. */
import type { Io } from './io';

export interface Command {
  name: string;
  /** One line for `cmp-lens --help`. */
  summary: string;
  /** `cmp-lens NAME --help`: usage, flags, exit codes. */
  help: string;
  run(args: string[], io: Io): Promise<number>;
}
