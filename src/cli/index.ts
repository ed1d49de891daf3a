import { nodeIo, run } from './main';

// `cmp-lens … | head`: the reader went away; stop quietly as other Unix tools do.
for (const s of [process.stdout, process.stderr]) {
  s.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

void run(process.argv.slice(2), nodeIo).then((code) => {
  process.exitCode = code;
});
