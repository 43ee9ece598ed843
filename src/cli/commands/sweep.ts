/**
 * `tapedeck sweep <recording-or-scenario...> --strategy <file> --grid k=v,v --seeds 1..20`: many
 * backtests, one per point of parameters × inputs × seeds, on local worker threads (default: one
 * per core) — the library's runSweep. Prints the results table (or --json), writes
 * results.csv/results.json and one output recording per job under --out; a TTY gets a progress
 * line with an ETA. Exit 1 when any job failed (its row says why), including a --nats job that no
 * worker could finish within --max-deliveries deliveries (code MAX_DELIVERIES).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { TapedeckError } from '../../errors.js';
import type { SweepSpec } from '../../sweep/spec.js';
import type { SweepProgress, SweepResult } from '../../sweep/sweep.js';
import { countArg } from '../args.js';
import { EXIT, ExitError } from '../exit.js';
import { resolvePath, type CliIo } from '../io.js';
import { natsConnectOptions, natsOptions, type NatsArgs } from '../nats-options.js';
import { formatCount, formatDuration } from '../progress.js';
import { parseOptionArgs } from './backtest.js';

interface SweepArgs extends NatsArgs {
  inputs?: string[];
  strategy?: string;
  grid?: string[];
  option?: string[];
  seeds?: string;
  file?: string;
  workers?: number;
  'worker-memory-mb'?: number;
  out?: string;
  resume: boolean;
  force: boolean;
  json: boolean;
  nats?: string;
  'max-deliveries'?: string;
}

/** An input argument: a path (resolved against io.cwd) when one exists there, else a scenario name. */
function inputArg(io: CliIo, arg: string): string {
  const p = resolvePath(io, arg);
  return fs.existsSync(p) ? p : arg;
}

/** The spec from a sweep file (if any) with the command line on top. */
export async function sweepSpecFromArgs(io: CliIo, args: SweepArgs): Promise<SweepSpec> {
  const { loadSweepFile } = await import('../../sweep/file.js');
  const { completeSpec, parseGridArg, parseSeedsArg, checkGrid } = await import('../../sweep/spec.js');
  const part: Partial<SweepSpec> = args.file !== undefined ? await loadSweepFile(resolvePath(io, args.file)) : {};
  if (args.strategy !== undefined) part.strategy = resolvePath(io, args.strategy);
  if (args.inputs !== undefined && args.inputs.length > 0) part.inputs = args.inputs.map((i) => inputArg(io, i));
  if (args.grid !== undefined && args.grid.length > 0) {
    // Axes on the command line replace the file's axis of the same key, and add the others.
    const cli = args.grid.map(parseGridArg);
    checkGrid(cli);
    const keys = new Set(cli.map((a) => a.key));
    part.grid = [...(part.grid ?? []).filter((a) => !keys.has(a.key)), ...cli];
  }
  if (args.option !== undefined) part.options = { ...(part.options ?? {}), ...parseOptionArgs(args.option) };
  if (args.seeds !== undefined) part.seeds = parseSeedsArg(args.seeds);
  return completeSpec(part);
}

/** The TTY progress line: a bar, jobs done of total, failures, jobs/s and the ETA. */
export function renderSweepProgress(p: SweepProgress, ranDone: number, elapsedS: number, width: number): string {
  const frac = p.total > 0 ? p.done / p.total : 1;
  const barW = Math.max(10, Math.min(30, width - 60));
  const filled = Math.round(frac * barW);
  const rate = elapsedS > 0 ? ranDone / elapsedS : 0;
  const left = p.total - p.done;
  const parts = [
    p.phase === 'inputs' ? 'inputs' : 'sweep',
    `[${'#'.repeat(filled)}${'.'.repeat(barW - filled)}] ${(frac * 100).toFixed(0).padStart(3)}%`,
    `${formatCount(p.done)}/${formatCount(p.total)}${p.phase === 'jobs' ? ' jobs' : ''}`,
  ];
  if (p.failed > 0) parts.push(`${p.failed} failed`);
  if (p.phase === 'jobs') parts.push(`${rate.toFixed(2)} jobs/s`, `ETA ${left === 0 ? '0s' : rate > 0 ? formatDuration(left / rate) : '?'}`);
  const line = parts.join('  ');
  return line.length > width ? line.slice(0, width) : line;
}

function summaryLine(r: SweepResult): string {
  const s = r.wallMs / 1000;
  const rate = s > 0 ? `${(r.ran / s).toFixed(2)} jobs/s, ${formatCount(r.ticks / s)} ticks/s` : '';
  return (
    `${r.rows.length} jobs: ${r.rows.length - r.failed} ok, ${r.failed} failed` +
    (r.skipped > 0 ? `, ${r.skipped} already done (--resume)` : '') +
    `; ran ${r.ran} in ${s.toFixed(1)} s${rate ? ` (${rate})` : ''}\n` +
    `results ${r.csvFile}  ${r.jsonFile}\n`
  );
}

export default function sweepCommand(io: CliIo): CommandModule<object, SweepArgs> {
  return {
  builder: (y) =>
    natsOptions(y)
      .positional('inputs', { type: 'string', array: true, describe: 'Recording directories, or scenarios (a bundled name or a scenario file: generated once per seed)' })
      .option('strategy', { type: 'string', describe: 'Strategy module (.js, or .ts loaded through tsx)' })
      .option('grid', { type: 'string', array: true, describe: "An option and its values, e.g. --grid 'fast=5,10,20' (repeatable: the cross product)" })
      .option('option', { type: 'string', array: true, describe: 'A fixed strategy option key=value for every job (repeatable)' })
      .option('seeds', { type: 'string', describe: "Seeds: '1..20', '1,2,5', '1..3,7' (default 0); a scenario input is generated with each" })
      .option('file', { type: 'string', describe: 'A sweep file (JSON, or a .ts/.js module default-exporting defineSweep({...})); flags given too take precedence' })
      .option('workers', { type: 'number', describe: 'Worker threads (default: the number of cores)' })
      .option('worker-memory-mb', { type: 'number', describe: 'Heap cap per worker thread, MiB (default 1024); a job over it fails, the sweep goes on' })
      .option('out', { type: 'string', describe: 'Sweep directory: plan, results.csv/json, one output recording per job (default sweeps/<strategy file name>)' })
      .option('resume', { type: 'boolean', default: false, describe: 'Continue a sweep in --out: jobs already finished (output digest intact) are skipped' })
      .option('force', { type: 'boolean', default: false, describe: 'Start over in an --out that holds a sweep (removes only the sweep\'s own files)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print results.json instead of the table' })
      .option('nats', { type: 'string', group: 'Distributed:', describe: 'Run the jobs on `tapedeck worker`s through NATS JetStream: nats://host:port (see --creds and the TLS options)' })
      .option('max-deliveries', {
        type: 'string',
        group: 'Distributed:',
        describe: 'With --nats: a job delivered this many times without a result (every worker handed it back, or died on it) is a failed row, code MAX_DELIVERIES (default 5)',
      })
      .example("$0 sweep random-walk trend --strategy scenarios/strategies/ma-crossover.ts --grid 'fast=5,10,20' --grid 'slow=50,100' --seeds 1..4 --out sw", '2 scenarios × 4 seeds × 6 points = 48 backtests')
      .example('$0 sweep rec/btc --strategy s.ts --grid qty=1,2 --workers 2 --out sw', 'Two worker threads over one recording')
      .example('$0 sweep --file my-sweep.json --out sw --resume', 'Finish an interrupted sweep')
      .example('$0 sweep random-walk --strategy s.ts --seeds 1..100 --nats nats://10.0.0.5:4222 --out sw', 'The jobs to workers on other hosts (`tapedeck worker --nats ...` there)') as Argv<SweepArgs>,
  handler: async (args) => {
    const { runSweep } = await import('../../sweep/sweep.js');
    const { tableText } = await import('../../sweep/table.js');
    const spec = await sweepSpecFromArgs(io, args);
    if (args.workers !== undefined && !(Number.isSafeInteger(args.workers) && args.workers >= 1)) {
      throw new TapedeckError('BAD_ARGUMENT', `--workers must be an integer ≥ 1 (got ${args.workers})`, {});
    }
    const out = resolvePath(io, args.out ?? path.join('sweeps', path.basename(spec.strategy).replace(/\.[^.]*$/, '')));
    const stream = io.stderr;
    const tty = !args.json && io.isTTY.stderr;
    const t0 = performance.now();
    let firstDone = -1;
    let drawn = false;
    let executor;
    if (args['max-deliveries'] !== undefined && args.nats === undefined) throw new ExitError(EXIT.USAGE, '--max-deliveries needs --nats (local jobs are not redelivered)');
    if (args.nats !== undefined) {
      const { natsExecutor } = await import('../../sweep/nats-executor.js');
      executor = natsExecutor({
        url: args.nats,
        ...(args['max-deliveries'] !== undefined ? { deliveriesMax: countArg('--max-deliveries', args['max-deliveries'], 1) } : {}),
        connect: natsConnectOptions(args, io, 'tapedeck sweep'),
        log: (line) => {
          if (!args.json) io.stderr.write(`sweep: ${line}\n`);
        },
      });
    }
    const result = await runSweep(spec, {
      out,
      ...(executor !== undefined ? { executor } : {}),
      ...(args.workers !== undefined ? { workers: args.workers } : {}),
      ...(args['worker-memory-mb'] !== undefined ? { memoryMbMax: args['worker-memory-mb'] } : {}),
      resume: args.resume,
      force: args.force,
      ...(tty
        ? {
            onProgress: (p: SweepProgress) => {
              if (p.phase === 'jobs' && firstDone < 0) firstDone = p.done;
              const ran = p.phase === 'jobs' ? p.done - firstDone : 0;
              stream.write(`\r${renderSweepProgress(p, ran, (performance.now() - t0) / 1000, (stream.columns || 100) - 1)}\x1b[K`);
              drawn = true;
            },
          }
        : {}),
    }).finally(() => {
      if (drawn) stream.write('\r\x1b[K');
    });
    if (args.json) io.stdout.write(resultJson(result));
    else io.stdout.write(tableText(result.plan, result.rows) + summaryLine(result));
    if (result.failed > 0) {
      const first = result.rows.find((r) => r.status === 'failed')!;
      throw new ExitError(EXIT.CHECK_FAILED, `${result.failed} of ${result.rows.length} jobs failed (first: #${first.index} ${first.error ?? ''})`);
    }
  },
};
}

/** --json: where the files are, what ran, and results.json itself. */
function resultJson(r: SweepResult): string {
  const results = JSON.parse(fs.readFileSync(r.jsonFile, 'utf8')) as unknown;
  return JSON.stringify({ dir: r.dir, csv: r.csvFile, json: r.jsonFile, ran: r.ran, skipped: r.skipped, failed: r.failed, wallMs: Math.round(r.wallMs), results }) + '\n';
}
