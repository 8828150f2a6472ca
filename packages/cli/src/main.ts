// The `tessera` process: the program on this process's arguments, output and environment, then its exit code.
import { run } from './program.ts';

process.exit(await run(process.argv.slice(2)));
