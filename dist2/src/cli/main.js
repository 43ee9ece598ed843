#!/usr/bin/env node
/**
 * The `tapedeck` binary: the real process handed to `main(argv, io)` (cli.ts), which does the work.
 */
import { main } from './cli.js';
import { processIo } from './io.js';
process.exitCode = await main(process.argv.slice(2), processIo());
//# sourceMappingURL=main.js.map