/**
 * `tapedeck backtest <recording...> --strategy <file>`: run a strategy over recordings (merged by
 * ts) and record everything it produces into an output recording whose session-start is the run's
 * manifest. Same recordings, strategy and seed → byte-identical output (`tapedeck diff` exits 0).
 * Prints the summary (or --json) and the output directory with its digest.
 */
import type { Argv, CommandModule } from 'yargs';
import type { BacktestRecordingsResult, RecordableLatency, StrategyOptionValue } from '../../backtest/runner.js';
import type { BacktestSummary } from '../../backtest/engine.js';
import type { RiskOptions } from '../../backtest/risk.js';
import type { FeeSchedule } from '../../backtest/venue.js';
import { formatTsIso } from '../../events/ts.js';
import { durationArg, durationOrRangeArg, numberArg, optionPairsArg, positiveNumberArg, recordingArg, seedArg, TS_UNIT_OPTION } from '../args.js';
import { displayPath, resolvePath, type CliIo } from '../io.js';

interface BacktestArgs {
  recordings: string[];
  strategy: string;
  seed?: string;
  speed: string;
  out?: string;
  force: boolean;
  from?: string;
  'fill-model'?: 'top' | 'l2';
  'ts-unit'?: 's' | 'ms' | 'us' | 'ns';
  to?: string;
  option?: string[];
  'run-id'?: string;
  latency?: string;
  'taker-bps'?: string;
  'maker-bps'?: string;
  'max-position'?: string;
  'max-notional'?: string;
  'max-orders-per-sec'?: string;
  'max-loss'?: string;
  'max-drawdown'?: string;
  json: boolean;
  'snapshot-every'?: string;
  'resume-from'?: string;
  'crc-ahead': boolean;
}

/** --seed (the argument layer's rule, shared with `scenario run`). */
export function parseSeedArg(s: string | undefined): number | string | undefined {
  return seedArg('--seed', s);
}

function parseSpeed(s: string): 'max' | number {
  if (s === 'max') return 'max';
  return positiveNumberArg("--speed ('max' or)", s);
}

/** --option k=v pairs (numbers and true/false typed; the strategy checks names and types). */
export function parseOptionArgs(pairs: readonly string[] | undefined): Record<string, StrategyOptionValue> {
  return optionPairsArg('--option', pairs);
}

/** --latency: a duration with its unit (2ms, 500us), or a uniform range MIN-MAX (1ms-5ms). */
export function parseLatencyArg(s: string): RecordableLatency {
  return durationOrRangeArg('--latency', s);
}

const r6 = (x: number) => Number(x.toFixed(6));

/** JSON-safe summary (bigints as decimal strings). */
export function summaryJson(s: BacktestSummary): Record<string, unknown> {
  return JSON.parse(JSON.stringify(s, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v === undefined ? null : v))) as Record<string, unknown>;
}

export function backtestJson(r: BacktestRecordingsResult): Record<string, unknown> {
  return {
    dir: r.dir,
    runId: r.runId,
    digest: r.digest,
    records: r.records,
    summary: summaryJson(r.summary),
    manifest: r.manifest,
    snapshots: r.snapshots,
    ...(r.resumed ? { resumed: r.resumed } : {}),
    wallMs: r2(r.wallMs),
    eventsPerSec: Math.round(r.eventsPerSec),
  };
}

const r2 = (x: number) => Math.round(x * 100) / 100;

/** The summary as an aligned table, for people. */
export function formatBacktest(r: BacktestRecordingsResult): string {
  const s = r.summary;
  const rows: [string, string][] = [
    ['strategy', `${s.strategy}  (run ${r.runId})`],
    ['replay', s.startTs === undefined ? '(no input events)' : `${formatTsIso(s.startTs)} → ${formatTsIso(s.endTs)}`],
    ['events', `${s.eventsProcessed} in (${s.ticks} ticks), ${s.eventsEmitted} out`],
    ['pnl', `net ${r6(s.netPnl)}  (realized ${r6(s.realizedPnl)}, unrealized ${r6(s.unrealizedPnl)}, fees ${r6(s.fees)})`],
    ['trades', `${s.trades}  volume ${r6(s.volume)}`],
    ['orders', `${s.orders}  acks ${s.acks}  rejects ${s.rejects}  cancels ${s.cancels}  expires ${s.expires}  open at end ${s.openOrders}`],
    ['signals', String(s.signals)],
    ['drawdown', `${r6(s.maxDrawdown)} max`],
    ['exposure', `${r6(s.maxExposure)} max gross notional`],
    ['risk', `${s.riskEvents} events, ${s.blocked} blocked${s.killed ? `, KILLED: ${s.killReason ?? ''}` : ''}`],
  ];
  for (const [sym, p] of Object.entries(s.positions)) {
    rows.push([`  ${sym}`, `position ${r6(p.qty)}  realized ${r6(p.realizedPnl)}  unrealized ${r6(p.unrealizedPnl)}  trades ${p.trades}`]);
  }
  if (r.resumed) rows.push(['resumed', `from ${r.resumed.snapshot} (${r.resumed.events} input events in)`]);
  if (r.snapshots > 0) rows.push(['snapshots', `${r.snapshots} written to ${r.dir}/snapshots`]);
  rows.push(['speed', `${Math.round(r.eventsPerSec).toLocaleString('en-US')} events/s (${r2(r.wallMs)} ms wall)`]);
  rows.push(['output', `${r.dir}  (${r.records} records)`]);
  rows.push(['digest', r.digest]);
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n') + '\n';
}

export default function backtestCommand(io: CliIo): CommandModule<object, BacktestArgs> {
  return {
    builder: (y) =>
      y
        .positional('recordings', { type: 'string', array: true, demandOption: true, describe: 'Input recording directories (merged by ts)' })
        .option('strategy', { type: 'string', demandOption: true, describe: 'Strategy module (.js, or .ts loaded through tsx) default-exporting defineStrategy(...)' })
        .option('seed', { type: 'string', describe: 'Seed of latency draws and ctx.random() (default 0)' })
        .option('speed', { type: 'string', default: 'max', describe: "'max' (read directly, as fast as possible) or a replay speed multiplier (paced by the real clock)" })
        .option('out', { type: 'string', describe: 'Output recording directory (default recordings/<runId>)' })
        .option('force', { type: 'boolean', default: false, describe: 'Replace a non-empty output recording' })
        .option('from', { type: 'string', describe: 'Start at this ts (inclusive): ns, ISO-8601 (any UTC offset), +5m after the first input event, or -5s before the last' })
        .option('to', { type: 'string', describe: 'End at this ts (inclusive): same forms as --from' })
        .option('ts-unit', TS_UNIT_OPTION)
        .option('option', { type: 'string', array: true, describe: 'A strategy option key=value (repeatable), e.g. --option fast=10 --option qty=0.5' })
        .option('run-id', { type: 'string', describe: 'runId of the output (default bt-<strategy>-<seed>-<input digest prefix>)' })
        .option('latency', { type: 'string', group: 'Venue:', describe: 'Order latency: a duration with its unit (2ms, 500us), or a uniform range drawn from the seed (1ms-5ms)' })
        .option('fill-model', { choices: ['top', 'l2'] as const, group: 'Venue:', describe: "How orders fill: 'top' against the ticks' top of book (default), 'l2' against the recorded L2 book with queue positions (docs/BACKTEST.md)" })
        .option('taker-bps', { type: 'string', group: 'Venue:', describe: 'Taker fee, basis points of notional' })
        .option('maker-bps', { type: 'string', group: 'Venue:', describe: 'Maker fee (negative: rebate), basis points of notional' })
        .option('max-position', { type: 'string', group: 'Risk:', describe: 'Max absolute position per symbol' })
        .option('max-notional', { type: 'string', group: 'Risk:', describe: 'Max notional of one order' })
        .option('max-orders-per-sec', { type: 'string', group: 'Risk:', describe: 'Max orders per second of replay time' })
        .option('max-loss', { type: 'string', group: 'Risk:', describe: 'Kill when net PnL falls to -N' })
        .option('max-drawdown', { type: 'string', group: 'Risk:', describe: 'Kill when net PnL falls N below its peak' })
        .option('snapshot-every', { type: 'string', group: 'Snapshots:', describe: 'Snapshot the engine every <duration> of input time (e.g. 10s) into <out>/snapshots; needs a strategy with snapshot()/restore() hooks (docs/BACKTEST.md)' })
        .option('resume-from', { type: 'string', group: 'Snapshots:', describe: 'Resume the run recorded in <dir> from its newest valid snapshot into a new --out; same options as that run' })
        .option('crc-ahead', {
          type: 'boolean',
          default: false,
          describe: '--speed max: check the inputs\' frame CRCs in a worker thread ahead of the read (segments of 4 MiB or more): less CPU on the main thread, ~9 MiB more peak memory; same output and errors',
        })
        .option('json', { type: 'boolean', default: false, describe: 'Print the result as one JSON object' })
        .example('$0 backtest rec/btc --strategy scenarios/strategies/ma-crossover.ts', 'Backtest the moving-average crossover at max speed')
        .example('$0 backtest rec/a rec/b --strategy my.ts --seed 7 --latency 1ms-5ms --out bt/7', 'Two recordings merged, random latency drawn from seed 7')
        .example('$0 backtest rec/btc --strategy scenarios/strategies/market-maker.ts --option halfSpread=0.02 --from +5m --to +10m --json', 'Minutes 5 to 10, one option changed, JSON summary')
        .example('$0 backtest rec/btc --strategy s.ts --speed 10', 'Replay paced at 10x real time')
        .example('$0 backtest rec/btc --strategy s.ts --out bt/1 --snapshot-every 1m', 'Snapshot the engine every minute of input time')
        .example('$0 backtest rec/btc --strategy s.ts --out bt/1b --resume-from bt/1', 'Finish the interrupted run bt/1 from its newest snapshot') as Argv<BacktestArgs>,
    handler: async (args) => {
      const { backtestRecordings } = await import('../../backtest/runner.js');
      const { resolveTimeRange } = await import('../../ops/time-range.js');
      // Every value is checked before anything runs: a typo is exit 2, never a silent default.
      const num = (flag: keyof BacktestArgs) => (args[flag] === undefined ? undefined : numberArg(`--${flag}`, args[flag]));
      const pos = (flag: keyof BacktestArgs) => (args[flag] === undefined ? undefined : positiveNumberArg(`--${flag}`, args[flag]));
      const seed = parseSeedArg(args.seed);
      const snapshotEveryNs = args['snapshot-every'] === undefined ? undefined : durationArg('--snapshot-every', args['snapshot-every']);
      const speed = parseSpeed(args.speed);
      const strategyOptions = parseOptionArgs(args.option);
      const latency = args.latency !== undefined ? parseLatencyArg(args.latency) : undefined;
      const fees: FeeSchedule = {};
      const takerBps = num('taker-bps');
      const makerBps = num('maker-bps');
      if (takerBps !== undefined) fees.takerBps = takerBps;
      if (makerBps !== undefined) fees.makerBps = makerBps;
      const venue = {
        ...(args['fill-model'] !== undefined ? { fillModel: args['fill-model'] } : {}),
        ...(latency !== undefined ? { latency } : {}),
        ...(Object.keys(fees).length > 0 ? { fees } : {}),
      };
      const recordings = args.recordings.map((d) => recordingArg(io, d));
      const range = resolveTimeRange(recordings, args.from, args.to, args['ts-unit']);
      const risk: RiskOptions = {};
      const maxPosition = pos('max-position');
      const maxNotional = pos('max-notional');
      const maxOrdersPerSecond = pos('max-orders-per-sec');
      const maxLoss = pos('max-loss');
      const maxDrawdown = pos('max-drawdown');
      if (maxPosition !== undefined) risk.maxPosition = maxPosition;
      if (maxNotional !== undefined) risk.maxNotional = maxNotional;
      if (maxOrdersPerSecond !== undefined) risk.maxOrdersPerSecond = maxOrdersPerSecond;
      if (maxLoss !== undefined) risk.maxLoss = maxLoss;
      if (maxDrawdown !== undefined) risk.maxDrawdown = maxDrawdown;
      const result = await backtestRecordings(recordings, {
        strategyPath: resolvePath(io, args.strategy),
        strategyOptions,
        ...(seed !== undefined ? { seed } : {}),
        speed,
        ...(range.from !== undefined ? { from: range.from } : {}),
        ...(range.to !== undefined ? { to: range.to } : {}),
        ...(args.out !== undefined ? { out: resolvePath(io, args.out) } : {}),
        force: args.force,
        recordingsDir: resolvePath(io, 'recordings'),
        ...(args['run-id'] !== undefined ? { runId: args['run-id'] } : {}),
        ...(Object.keys(venue).length > 0 ? { venue } : {}),
        ...(Object.keys(risk).length > 0 ? { risk } : {}),
        ...(snapshotEveryNs !== undefined ? { snapshotEveryNs } : {}),
        ...(args['resume-from'] !== undefined ? { resumeFrom: resolvePath(io, args['resume-from']) } : {}),
        ...(args['crc-ahead'] ? { crcAhead: true } : {}),
        onWarning: (m) => io.stderr.write(`warning: ${m}\n`),
      });
      const shown = { ...result, dir: args.out ?? displayPath(io, result.dir) };
      io.stdout.write(args.json ? JSON.stringify(backtestJson(shown)) + '\n' : formatBacktest(shown));
    },
  };
}
