// Entry point of the `ionhop` command (bin/ionhop.mjs imports this file).
import { main } from './program';

await main(process.argv);
