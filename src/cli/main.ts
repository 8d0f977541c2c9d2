// Entry point of the `ionhop` command (bin/ionhop.mjs imports this file).
import { main } from './program';

process.exitCode = await main(process.argv);
