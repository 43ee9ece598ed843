#!/usr/bin/env node
/**
 * `npm run demo`: tapedeck's main job end to end, on a fresh clone.
 * 1. generate the seeded flash-crash scenario and record it into a write-ahead log;
 * 2. replay it at 1000x (real time) onto the event bus, re-recording what the bus carries;
 * 3. verify both recordings on disk and prove the replay byte-identical to its source;
 * 4. backtest the moving-average strategy on it twice: the two output recordings are identical.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

import { formatTsIso, type TapeEvent } from '../events/index.js';
import { Recorder } from '../record/index.js';
import { bundledScenariosDir, generateScenario } from '../scenario/index.js';
import { backtestRecordings } from '../backtest/index.js';
import { realtimeScheduler } from '../replay/index.js';
import { diffRecordings, replayRoundTrip, verifyRecording } from '../verify/index.js';
import type { Scenario } from '../scenario/index.js';
import type { CliIo } from './io.js';

const SEED = 7;

/** Runs the demo into <cwd>/recordings/demo, writing its story to `io.stdout`; returns the exit code. */
export async function runDemo(io: Pick<CliIo, 'stdout' | 'cwd'>): Promise<number> {
  const step = (n: number, text: string) => io.stdout.write(`\n[${n}] ${text}\n`);
  const rel = (p: string) => path.relative(io.cwd, p) || '.';
  const out = path.join(io.cwd, 'recordings', 'demo');
  const bundled = bundledScenariosDir();
  const scenario = (await import(pathToFileURL(path.join(bundled, 'flash-crash.js')).href)).default as Scenario;
  fs.rmSync(out, { recursive: true, force: true });
  const source = path.join(out, 'source');
  const replayed = path.join(out, 'replayed');

  step(1, `generate scenario "${scenario.name}" (seed ${SEED}) and record it`);
  const events: TapeEvent[] = generateScenario(scenario, { seed: SEED });
  const rec = await Recorder.open(source, { clock: 'source', deterministic: true, sessionEvents: false, segmentSize: 512 * 1024 });
  for (const ev of events) rec.write(ev);
  const summary = await rec.close();
  const first = events[0]!.ts;
  const last = events[events.length - 1]!.ts;
  io.stdout.write(`    ${summary.events} events, ${formatTsIso(first)} → ${formatTsIso(last)} (${Number((last - first) / 1_000_000n) / 1000} s of session)\n`);
  io.stdout.write(`    into ${rel(source)}/ (${fs.readdirSync(source).filter((f) => f.endsWith('.tdseg')).length} segments)\n`);

  step(2, 'replay it at 1000x onto the bus, re-recording from the bus with the source clock');
  const t0 = performance.now();
  const rt = await replayRoundTrip(source, replayed, { speed: 1000, scheduler: realtimeScheduler, segmentBytes: 256 * 1024 });
  const wallMs = performance.now() - t0;
  const idealMs = Number(last - first) / 1e6 / 1000;
  io.stdout.write(`    ${rt.events} events replayed in ${wallMs.toFixed(0)} ms (ideal at 1000x: ${idealMs.toFixed(0)} ms)\n`);

  step(3, 'verify both recordings on disk and compare them');
  for (const dir of [source, replayed]) {
    const v = verifyRecording(dir);
    io.stdout.write(`    ${rel(dir).padEnd(26)} ${v.ok ? 'ok' : 'FAILED'}: ${v.segments} segments, ${v.records} records, every CRC and payload canonical\n`);
    if (!v.ok) throw new Error(`verify failed: ${JSON.stringify(v.problems[0])}`);
  }
  const diff = diffRecordings(source, replayed);
  io.stdout.write(`    source digest   sha256:${rt.sourceDigest}\n    replayed digest sha256:${rt.copyDigest}\n`);
  if (!rt.identical || !diff.identical) {
    io.stdout.write('\nFAILED: the replay is not identical to its source\n');
    return 1;
  }
  io.stdout.write(`    the replay is byte-identical to its source (${diff.counts.same} events, same digest)\n`);

  step(4, 'backtest the moving-average crossover on the recording, twice, with the same seed');
  const strategyPath = path.join(bundled, 'strategies', 'ma-crossover.js');
  const runs = [];
  for (const name of ['backtest-1', 'backtest-2']) {
    runs.push(await backtestRecordings([source], { strategyPath, strategyOptions: { fast: 20, slow: 100, qty: 0.1, shockPct: 0.5 }, seed: SEED, out: path.join(out, name) }));
  }
  const [a, b] = runs as [(typeof runs)[0], (typeof runs)[0]];
  const s = a.summary;
  io.stdout.write(`    ${s.trades} trades, net PnL ${s.netPnl.toFixed(2)}, fees ${s.fees.toFixed(2)}, max drawdown ${s.maxDrawdown.toFixed(2)}; ${a.records} events recorded\n`);
  const same = diffRecordings(a.dir, b.dir).identical && a.digest === b.digest;
  io.stdout.write(`    backtest digests ${a.digest.slice(0, 16)}… and ${b.digest.slice(0, 16)}…: ${same ? 'identical' : 'DIFFERENT'}\n`);
  if (!same) {
    return 1;
  }
  io.stdout.write(`\nOK: recorded, replayed at 1000x and backtested; every output is byte-identical where it must be.\n`);
  io.stdout.write(`\nTry next:\n  npx tapedeck info ${rel(source)}\n  npx tapedeck replay ${rel(source)} --speed 100 --types tick | head\n  npx tapedeck diff ${rel(source)} ${rel(replayed)}\n  npx tapedeck info ${rel(path.join(out, 'backtest-1'))}\n`);
  return 0;
}

// `npm run demo` / `node dist/src/cli/demo.js` (`tapedeck demo` goes through the CLI).
if (process.argv[1] && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href) {
  runDemo({ stdout: process.stdout, cwd: process.cwd() }).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`demo failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
