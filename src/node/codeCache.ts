/**
 * Runs a CommonJS bundle with V8's code cache: the compiled code of the bundle's functions, kept
 * in `FILE.cache` beside it, is used instead of compiling them again. `cmp-lens` is one bundle of
 * 1.4 MB; compiling it took about 30 ms of `--help`'s 140 (profiled): 0.14 → 0.11 s with the cache.
 * Node 22's module.enableCompileCache does the same; Node 20 has no such thing.
 *
 * The cache is written by `npm run build` (esbuild.mjs runs the CLI once with
 * CMP_LENS_WRITE_CODE_CACHE set, after the functions a command uses have run). A cache V8 does not
 * accept (another Node version, other flags, a bundle built since) is ignored: the bundle compiles
 * as without one. Nothing here is required for the CLI to work.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { constants, Script } from 'node:vm';

type Wrapped = (
  exports: unknown,
  require: NodeJS.Require,
  module: Module,
  filename: string,
  dirname: string,
) => void;

/**
 * Loads and runs `file` as the module it is (its own require, module, __filename, __dirname).
 * With CMP_LENS_WRITE_CODE_CACHE set, writes the cache when the process exits (`at: 'exit'`: it then
 * holds every function the run compiled) or once the bundle has loaded (`'load'`: a worker thread,
 * which may be stopped without an exit).
 */
export function runCached(file: string, at: 'exit' | 'load' = 'exit'): void {
  const cacheFile = `${file}.cache`;
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(Module.wrap(readFileSync(file, 'utf8')), {
    filename: file,
    cachedData,
    // `import()` in the bundle (an optional proxy-auth package) as in any module.
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const run = script.runInThisContext() as Wrapped;
  const mod = new Module(file, module);
  mod.filename = file;
  mod.loaded = true;
  const write = (): void => {
    const temp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(temp, script.createCachedData());
    renameSync(temp, cacheFile);
  };
  const writing = !!process.env.CMP_LENS_WRITE_CODE_CACHE;
  if (writing && at === 'exit') process.once('exit', write);
  run.call(mod.exports, mod.exports, createRequire(file), mod, file, dirname(file));
  if (writing && at === 'load') write();
}
