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
import type { SchedulerLike } from 'rxjs';
import { IoError, TapedeckError } from '../errors.js';
import { openEventLog, openRecording, watchedPayloadEncoder, writeEvent, type Recording } from '../events/recording.js';
import { TYPE_TAG, type FlatMap, type SystemEvent, type TapeEvent } from '../events/types.js';
import { validateEvent } from '../events/validate.js';
import { openReader, realFileOps, SnapshotStore, snapshotName, withWriterLock, type Log, type SnapshotMeta } from '../log/index.js';
import { restoreSnapshot, takeSnapshot } from '../events/state.js';
import { SeededRandom } from './random.js';
import { deriveRecordingId } from '../log/recording-id.js';
import { LOCK_NAME, MANIFEST_NAME, METRICS_NAME, SEGMENT_SUFFIX, TMP_SUFFIX } from '../log/names.js';
import { EventMerge } from '../replay/merge.js';
import type { Replayer } from '../replay/replayer.js';
import { defaultExport, loadModule } from '../util/load-module.js';
import { mkdirs } from '../util/mkdirs.js';
import { DIGEST_VERSION, StreamDigest } from '../verify/digest.js';
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
  /**
   * Snapshot the engine every this many ns of input time into <out>/snapshots (the newest
   * SNAPSHOTS_KEPT are kept). Needs speed 'max' and a strategy with snapshot()/restore() hooks.
   */
  snapshotEveryNs?: bigint;
  /**
   * Resume the run recorded in this directory from its newest valid snapshot: the new output
   * (`out`, another directory) gets that run's records up to the snapshot, then the rest of the
   * run. The result is the recording the uninterrupted run gives. Needs speed 'max', and every
   * option that determines the output (the manifest) equal to that run's.
   */
  resumeFrom?: string;
  /** Snapshots skipped as damaged or incomplete while resuming. */
  onWarning?: (message: string) => void;
  /**
   * Check the inputs' frame CRCs in a worker thread ahead of the read (log/crc-ahead.ts; segments
   * of 4 MiB or more): less CPU on the main thread for ~9 MiB more peak memory; the same output
   * and the same errors at damage. Needs speed 'max'. Default off. Like the speed, it changes how
   * the run goes, never what it produces, and is not in the manifest.
   */
  crcAhead?: boolean;
}

/** Where a backtest keeps its engine snapshots, inside its output recording. */
export const BACKTEST_SNAPSHOTS_DIR = 'snapshots';
/** How many engine snapshots a run keeps (older ones are pruned as new ones are written). */
export const SNAPSHOTS_KEPT = 3;

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
  /** Engine snapshots written by this run (--snapshot-every). */
  snapshots: number;
  /** When resumed: the snapshot used and how many input events it had consumed. */
  resumed?: { from: string; snapshot: string; events: number };
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
  return name.endsWith(SEGMENT_SUFFIX) || name.includes(`${SEGMENT_SUFFIX}.torn-`) || name.endsWith(TMP_SUFFIX) || name === LOCK_NAME || name === METRICS_NAME || name === MANIFEST_NAME || name === BACKTEST_SNAPSHOTS_DIR;
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

  const every = options.snapshotEveryNs;
  if (every !== undefined && every <= 0n) throw new TapedeckError('BAD_ARGUMENT', `--snapshot-every must be a duration > 0 (got ${every} ns)`, {});
  if (options.crcAhead === true && speed !== 'max') {
    throw new TapedeckError('BAD_ARGUMENT', `--crc-ahead needs --speed max (a paced run reads at the pace of the clock)`, { speed: String(speed) });
  }
  if ((every !== undefined || options.resumeFrom !== undefined) && speed !== 'max') {
    throw new TapedeckError('BAD_ARGUMENT', `--snapshot-every and --resume-from need --speed max (a paced run is for watching; its output is the same as at max)`, { speed: String(speed) });
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

  // The engine first: a run that cannot snapshot is refused before anything is written.
  let emit: (ev: TapeEvent, seq: number) => void = () => {};
  const engine = new BacktestEngine(
    {
      strategy,
      runId,
      rng: new SeededRandom(seed),
      ...(options.venue ? { venue: options.venue } : {}),
      ...(options.risk ? { risk: options.risk } : {}),
      // The session-start is the output's seq 0: the engine's outputs are 1, 2, ...
      seqBase: 1,
      honorInputKill: options.honorInputKill ?? true,
    },
    (ev, seq) => emit(ev, seq),
  );
  if (every !== undefined || options.resumeFrom !== undefined) {
    const problem = engine.snapshotProblem();
    if (problem) throw new TapedeckError('BAD_ARGUMENT', `${every !== undefined ? '--snapshot-every' : '--resume-from'}: ${problem}`, { strategy: strategy.name });
  }
  const resume = options.resumeFrom === undefined ? undefined : resumePoint(options.resumeFrom, out, manifest, engine, inputs.length, options.onWarning);

  prepareOutputDir(out, options.force);
  // Deterministic: the id comes from the run's manifest (inputs, strategy, seed, options).
  const recordingId = deriveRecordingId('backtest', jsonText(manifest));
  const log: Log = await openEventLog(out, { durability: 'async', measureLatency: false, recordingId, ...(options.segmentBytes ? { segmentBytes: options.segmentBytes } : {}) });
  let closed = false;
  // The output's digest, hashed as each record is written (the same stream digestRecording reads
  // back: ts, type, payload in log order): reading the output again for it was 7% of the CLI's
  // profile of a 1M-tick backtest.
  const outDigest = new StreamDigest();
  const enc = watchedPayloadEncoder((ev, buf, start, end) => outDigest.updateAt(ev.ts, TYPE_TAG[ev.type], buf, start, end));
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
    let lastTs = startTs;
    if (resume) lastTs = copyPrefix(resume, log, outDigest);
    else {
      const startSeq = writeEvent(log, startEvent, enc);
      if (startSeq !== 0) throw new TapedeckError('CHECK_FAILED', `internal: the session-start got seq ${startSeq}, not 0`, { startSeq });
    }
    emit = (ev: TapeEvent, seq: number) => {
      const got = writeEvent(log, ev, enc);
      if (got !== seq) throw new TapedeckError('CHECK_FAILED', `internal: output seq ${got} differs from the engine's number ${seq}`, { got, seq });
      lastTs = ev.ts;
    };
    if (!resume) engine.start(startTs);

    let snapshots = 0;
    if (speed === 'max') {
      // Per input, the seq of the last event fed to the engine: the merge order is fixed, so what
      // was fed is a prefix of every input, and a resumed run skips exactly that.
      const fed = resume ? resume.fed.slice() : inputs.map(() => -1);
      let count = resume ? resume.meta.seq : 0;
      const store = every !== undefined ? new SnapshotStore(path.join(out, BACKTEST_SNAPSHOTS_DIR)) : undefined;
      let nextSnapshotTs = every !== undefined ? (resume ? resume.meta.tsNs : startTs) + every : undefined;
      const merge = new EventMerge(recordings);
      try {
        const fromTs = resume ? resume.meta.tsNs : from;
        merge.open({ fromTs, toTs: to, crcAhead: options.crcAhead === true });
        for (let src = merge.peek(); src !== null; src = merge.peek()) {
          const ev = merge.take(src);
          const i = src.index;
          if (resume && ev.seq !== undefined && ev.seq <= fed[i]!) continue;
          engine.onEvent(ev);
          fed[i] = ev.seq ?? fed[i]!;
          count++;
          if (nextSnapshotTs !== undefined && ev.ts >= nextSnapshotTs) {
            // The outputs the snapshot counts must be on disk before the snapshot says so.
            await log.sync();
            const info: Record<string, string | number> = { kind: 'backtest', outSeq: engine.nextSeq - 1, outTsNs: lastTs.toString() };
            fed.forEach((seqFed, k) => (info[`input.${k}.seq`] = seqFed));
            await takeSnapshot(store!, count, ev.ts, engine.stateParts(), info);
            store!.prune(SNAPSHOTS_KEPT);
            snapshots++;
            nextSnapshotTs = ev.ts + every!;
          }
        }
      } finally {
        merge.close();
      }
    } else {
      // Loaded here: only a paced run needs the bus, the Replayer and rxjs (module loading was
      // ~4% of the CPU of a 1M-tick run at max speed).
      const [{ lastValueFrom }, { EventBus }, { Replayer }] = await Promise.all([import('rxjs'), import('../bus/index.js'), import('../replay/replayer.js')]);
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
      enc,
    );
    closed = true;
    await log.close();
    const wallMs = performance.now() - t0;
    return {
      dir: out,
      runId,
      summary,
      digest: outDigest.hex(),
      records: outDigest.records,
      manifest,
      wallMs,
      eventsPerSec: wallMs > 0 ? summary.eventsProcessed / (wallMs / 1000) : 0,
      snapshots,
      ...(resume ? { resumed: { from: resume.dir, snapshot: resume.name, events: resume.meta.seq } } : {}),
    };
  } finally {
    if (!closed) await log.close().catch(() => undefined);
  }
}

interface ResumePoint {
  dir: string;
  name: string;
  meta: SnapshotMeta;
  /** Per input, the seq of the last event the snapshot's engine had been fed (-1: none). */
  fed: number[];
  /** The previous output's last seq the snapshot includes. */
  outSeq: number;
}

/**
 * Checks that `dir` holds the same run (its session-start manifest equals `manifest`), restores
 * `engine` from its newest valid snapshot, and says where the run stands.
 */
function resumePoint(dir: string, out: string, manifest: FlatMap, engine: BacktestEngine, inputs: number, onWarning?: (m: string) => void): ResumePoint {
  if (!fs.existsSync(dir)) throw new TapedeckError('NOT_FOUND', `--resume-from ${dir}: no such recording`, { path: dir });
  if (path.resolve(dir) === path.resolve(out)) {
    throw new TapedeckError('BAD_ARGUMENT', `--resume-from ${dir}: give another --out (the resumed run is written afresh: the records up to the snapshot are copied from ${dir}, the rest computed)`, { path: dir });
  }
  let first: TapeEvent | undefined;
  for (const ev of openRecording(dir).events({ toSeq: 0 })) first = ev;
  if (!first || first.type !== 'system' || first.kind !== 'session-start' || !first.data) {
    throw new TapedeckError('BAD_ARGUMENT', `--resume-from ${dir}: not a backtest output (no session-start at seq 0)`, { path: dir });
  }
  const had = first.data;
  const keys = [...new Set([...Object.keys(had), ...Object.keys(manifest)])].sort();
  const differ = keys.filter((k) => String(had[k]) !== String(manifest[k]));
  if (differ.length > 0) {
    const shown = differ.slice(0, 5).map((k) => `${k} (${dir}: ${had[k] === undefined ? '-' : String(had[k])}, now: ${manifest[k] === undefined ? '-' : String(manifest[k])})`);
    throw new TapedeckError('BAD_ARGUMENT', `--resume-from ${dir}: another run: ${shown.join('; ')}${differ.length > 5 ? ` and ${differ.length - 5} more` : ''}`, { path: dir, differ });
  }
  const store = new SnapshotStore(path.join(dir, BACKTEST_SNAPSHOTS_DIR), { onWarning: (w) => onWarning?.(`snapshot ${w.name} ignored: ${w.problem}`) });
  const meta = store.exists() ? restoreSnapshot(store, engine.stateParts(), (m) => m.info.kind === 'backtest', (name, problem) => onWarning?.(`snapshot ${name} ignored: ${problem}`)) : null;
  if (!meta) throw new TapedeckError('NOT_FOUND', `--resume-from ${dir}: no usable snapshot in ${path.join(dir, BACKTEST_SNAPSHOTS_DIR)} (run with --snapshot-every)`, { path: dir });
  const int = (k: string): number => {
    const v = meta.info[k];
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new TapedeckError('CORRUPT_SNAPSHOT', `${dir}: snapshot ${meta.seq}: META.json info.${k} is not a whole number`, { path: dir, field: k });
    return v;
  };
  const fed = Array.from({ length: inputs }, (_x, k) => int(`input.${k}.seq`));
  return { dir, name: path.join(dir, BACKTEST_SNAPSHOTS_DIR, snapshotName(meta.seq)), meta, fed, outSeq: int('outSeq') };
}

/** Copies the previous output's records 0..outSeq into the new log; returns the last one's ts. */
function copyPrefix(r: ResumePoint, log: Log, digest: StreamDigest): bigint {
  const reader = openReader(r.dir);
  const c = reader.cursor({ toSeq: r.outSeq });
  let last = -1;
  let lastTs = 0n;
  try {
    for (let rec = c.next(); rec !== null; rec = c.next()) {
      const got = log.write(rec.type, rec.tsNs, rec.payload);
      digest.update(rec.tsNs, rec.type, rec.payload);
      if (got !== rec.seq) throw new TapedeckError('CHECK_FAILED', `internal: copied record ${rec.seq} got seq ${got}`, { seq: rec.seq, got });
      last = rec.seq;
      lastTs = rec.tsNs;
    }
  } finally {
    c.close();
  }
  if (last !== r.outSeq) {
    throw new TapedeckError('CHECK_FAILED', `--resume-from ${r.dir}: its log ends at seq ${last}, before the snapshot's seq ${r.outSeq} (the snapshot is newer than the log: was the log repaired?)`, { path: r.dir, last, outSeq: r.outSeq });
  }
  return lastTs;
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

