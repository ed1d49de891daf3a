// `npm run test:vscode`: the @vscode/test-electron harness. It bundles the mocha suite, then runs it in
// the VS Code at VSCODE_EXECUTABLE_PATH, or in one downloaded as usual. When neither is possible (no
// network to update.code.visualstudio.com, as on our CI machines) it prints one line saying the suite
// was SKIPPED and why, and exits 77, which scripts/test.mjs reports as skipped, never as passed.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';

export const skippedExitCode = 77;
const root = join(__dirname, '..', '..');

async function main(): Promise<number> {
  const out = join(root, '.vscode-test', 'integration', 'index.js');
  await esbuild.build({
    entryPoints: [join(__dirname, 'suite', 'index.ts')],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
    tsconfig: join(root, 'tsconfig.json'),
    logLevel: 'warning',
  });
  // `npm run bundle:integration`: the bundle only, for the "Run Extension Tests" launch configuration.
  if (process.argv.includes('--bundle-only')) return 0;
  let vscodeExecutablePath = process.env.VSCODE_EXECUTABLE_PATH;
  if (vscodeExecutablePath && !existsSync(vscodeExecutablePath)) {
    console.log(
      `SKIPPED: test-electron suite: VSCODE_EXECUTABLE_PATH=${vscodeExecutablePath} does not exist`,
    );
    return skippedExitCode;
  }
  if (!vscodeExecutablePath) {
    try {
      vscodeExecutablePath = await downloadAndUnzipVSCode({ cachePath: join(root, '.vscode-test') });
    } catch (e) {
      const why = ((e as Error).message || String(e)).split('\n')[0];
      console.log(
        `SKIPPED: test-electron suite: VS Code could not be downloaded (${why}); set VSCODE_EXECUTABLE_PATH to a VS Code binary to run it (the code-server suite covers the extension here)`,
      );
      return skippedExitCode;
    }
  }
  await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: root,
    extensionTestsPath: out,
    launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  });
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: Error) => {
    console.error(`test-electron suite failed: ${e.message}`);
    process.exitCode = 1;
  },
);
