// The `tessera` process: the platform's program on this process's arguments, output and environment.
import { run } from './program.ts';

process.exit(await run(process.argv.slice(2)));
