/**
 * `runScenario`: generate a scenario's events and record them, deterministically; then, when the
 * scenario names a strategy, backtest it over the recording and check the expectations.
 *
 * The recording is written straight through the event log (openEventLog + writeEvent), not the
 * Recorder: the scenario already brings its own session-start / session-end, runId and source
 * timestamps, and nothing else (no wall clock, host or pid) goes in, so the same scenario and seed
 * give byte-identical segment files.
 *
 * The backtest of a scenario with a strategy is recorded beside the scenario recording, in
 * `<dir>-backtest`, with the scenario's seed; its strategy path is relative to the scenario file
 * (for a bundled scenario: dist/scenarios/strategies/...).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { backtestRecordings, prepareOutputDir, type BacktestRecordingsResult } from '../backtest/runner.js';
import { TapedeckError } from '../errors.js';
import { openEventLog, openRecording, writeEvent } from '../events/recording.js';
import type { TapeEvent } from '../events/types.js';
import { validateEvent } from '../events/validate.js';
import { defaultExport, loadModule } from '../util/load-module.js';
import { checkSeed } from '../util/seed.js';
import { deriveRecordingId } from '../log/recording-id.js';
import { cachedDigest } from '../verify/digest-cache.js';
import { isScenario, type Scenario } from './define.js';
import { checkExpectations, type ExpectationResult } from './expectations.js';
import { defaultRunId, generateScenario } from './generate.js';

export interface ScenarioRunOptions {
  /** Overrides the scenario's seed. */
  seed?: number | string;
  /** Output directory; default <recordingsDir>/<name>-<seed>. */
  out?: string;
  /** Where default outputs go (default 'recordings', relative to the working directory). */
  recordingsDir?: string;
  /** Replace a non-empty output recording (and its -backtest sibling). */
  force?: boolean;
  /** Rotate segments at about this many bytes. */
  segmentBytes?: number;
  /** Default defaultRunId(name, seed). */
  runId?: string;
  /** Run the scenario's strategy and check its expectations (default true when it names one). */
  backtest?: boolean;
  /** Where the backtest is recorded; default `<dir>-backtest`. */
  backtestOut?: string;
  /** The directory the scenario's strategy path is relative to when a Scenario object is given (default cwd). */
  baseDir?: string;
}

export interface ScenarioRunResult {
  scenario: Scenario;
  /** The scenario file, when loaded from one. */
  file?: string;
  dir: string;
  runId: string;
  seed: number | string;
  /** Events recorded. */
  events: number;
  /** digestRecording of the recording. */
  digest: string;
  /** Present when a backtest ran (a strategy was named). */
  expectations?: ExpectationResult[];
  backtest?: BacktestRecordingsResult;
  /** False when an expectation failed. */
  ok: boolean;
}

export interface ScenarioInfo {
  name: string;
  description: string;
  file: string;
}

/** Where the bundled scenarios are: dist/scenarios next to dist/src (or scenarios/ from source). */
export function bundledScenariosDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'scenarios');
}

/** Module files of a scenario directory: the .js ones, or the .ts ones when there are none. */
function scenarioFiles(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const js = names.filter((n) => n.endsWith('.js'));
  const files = js.length > 0 ? js : names.filter((n) => n.endsWith('.ts') && !n.endsWith('.d.ts'));
  return files.map((n) => path.join(dir, n)).filter((f) => fs.statSync(f).isFile());
}

/** The scenarios in a directory (default: the bundled ones), by name. */
export async function listScenarios(dir = bundledScenariosDir()): Promise<ScenarioInfo[]> {
  const out: ScenarioInfo[] = [];
  for (const file of scenarioFiles(dir)) {
    const { module } = await loadModule(file);
    const s = defaultExport(module);
    if (isScenario(s)) out.push({ name: s.name, description: s.description, file });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function looksLikePath(arg: string): boolean {
  return arg.includes('/') || arg.includes(path.sep) || /\.(m?[jt]s|cjs|cts)$/.test(arg);
}

/** A scenario by bundled name or by file path. */
export async function loadScenario(nameOrPath: string, dir = bundledScenariosDir()): Promise<{ scenario: Scenario; file: string }> {
  let file: string | undefined;
  if (looksLikePath(nameOrPath) || isFile(nameOrPath)) file = nameOrPath;
  else {
    file = scenarioFiles(dir).find((f) => path.basename(f).replace(/\.[jt]s$/, '') === nameOrPath);
    if (file === undefined) {
      // The file name usually is the scenario's name, but the name inside is what counts.
      const found = (await listScenarios(dir)).find((s) => s.name === nameOrPath);
      if (!found) {
        const known = (await listScenarios(dir)).map((s) => s.name);
        throw new TapedeckError('NOT_FOUND', `no bundled scenario "${nameOrPath}" (known: ${known.join(', ') || 'none'}); give a file path to run your own`, {
          name: nameOrPath,
          known,
        });
      }
      file = found.file;
    }
  }
  const loaded = await loadModule(file);
  const s = defaultExport(loaded.module);
  if (!isScenario(s)) {
    throw new TapedeckError('BAD_ARGUMENT', `${file}: does not default-export a scenario (use defineScenario)`, { path: loaded.path });
  }
  return { scenario: s, file: loaded.path };
}

/** Generates, records and (with a strategy) backtests a scenario; see the module comment. */
export async function runScenario(scenarioOrPath: Scenario | string, options: ScenarioRunOptions = {}): Promise<ScenarioRunResult> {
  let scenario: Scenario;
  let file: string | undefined;
  if (typeof scenarioOrPath === 'string') ({ scenario, file } = await loadScenario(scenarioOrPath));
  else if (isScenario(scenarioOrPath)) scenario = scenarioOrPath;
  else throw new TapedeckError('BAD_ARGUMENT', 'runScenario: expected a scenario (defineScenario) or a path', {});

  // The seed names the default output directory: the library checks it as the CLI does.
  const seed = checkSeed(options.seed ?? scenario.seed, options.seed !== undefined ? 'runScenario: seed' : `scenario ${scenario.name}: seed`);
  for (const k of ['out', 'recordingsDir', 'backtestOut', 'runId'] as const) {
    const v = options[k];
    if (v !== undefined && (typeof v !== 'string' || v === '')) throw new TapedeckError('BAD_ARGUMENT', `runScenario: ${k} must be a non-empty string (got ${v === null ? 'null' : typeof v === 'string' ? '""' : typeof v})`, { field: k });
  }
  const runId = options.runId ?? defaultRunId(scenario.name, seed);
  const events = generateScenario(scenario, { seed, runId });
  const dir = options.out ?? path.join(options.recordingsDir ?? 'recordings', `${scenario.name}-${seed}`);
  const withBacktest = scenario.strategy !== undefined && options.backtest !== false;
  const btDir = options.backtestOut ?? `${dir.replace(/[\\/]+$/, '')}-backtest`;
  if (withBacktest && path.resolve(btDir) === path.resolve(dir)) {
    throw new TapedeckError('BAD_ARGUMENT', `runScenario: the backtest output ${btDir} is the scenario's own recording directory`, { path: dir });
  }

  prepareOutputDir(dir, options.force);
  // Refuse before writing anything when the backtest's directory is in the way.
  if (withBacktest) prepareOutputDir(btDir, options.force);

  // Deterministic: the id comes from what defines the recording, so two runs stay byte-identical.
  const recordingId = deriveRecordingId('scenario', scenario.name, String(seed), typeof seed, runId);
  const log = await openEventLog(dir, { durability: 'async', measureLatency: false, recordingId, ...(options.segmentBytes ? { segmentBytes: options.segmentBytes } : {}) });
  try {
    for (let i = 0; i < events.length; i++) writeEvent(log, validateEvent(events[i], `event ${i}`));
  } finally {
    await log.close();
  }
  const digest = cachedDigest(dir);
  const result: ScenarioRunResult = { scenario, dir, runId, seed, events: digest.records, digest: digest.digest, ok: true };
  if (file !== undefined) result.file = file;
  if (!withBacktest) return result;

  const ref = scenario.strategy!;
  const base = file !== undefined ? path.dirname(file) : (options.baseDir ?? process.cwd());
  const bt = await backtestRecordings([dir], {
    strategyPath: path.resolve(base, ref.path),
    ...(ref.options ? { strategyOptions: ref.options } : {}),
    seed,
    out: btDir,
    force: options.force,
    ...(options.segmentBytes ? { segmentBytes: options.segmentBytes } : {}),
  });
  result.backtest = bt;
  const outputs: TapeEvent[] = [...openRecording(bt.dir).events()];
  result.expectations = checkExpectations(scenario.expectations, {
    start: scenario.start,
    events: [...events, ...outputs],
    maxDrawdown: bt.summary.maxDrawdown,
  });
  result.ok = result.expectations.every((r) => r.ok);
  return result;
}
