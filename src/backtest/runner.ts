/**
 * Backtests to disk: read input recordings (merged by ts), feed a BacktestEngine, and record
 * everything it emits into an output recording with its own runId.
 *
 * Output layout (seqs as the log assigns them):
 *   seq 0       system `session-start`: the manifest (input digests, strategy file sha256, seed,
 *               every option, the tapedeck version), at the ts of the first input event in range
 *   seq 1..n    the engine's outputs, in emission order (seqBase = 1, so the engine's numbers and
 *               its `cause` links to other outputs are the log's seqs)
 *   seq n+1     system `session-end`: the summary numbers
 *
 * Determinism: nothing in the output comes from the wall clock, the host, the pid or a path
 * (inputs are named by digest, the strategy by file name and sha256), and the seeded source is
 * seedrandom's Alea, so the same inputs, strategy file, options and seed give byte-identical
 * segment files. events/s is measured on the wall clock and only returned, never recorded.
 *
 * Reading: at speed 'max' the inputs are read directly through an EventMerge (the same k-way
 * merge of cursors the Replayer uses: ties on ts go to the input given first, then log order),
 * which avoids the bus and scheduler. A numeric speed goes through the Replayer onto an EventBus
 * with a real scheduler (the Replayer's realtimeScheduler unless one is given), so a run at speed N takes about
 * (duration / N) of wall time; the events, their order and so the output bytes are the same as
 * at 'max'. That is why the speed is the one option left out of the manifest: it changes how long
 * the run takes, never what it produces (a test holds a paced run to the bytes of a 'max' one).
 */
import { TAPEDECK_VERSION } from '../util/version.js';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lastValueFrom, type SchedulerLike } from 'rxjs';
import seedrandom from 'seedrandom';
import { EventBus } from '../bus/index.js';
import { IoError, TapedeckError } from '../errors.js';
import { openEventLog, openRecording, writeEvent, type Recording } from '../events/recording.js';
import type { FlatMap, SystemEvent, TapeEvent } from '../events/types.js';
import { validateEvent } from '../events/validate.js';
import { realFileOps, withWriterLock, type Log } from '../log/index.js';
import { deriveRecordingId } from '../log/recording-id.js';
import { LOCK_NAME, MANIFEST_NAME, METRICS_NAME, SEGMENT_SUFFIX, TMP_SUFFIX } from '../log/names.js';
import { EventMerge } from '../replay/merge.js';
import { Replayer } from '../replay/replayer.js';
import { defaultExport, loadModule } from '../util/load-module.js';
import { mkdirs } from '../util/mkdirs.js';
import { DIGEST_VERSION, digestRecordingDetailed } from '../verify/digest.js';
import { cachedDigest } from '../verify/digest-cache.js';
import { BacktestEngine, type BacktestSummary } from './engine.js';
import type { RiskOptions } from './risk.js';
import { loadStrategy } from './strategy.js';
import type { FeeSchedule, FillModel } from './venue.js';

/** A latency that can be written into a manifest: fixed ns, or uniform in [minNs, maxNs]. */
export type RecordableLatency = bigint | number | { minNs: bigint | number; maxNs: bigint | number };

export interface RunnerVenueOptions {
  name?: string;
  latency?: RecordableLatency;
  fees?: FeeSchedule;
  tickSize?: number;
  tradeFill?: 'at-or-through' | 'through';
  /** 'top' (default) or 'l2': match against the recorded L2 book with queue positions. */
  fillModel?: FillModel;
}

export type StrategyOptionValue = string | number | boolean;

export interface BacktestRecordingsOptions {
  /** A strategy module (.js, or .ts loaded through tsx) default-exporting a factory or a Strategy. */
  strategyPath: string;
  strategyOptions?: Readonly<Record<string, StrategyOptionValue>>;
  /** Seeds latency draws and ctx.random(). Default 0. */
  seed?: number | string;
  /** Default 'max'. */
  speed?: 'max' | number;
  /** Inclusive input range, ns. */
  from?: bigint;
  to?: bigint;
  /** Output directory; default <recordingsDir>/<runId>. */
  out?: string;
  /** Where the default output goes (default 'recordings', relative to the working directory). */
  recordingsDir?: string;
  /** Replace a non-empty output recording (only one that holds nothing but log files). */
  force?: boolean;
  /** Default: defaultBacktestRunId(strategy name, seed, input digests). */
  runId?: string;
  venue?: RunnerVenueOptions;
  risk?: RiskOptions;
  /** Default true. */
  honorInputKill?: boolean;
  /** Rotate output segments at about this many bytes. */
  segmentBytes?: number;
  /** The scheduler of a numeric-speed replay (default: the Replayer's realtimeScheduler). */
  scheduler?: SchedulerLike;
}

export interface BacktestRecordingsResult {
  dir: string;
  runId: string;
  summary: BacktestSummary;
  /** digestRecording of the output. */
  digest: string;
  /** Records in the output. */
  records: number;
  /** The session-start data, as recorded. */
  manifest: FlatMap;
  /** Wall-clock measures: never recorded. */
  wallMs: number;
  eventsPerSec: number;
}

const DEFAULT_SEED = 0;

/** sha256 hex of a file's bytes. */
export function sha256File(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/**
 * The runId of a backtest when none is given: strategy name, seed and the first 12 hex digits of
 * the input digest (of the digests joined by ',' when there are several). Reproducible.
 */
export function defaultBacktestRunId(strategy: string, seed: number | string, inputDigests: readonly string[]): string {
  const d = inputDigests.length === 1 ? inputDigests[0]! : createHash('sha256').update(inputDigests.join(',')).digest('hex');
  return `bt-${strategy}-${seed}-${d.slice(0, 12)}`;
}

/** tapedeck's version (src/util/version.ts reads it from package.json: no clock involved). */
export function tapedeckVersion(): string {
  return TAPEDECK_VERSION;
}

function isLogFile(name: string): boolean {
  return name.endsWith(SEGMENT_SUFFIX) || name.includes(`${SEGMENT_SUFFIX}.torn-`) || name.endsWith(TMP_SUFFIX) || name === LOCK_NAME || name === METRICS_NAME || name === MANIFEST_NAME;
}

/**
 * Makes `dir` ready for a new recording: created if missing; an existing non-empty directory is
 * refused, or with `force` removed first — but only when it holds nothing but log files, so a
 * mistyped --out never deletes anything else.
 */
export function prepareOutputDir(dir: string, force = false): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      try {
        mkdirs(dir);
      } catch (err) {
        throw new IoError(dir, 'cannot create the output directory', err);
      }
      return;
    }
    throw e;
  }
  if (entries.length === 0) return;
  if (!force) {
    throw new TapedeckError('BAD_ARGUMENT', `${dir}: output directory is not empty; pass --force to replace the recording in it`, { path: dir });
  }
  const foreign = entries.filter((n) => !isLogFile(n));
  if (foreign.length > 0) {
    throw new TapedeckError('BAD_ARGUMENT', `${dir}: not replacing it: it holds files that are not part of a recording (${foreign.slice(0, 3).join(', ')})`, {
      path: dir,
      files: foreign.slice(0, 10),
    });
  }
  // Under the writer lock: a recording a live writer holds is refused (LOCKED), never deleted.
  withWriterLock(realFileOps, dir, () => {
    for (const n of entries) if (n !== LOCK_NAME) fs.rmSync(path.join(dir, n), { recursive: true, force: true });
  });
}

function jsonText(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
}

/** Flattens options into manifest entries: dotted keys, flat values as is, the rest as JSON. */
function flattenInto(out: FlatMap, prefix: string, v: unknown): void {
  if (v === undefined) return;
  if (typeof v === 'string') out[prefix] = v;
  else if (typeof v === 'number') out[prefix] = Number.isFinite(v) ? v : String(v);
  else if (typeof v === 'boolean' || typeof v === 'bigint') out[prefix] = String(v);
  else if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype) {
    for (const [k, x] of Object.entries(v)) flattenInto(out, `${prefix}.${k}`, x);
  } else out[prefix] = jsonText(v);
}

/** The ts of the first input event in range, if any. */
function firstInputTs(recordings: readonly Recording[], from: bigint | undefined, to: bigint | undefined): bigint | undefined {
  const m = new EventMerge(recordings);
  try {
    m.open({ fromTs: from, toTs: to });
    return m.peek()?.head?.ts;
  } finally {
    m.close();
  }
}

/** Reads the inputs, runs the strategy over them and records the outputs (see the module comment). */
export async function backtestRecordings(inputs: readonly string[], options: BacktestRecordingsOptions): Promise<BacktestRecordingsResult> {
  if (inputs.length === 0) throw new TapedeckError('BAD_ARGUMENT', 'backtest: name at least one input recording', {});
  const speed = options.speed ?? 'max';
  if (speed !== 'max' && !(typeof speed === 'number' && speed > 0 && Number.isFinite(speed))) {
    throw new TapedeckError('BAD_ARGUMENT', `--speed must be 'max' or a number > 0 (got ${String(speed)})`, { speed: String(speed) });
  }
  const { from, to } = options;
  if (from !== undefined && to !== undefined && from > to) {
    throw new TapedeckError('BAD_ARGUMENT', `--from (${from}) is after --to (${to})`, { from: String(from), to: String(to) });
  }
  const latency = options.venue?.latency;
  if (typeof latency === 'function') {
    throw new TapedeckError('BAD_ARGUMENT', 'a latency function cannot be recorded in the manifest: give ns or { minNs, maxNs }', {});
  }
  const seed = options.seed ?? DEFAULT_SEED;
  if (!(typeof seed === 'string' ? seed.length > 0 : Number.isSafeInteger(seed))) {
    throw new TapedeckError('BAD_ARGUMENT', `seed must be an integer or a non-empty string (got ${String(seed)})`, { seed: String(seed) });
  }

  for (const dir of inputs) {
    if (!fs.existsSync(dir)) throw new TapedeckError('NOT_FOUND', `${dir}: no such recording`, { path: dir });
  }
  const digests = inputs.map((dir) => cachedDigest(dir));
  const loaded = await loadModule(options.strategyPath);
  const exported = defaultExport(loaded.module);
  const strategyOptions = { ...(options.strategyOptions ?? {}) };
  const strategy = loadStrategy(exported, strategyOptions);
  const defaults = typeof exported === 'function' ? (exported as { defaults?: unknown }).defaults : undefined;
  const effectiveOptions: Record<string, unknown> =
    defaults !== null && typeof defaults === 'object' ? { ...(defaults as Record<string, unknown>), ...strategyOptions } : strategyOptions;
  const strategySha = sha256File(loaded.path);
  const runId = options.runId ?? defaultBacktestRunId(strategy.name, seed, digests.map((d) => d.digest));
  const out = options.out ?? path.join(options.recordingsDir ?? 'recordings', runId);

  // The manifest: everything that determines the output, nothing that varies between hosts.
  const manifest: FlatMap = {
    tapedeck: tapedeckVersion(),
    digestVersion: DIGEST_VERSION,
    runId,
    seed: typeof seed === 'number' ? seed : String(seed),
    strategy: strategy.name,
    strategyFile: path.basename(loaded.path),
    strategySha256: strategySha,
    inputs: inputs.length,
    honorInputKill: String(options.honorInputKill ?? true),
  };
  digests.forEach((d, i) => {
    manifest[`input.${i}.digest`] = d.digest;
    manifest[`input.${i}.records`] = d.records;
  });
  if (from !== undefined) manifest.from = from.toString();
  if (to !== undefined) manifest.to = to.toString();
  for (const [k, v] of Object.entries(effectiveOptions)) flattenInto(manifest, `option.${k}`, v);
  flattenInto(manifest, 'venue', options.venue ?? {});
  flattenInto(manifest, 'risk', options.risk ?? {});

  const recordings = inputs.map((dir) => openRecording(dir));
  const startTs = firstInputTs(recordings, from, to) ?? from ?? 0n;

  prepareOutputDir(out, options.force);
  // Deterministic: the id comes from the run's manifest (inputs, strategy, seed, options).
  const recordingId = deriveRecordingId('backtest', jsonText(manifest));
  const log: Log = await openEventLog(out, { durability: 'async', measureLatency: false, recordingId, ...(options.segmentBytes ? { segmentBytes: options.segmentBytes } : {}) });
  let closed = false;
  const t0 = performance.now();
  try {
    const startEvent = validateEvent({
      type: 'system',
      ts: startTs,
      runId,
      kind: 'session-start',
      message: `backtest ${strategy.name} seed ${String(seed)} over ${inputs.length} recording${inputs.length === 1 ? '' : 's'}`,
      data: manifest,
    } satisfies SystemEvent);
    const startSeq = writeEvent(log, startEvent);
    let lastTs = startTs;
    const prng = seedrandom.alea(String(seed));
    const engine = new BacktestEngine(
      {
        strategy,
        runId,
        rng: () => prng.double(),
        ...(options.venue ? { venue: options.venue } : {}),
        ...(options.risk ? { risk: options.risk } : {}),
        seqBase: startSeq + 1,
        honorInputKill: options.honorInputKill ?? true,
      },
      (ev: TapeEvent, seq: number) => {
        const got = writeEvent(log, ev);
        if (got !== seq) throw new TapedeckError('CHECK_FAILED', `internal: output seq ${got} differs from the engine's number ${seq}`, { got, seq });
        lastTs = ev.ts;
      },
    );
    engine.start(startTs);

    if (speed === 'max') {
      const merge = new EventMerge(recordings);
      try {
        merge.open({ fromTs: from, toTs: to });
        for (let src = merge.peek(); src !== null; src = merge.peek()) engine.onEvent(merge.take(src));
      } finally {
        merge.close();
      }
    } else {
      let failure: unknown;
      let replayer: Replayer | null = null;
      const bus = new EventBus({
        onError: (e) => {
          failure ??= e;
          replayer?.stop();
        },
      });
      bus.subscribe((ev) => {
        if (failure === undefined) engine.onEvent(ev);
      });
      replayer = new Replayer(recordings, bus, options.scheduler ? { scheduler: options.scheduler } : {});
      await lastValueFrom(replayer.start({ from, to, speed }), { defaultValue: undefined });
      if (failure !== undefined) throw failure;
    }

    const summary = engine.finish();
    let endTs = summary.endTs > lastTs ? summary.endTs : lastTs;
    if (endTs < startTs) endTs = startTs;
    writeEvent(
      log,
      validateEvent({
        type: 'system',
        ts: endTs,
        runId,
        kind: 'session-end',
        message: `backtest ${strategy.name} done: ${summary.trades} trades, net PnL ${round(summary.netPnl)}`,
        data: summaryData(summary),
      } satisfies SystemEvent),
    );
    closed = true;
    await log.close();
    const wallMs = performance.now() - t0;
    const digest = digestRecordingDetailed(out);
    return {
      dir: out,
      runId,
      summary,
      digest: digest.digest,
      records: digest.records,
      manifest,
      wallMs,
      eventsPerSec: wallMs > 0 ? summary.eventsProcessed / (wallMs / 1000) : 0,
    };
  } finally {
    if (!closed) await log.close().catch(() => undefined);
  }
}

/** Rounds away float residue for messages (the data keeps full values). */
function round(x: number): number {
  return Number(x.toFixed(8));
}

/** The summary's numbers as session-end data. */
export function summaryData(s: BacktestSummary): FlatMap {
  const d: FlatMap = {
    eventsProcessed: s.eventsProcessed,
    ticks: s.ticks,
    eventsEmitted: s.eventsEmitted,
    signals: s.signals,
    orders: s.orders,
    acks: s.acks,
    rejects: s.rejects,
    cancels: s.cancels,
    expires: s.expires,
    trades: s.trades,
    volume: s.volume,
    fees: s.fees,
    realizedPnl: s.realizedPnl,
    unrealizedPnl: s.unrealizedPnl,
    netPnl: s.netPnl,
    maxDrawdown: s.maxDrawdown,
    sharpe: s.sharpe,
    maxExposure: s.maxExposure,
    riskEvents: s.riskEvents,
    blocked: s.blocked,
    killed: String(s.killed),
    openOrders: s.openOrders,
  };
  if (s.killReason !== undefined) d.killReason = s.killReason;
  for (const [sym, p] of Object.entries(s.positions)) d[`position.${sym}`] = p.qty;
  for (const [k, v] of Object.entries(d)) if (typeof v === 'number' && !Number.isFinite(v)) d[k] = String(v);
  return d;
}

