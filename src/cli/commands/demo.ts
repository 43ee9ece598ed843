/**
 * `tapedeck demo`: the end-to-end demo (demo.ts) into ./recordings/demo — what `npm run demo` runs
 * in the repository, available after `npm install tapedeck` too.
 */
import type { Argv, CommandModule } from 'yargs';
import { EXIT, ExitError } from '../exit.js';
import type { CliIo } from '../io.js';

export default function demoCommand(io: CliIo): CommandModule<object, object> {
  return {
    builder: (y) => y.example('$0 demo', 'Record, replay at 1000x, verify and backtest the flash-crash scenario under ./recordings/demo') as Argv<object>,
    handler: async () => {
      const { runDemo } = await import('../demo.js');
      const code = await runDemo(io);
      if (code !== 0) throw new ExitError(EXIT.CHECK_FAILED, 'the demo found a difference where outputs must be identical');
    },
  };
}
