/**
 * Every CLI command, one module each, loaded only when named: the list below is all that
 * `tapedeck --help` needs. A module default-exports a factory from the CLI's io to its yargs
 * command (builder and handler; the command string and description come from here).
 */
import type { CommandModule } from 'yargs';
import type { CliIo } from '../io.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CommandFactory = (io: CliIo, rawArgs: readonly string[]) => CommandModule<any, any>;

export interface CommandEntry {
  /** The word that selects it. */
  name: string;
  /** yargs command string (positionals). */
  command: string;
  describe: string;
  load: () => Promise<CommandFactory>;
}

const entry = (command: string, describe: string, load: () => Promise<{ default: CommandFactory }>): CommandEntry => ({
  name: command.split(' ')[0]!,
  command,
  describe,
  load: async () => (await load()).default,
});

export const COMMANDS: readonly CommandEntry[] = [
  entry('replay <dirs..>', 'Replay recordings as canonical JSONL, paced by the original timing (merged by ts when several), or publish them to NATS (--to nats://…)', () => import('./replay.js')),
  entry('verify <dir>', 'Check every CRC, frame, segment link, footer, index entry and canonical payload; print the digest', () => import('./verify.js')),
  entry('diff <a> <b>', 'Compare two recordings event by event, realigned by ts and content: inserted, deleted and changed events; exit 0 when identical, 1 otherwise', () => import('./diff.js')),
  entry('record <dir>', 'Record canonical JSONL from stdin (or --input), a WebSocket feed (--ws) or a NATS JetStream stream (--from), into a recording', () => import('./record.js')),
  entry('import <file> <dir>', "Import JSONL, CSV or a venue capture (gzip or plain; '-' for stdin) into a recording", () => import('./import.js')),
  entry('book <dir>', 'The order books of a recording as of an instant (--at), rebuilt from its book events, levels as exact decimals', () => import('./book.js')),
  entry('keyframe <dir>', 'Write book keyframes through a recording (--every 1m), so book --at, replay --from and seeks start near the instant; --rebuild derives them again', () => import('./keyframe.js')),
  entry('info <dir>', 'Describe a recording: segments, counts by type/run/symbol, time range, digest, rejects and gaps', () => import('./info.js')),
  entry('export <dir>', 'Export events as canonical JSONL (default), CSV (per event type) or a JSON array', () => import('./export.js')),
  entry('compact <dir>', 'Remove the whole sealed segments that end before a time; print what went and the space reclaimed', () => import('./compact.js')),
  entry('repair <dir>', "Cut a crash's torn tail (under the writer lock; the cut bytes are kept beside the segment)", () => import('./repair.js')),
  entry('stats <dir>', 'Events/s, bytes/s, append latency p50/p99, fsyncs, segments and disk use of a recording being written', () => import('./stats.js')),
  entry('scenario <command>', 'Seeded market scenarios: list the bundled ones, run one into a recording', () => import('./scenario.js')),
  entry('serve <recordings..>', 'Serve recordings over NATS: clients ask for replays (a range, filters, a speed) with replayFrom()', () => import('./serve.js')),
  entry('ui [dirs..]', 'Browse recordings in a local web UI: segments and integrity, a live dashboard, a replay deck, backtest reports', () => import('./ui.js')),
  entry('backtest <recordings..>', 'Run a strategy over recordings and record its orders, fills, signals and risk events', () => import('./backtest.js')),
  entry('worker', 'Run sweep jobs from a NATS JetStream work queue (for `tapedeck sweep --nats`) until stopped', () => import('./worker.js')),
  entry('sweep [inputs..]', 'Backtest a strategy over a grid of options × recordings or scenarios × seeds, on every core', () => import('./sweep.js')),
  entry('demo', 'Run the end-to-end demo into ./recordings/demo: record, replay at 1000x, verify, backtest twice', () => import('./demo.js')),
];
