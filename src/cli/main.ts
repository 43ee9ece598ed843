#!/usr/bin/env node
/**
 * The tapedeck CLI: a thin shell over the library. Each command lives in its own module under
 * commands/; this file only wires them into yargs and maps errors to exit codes.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { commands } from './commands/index.js';
import { EXIT, ExitError, exitCodeFor } from './exit.js';

export async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.OK;
  const parser = yargs(argv)
    .scriptName('tapedeck')
    .usage('$0 <command> [options]\n\nRecord trading sessions into a write-ahead log and replay them deterministically.')
    .strict()
    .demandCommand(1, 'Name a command (see the list above).')
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err) throw err;
      process.stderr.write(`tapedeck: ${msg}\nRun 'tapedeck --help' for usage.\n`);
      throw new ExitError(EXIT.USAGE);
    });
  for (const c of commands) parser.command(c);
  try {
    await parser.parseAsync();
  } catch (err) {
    exitCode = exitCodeFor(err);
    if (!(err instanceof ExitError) || err.message) {
      const message = err instanceof Error ? err.message : String(err);
      if (message) process.stderr.write(`tapedeck: ${message}\n`);
    }
    if (process.env.TAPEDECK_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  }
  return exitCode;
}

const code = await main(hideBin(process.argv));
process.exitCode = code;
