/**
 * `npm test`'s runner: every dist/test/*.test.js under uvu, split across a few uvu processes that
 * run at once (default: one more than the cores, at most 3: a third process overlaps the files' waits
 * for servers, browsers and children; `TEST_JOBS=1` runs the whole suite in one process, exactly as
 * `uvu dist/test '\.test\.js$'` would).
 *
 * Files go to shards by longest-expected-first onto the least-loaded shard, using the durations
 * below (measured per file; a file not listed counts as DEFAULT_S). They only balance the shards:
 * a stale figure makes the run a little longer, never different.
 *
 * The output stays readable: shard 1 streams live, each later shard's output is held and printed
 * whole when the shards before it have finished. Last comes one summary over every shard in uvu's
 * own format (`Total:` / `Passed:` / `Skipped:`), which is what .ci/run reads. The exit code is 0
 * only when every shard exited 0, printed its summary, and every test passed.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const TEST_DIR = path.join('dist', 'test');
const UVU_BIN = path.join(repoRoot, 'node_modules', 'uvu', 'bin.js');

/**
 * Seconds per file, alone: only for balancing. Measured 2026-11-29 (per file: CPU as user+sys of
 * its process tree, and the wall time of its waits for servers, workers and browsers); a file
 * that mostly waits (NATS, Chromium) weighs its quiet wall time, a CPU-bound one its CPU time.
 * 2026-11-30: the five files whose CPU the thread reuse cut scaled by their measured cut
 * (sweep-local -50%, ui-server -48%, sweep-cli -35%, package -22%, readme-snippets -19%).
 * 2026-11-30, 04:00Z: every file's CPU alone re-measured (load 7-16, where wall means little);
 * a file's figure is the larger of that and its figure before (a waiting file keeps its quiet
 * wall), except the four files cut that morning, which weigh their CPU after the cut
 * (keyframes without its three ../shared/data tests, which CI skips).
 * 2026-11-30, 07:45Z (testspeed5b): sweep-nats, nats-record and ops-stats scaled by their paired
 * before/after wall (in-process workers; a 20 s source range; no 10 s timer after the run).
 */
const DURATIONS_S: Record<string, number> = {
  'sweep-nats': 44,
  'readme-snippets': 49,
  'nats-record': 38,
  'ui-browser': 34,
  'package': 22,
  'sweep-cli': 20,
  'scenario-run': 19,
  'recovery-example': 15,
  'record-cli': 14,
  'vendor-import': 14,
  'nats-cli': 13,
  'snapshot-store': 13,
  'ops-stats': 4,
  'keyframes': 11,
  'log-crash': 11,
  'sweep-local': 10,
  'backtest-cli': 9,
  'scenario-generate': 9,
  'ui-server': 8,
  'record-venues': 7,
  'roundtrip': 7,
  'verify-cli': 7,
  'book-builder': 6,
  'nats-service': 6,
  'record-ws': 6,
  'transport-nats': 6,
  'verify-integrity': 6,
  'events-fast-decode': 5,
  'events-json-transcode': 5,
  'ops-export': 5,
  'backtest-runner': 4,
  'cli-guards': 4,
  'events-property': 4,
  'nats-fanout': 4,
  'replay-tty': 4,
  'scenario-bundled': 4,
  'backtest-resume': 3,
  'format-foreign-reader': 3,
  'log-sim': 3,
  'replay-cli': 3,
  'replay-line-feed': 3,
};
const DEFAULT_S = 2;

interface Shard {
  files: string[];
  loadS: number;
}

/** Longest first, each onto the shard with the least expected time. */
export function planShards(files: readonly string[], jobs: number): Shard[] {
  const shards: Shard[] = Array.from({ length: jobs }, () => ({ files: [], loadS: 0 }));
  const weight = (f: string) => DURATIONS_S[f.replace(/\.test\.js$/, '')] ?? DEFAULT_S;
  for (const f of [...files].sort((a, b) => weight(b) - weight(a) || a.localeCompare(b))) {
    const s = shards.reduce((min, x) => (x.loadS < min.loadS ? x : min));
    s.files.push(f);
    s.loadS += weight(f);
  }
  return shards.filter((s) => s.files.length > 0);
}

interface Summary {
  total: number;
  passed: number;
  skipped: number;
}

/** uvu's closing summary (colour codes stripped), or null when the shard never printed one. */
export function parseSummary(output: string): Summary | null {
  const clean = output.replace(/\x1b\[[0-9;]*m/g, '');
  const num = (label: string) => {
    const all = [...clean.matchAll(new RegExp(`^\\s*${label}:\\s*(\\d+)`, 'gm'))];
    return all.length > 0 ? Number(all[all.length - 1]![1]) : null;
  };
  const total = num('Total');
  const passed = num('Passed');
  if (total === null || passed === null) return null;
  return { total, passed, skipped: num('Skipped') ?? 0 };
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function main(): Promise<number> {
  const files = fs
    .readdirSync(path.join(repoRoot, TEST_DIR))
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  const requested = Number(process.env.TEST_JOBS ?? Math.min(3, os.availableParallelism() + 1));
  const jobs = Number.isSafeInteger(requested) && requested >= 1 ? requested : 1;
  const shards = planShards(files, jobs);
  const t0 = process.hrtime.bigint();
  if (shards.length > 1) {
    process.stdout.write(`${files.length} test files in ${shards.length} uvu processes at once (TEST_JOBS=1 for one): ${shards.map((s) => `${s.files.length} files, ~${s.loadS} s`).join(' | ')}\n`);
  }

  const outputs: Buffer[][] = shards.map(() => []);
  const closed = shards.map(() => false);
  let live = 0;
  const advance = () => {
    while (live < shards.length && closed[live]) {
      live++;
      if (live < shards.length) for (const chunk of outputs[live]!) process.stdout.write(chunk);
    }
  };
  const runs = shards.map(
    (shard, i) =>
      new Promise<{ code: number; text: string }>((resolve) => {
        const pattern = `^(${shard.files.map(escapeRegex).join('|')})$`;
        const child = spawn(process.execPath, [UVU_BIN, TEST_DIR, pattern], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
        const onData = (chunk: Buffer) => {
          outputs[i]!.push(chunk);
          if (i === live) process.stdout.write(chunk);
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.on('error', (err) => onData(Buffer.from(`\nshard ${i + 1}: ${err.message}\n`)));
        child.on('close', (code, signal) => {
          if (code !== 0) onData(Buffer.from(`\nshard ${i + 1} (${shard.files.join(', ')}): exit ${code ?? signal}\n`));
          closed[i] = true;
          advance();
          resolve({ code: code ?? 1, text: Buffer.concat(outputs[i]!).toString('utf8') });
        });
      }),
  );
  const results = await Promise.all(runs);
  if (shards.length === 1) return results[0]!.code;

  const sum: Summary = { total: 0, passed: 0, skipped: 0 };
  let ok = true;
  results.forEach((r, i) => {
    const s = parseSummary(r.text);
    if (s === null) {
      process.stdout.write(`shard ${i + 1} printed no summary: its tests count as failed\n`);
      sum.total += 1;
      ok = false;
      return;
    }
    sum.total += s.total;
    sum.passed += s.passed;
    sum.skipped += s.skipped;
    if (r.code !== 0) ok = false;
  });
  if (sum.passed !== sum.total) ok = false;
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  process.stdout.write(`\n  All ${shards.length} shards:\n  Total:     ${sum.total}\n  Passed:    ${sum.passed}\n  Skipped:   ${sum.skipped}\n  Duration:  ${wallMs.toFixed(2)}ms\n\n`);
  return ok ? 0 : 1;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
