import { nodeIo, run } from './main';

void run(process.argv.slice(2), nodeIo).then((code) => {
  process.exitCode = code;
});
