/**
 * The tapedeck CLI as a function: `main(argv, io)` parses `argv`, runs one command with every
 * read and write going through `io`, and returns the exit code (README: "Exit codes"). It never
 * touches process.* itself; the `tapedeck` binary (main.ts) is a thin wrapper that passes the real
 * process, and tests call it in-process.
 *
 * Start-up stays cheap: --help and --version are answered without yargs (help.ts); otherwise only
 * the named command's module is loaded (the others are listed by name and description alone), and
 * each command loads its library code when it runs.
 */
import { joinSignedTimeArgs } from './args.js';
import { COMMANDS } from './commands/index.js';
import { EXIT, ExitError, exitCodeFor } from './exit.js';
import { fastHelp } from './help.js';
import { columnsOf, processIo, type CliIo } from './io.js';

export type { CliIo } from './io.js';

export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let exitCode: number = EXIT.OK;
  const args = joinSignedTimeArgs(argv);
  // --help and --version need neither yargs nor any command's library code.
  if (await fastHelp(args, io)) return EXIT.OK;
  const { default: yargs } = await import('yargs');
  const named = args.find((a) => !a.startsWith('-'));
  const parser = yargs(args)
    .scriptName('tapedeck')
    .usage('$0 <command> [options]\n\nRecord trading sessions into a write-ahead log and replay them deterministically.')
    .strict()
    .demandCommand(1, 'Name a command (see the list above).')
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version()
    .exitProcess(false)
    .wrap(Math.min(110, columnsOf(io) ?? 100))
    .fail((msg, err) => {
      if (err) throw err;
      io.stderr.write(`tapedeck: ${msg}\nRun 'tapedeck --help' for usage.\n`);
      throw new ExitError(EXIT.USAGE);
    });
  skipHelpRender(parser);
  for (const c of COMMANDS) {
    if (c.name === named) {
      const loaded = (await c.load())(io, args);
      parser.command({ ...loaded, command: c.command, describe: c.describe });
    } else {
      parser.command({ command: c.command, describe: c.describe, builder: (y) => y, handler: () => {} });
    }
  }
  try {
    await parser.parseAsync(args, {}, (_err, _argv, output) => {
      // Help and version text (yargs hands it over instead of printing it).
      if (output) io.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
    });
  } catch (err) {
    exitCode = exitCodeFor(err);
    if (!(err instanceof ExitError) || err.message) {
      const message = err instanceof Error ? err.message : String(err);
      if (message) io.stderr.write(`tapedeck: ${message}\n`);
    }
    if (io.env.TAPEDECK_DEBUG && err instanceof Error) io.stderr.write(`${err.stack}\n`);
  }
  return exitCode;
}

/**
 * yargs renders the whole help text every time it runs a command (its usage instance's
 * cacheHelpMessage, kept in case a later failure prints help). tapedeck never prints help on a
 * failure (`.fail` above writes one line), and --help is answered before yargs (help.ts), so that
 * render is work thrown away: cliui/string-width wrapping every option of the command, about 7%
 * of the CPU of a CLI-heavy test file (keyframes: 1.9 s of 27 s in a profile). It is skipped.
 */
function skipHelpRender(parser: unknown): void {
  const internal = (parser as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } }).getInternalMethods?.();
  const usage = internal?.getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}
