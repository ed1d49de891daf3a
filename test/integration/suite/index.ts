// Entry point VS Code loads as extensionTestsPath: a mocha run over the tests imported explicitly
// (they are bundled into one file by test/integration/runTest.ts).
import Mocha from 'mocha';

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false });
  mocha.suite.emit('pre-require', globalThis, 'bundle', mocha);
  // Imported after pre-require, so describe/it bind to this run.
  await import('./extension.test');
  return new Promise((resolve, reject) => {
    mocha.run((failures) =>
      failures ? reject(new Error(`${failures} integration test(s) failed`)) : resolve(),
    );
  });
}
