/** `tapedeck replay` (in-process; a closed pipe through the real binary): its JSONL against eventToJson of the same events. */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { eventToJson } from '../src/events/json.js';
import { openRecording } from '../src/events/recording.js';
import type { TapeEvent } from '../src/events/types.js';
import { runCli } from './helpers/cli.js';
import { cliPath, flipByte, rm, segmentFiles, tmpDir } from './helpers/tmp.js';
import { MS, T0, makeRecording, sys, tick } from './replay-fixtures.js';

let dir = '';
let other = '';
let big = '';
const scratch = tmpDir('tapedeck-replay-cli-');

// 3 s of events every 100 ms: ticks for two symbols, a signal every third, framed by session events.
function session(): TapeEvent[] {
  const evs: TapeEvent[] = [sys(0, 'session-start')];
  for (let i = 1; i < 30; i++) {
    if (i % 3 === 0) evs.push({ type: 'signal', ts: T0 + BigInt(i * 100) * MS, runId: 'run-1', strategy: 'mm', symbol: 'AAPL', name: 'z', value: i });
    else evs.push(tick(i * 100, { symbol: i % 2 ? 'AAPL' : 'MSFT', runId: i < 15 ? 'run-1' : 'run-2' }));
  }
  evs.push(sys(3000, 'session-end'));
  return evs;
}

test.before(async () => {
  dir = await makeRecording(session());
  other = await makeRecording([tick(50, { venue: 'XLON', symbol: 'VOD' }), tick(100, { venue: 'XLON', symbol: 'VOD' }), tick(5000, { venue: 'XLON', symbol: 'VOD' })]);
  big = await makeRecording(Array.from({ length: 20_000 }, (_, i) => tick(i)));
});
test.after(() => [dir, other, big, scratch].forEach(rm));

function cli(...args: string[]) {
  return runCli(['replay', ...args]);
}

const recorded = (d: string) => [...openRecording(d).events()];
const jsonl = (evs: TapeEvent[], iso = false) => evs.map((e) => eventToJson(e, { iso }) + '\n').join('');

test('--max writes every event as canonical JSONL', async () => {
  const r = await cli(dir, '--max');
  assert.is(r.stderr, '');
  assert.is(r.code, 0);
  assert.is(r.stdout, jsonl(recorded(dir)));
});

test('--from +1s --to +2s: offsets from the recording start, inclusive', async () => {
  const r = await cli(dir, '--max', '--from', '+1s', '--to', '+2s');
  assert.is(r.code, 0, r.stderr);
  const want = recorded(dir).filter((e) => e.ts >= T0 + 1000n * MS && e.ts <= T0 + 2000n * MS);
  assert.is(want.length, 11);
  assert.is(r.stdout, jsonl(want));
  // The same range as ns and as ISO-8601.
  assert.is((await cli(dir, '--max', '--from', String(T0 + 1000n * MS), '--to', '2023-11-14T22:13:22Z')).stdout, jsonl(want));
});

test('--types, --symbols, --run filter', async () => {
  const all = recorded(dir);
  assert.is((await cli(dir, '--max', '--types', 'tick')).stdout, jsonl(all.filter((e) => e.type === 'tick')));
  assert.is((await cli(dir, '--max', '--types', 'tick,system')).stdout, jsonl(all.filter((e) => e.type === 'tick' || e.type === 'system')));
  assert.is((await cli(dir, '--max', '--symbols', 'MSFT')).stdout, jsonl(all.filter((e) => e.type !== 'system' && e.symbol === 'MSFT')));
  assert.is((await cli(dir, '--max', '--run', 'run-2', '--types', 'tick')).stdout, jsonl(all.filter((e) => e.type === 'tick' && e.runId === 'run-2')));
});

test('several directories merge by ts; --out and --iso', async () => {
  const out = path.join(scratch, 'merged.jsonl');
  const r = await cli(dir, other, '--max', '--iso', '--out', out);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, '');
  const merged = [...recorded(dir).map((e, i) => ({ e, k: 0, i })), ...recorded(other).map((e, i) => ({ e, k: 1, i }))]
    .sort((a, b) => (a.e.ts < b.e.ts ? -1 : a.e.ts > b.e.ts ? 1 : a.k - b.k || a.i - b.i))
    .map((x) => x.e);
  assert.is(fs.readFileSync(out, 'utf8'), jsonl(merged, true));
});

test('paced: --speed 10 takes at least the scaled span', async () => {
  const t0 = performance.now();
  const r = await cli(dir, '--speed', '10', '--to', '+1s');
  assert.is(r.code, 0, r.stderr);
  assert.ok(performance.now() - t0 >= 100, '1 s of events at 10x is at least 100 ms');
  assert.is(r.stdout.split('\n').length - 1, 11);
});

test('errors map to exit codes', async () => {
  let r = await cli(dir, '--speed', '0');
  assert.is(r.code, 2);
  assert.match(r.stderr, /--speed/);
  r = await cli(dir, '--types', 'quote');
  assert.is(r.code, 2);
  r = await cli(dir, '--from', 'yesterday');
  assert.is(r.code, 2);
  r = await cli(dir, '--from', '+2s', '--to', '+1s');
  assert.is(r.code, 2);
  // Both the direct --max path and the paced one: the file is opened before any work (once an
  // unhandled ENOENT of a lazily opened stream ended the process).
  for (const pace of [['--max'], ['--speed', '1000']]) {
    r = await cli(dir, ...pace, '--out', path.join(scratch, 'no-such-dir', 'out.jsonl'));
    assert.is(r.code, 74, pace.join(' '));
    assert.match(r.stderr, /no-such-dir\/out\.jsonl/);
    assert.match(r.stderr, /cannot create the output file/);
  }
  r = await cli(path.join(scratch, 'nope'));
  assert.is(r.code, 74);
  assert.match(r.stderr, /no such recording/);
});

test('a closed pipe (| head) ends the replay quietly with exit 0, no status on a pipe', async () => {
  const child = spawn(process.execPath, [cliPath, 'replay', big, '--max'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  let first = '';
  child.stdout.setEncoding('utf8');
  child.stdout.once('data', (s: string) => {
    first = s;
    child.stdout.destroy();
  });
  const code = await new Promise<number | null>((res) => child.on('close', (c) => res(c)));
  assert.is(code, 0);
  assert.is(stderr, '');
  const firstEvent = openRecording(big).events().next().value as TapeEvent;
  assert.ok(first.startsWith(eventToJson(firstEvent) + '\n'));
});

test('--limit N stops after N events; --stats says what the replay achieved on stderr', async () => {
  const all = recorded(dir);
  const r = await cli(dir, '--max', '--limit', '5');
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, jsonl(all.slice(0, 5)));
  const s = await cli(dir, '--speed', '1000', '--stats', '--limit', '10');
  assert.is(s.code, 0, s.stderr);
  assert.is(s.stdout, jsonl(all.slice(0, 10)));
  assert.match(s.stderr, /^replay: 10 events, [\d.]+ ms of recording in [\d.]+ ms \(achieved speed [\d.]+x\); lateness p50 \S+ {2}p99 \S+ {2}max \S+ \(\d+ paced events\)(; warm-up \d+ events \(\d+ B each as JSON\) in [\d.]+ ms before the clock started(, read ahead by a worker thread(?: and its pacing rehearsed on this thread)?)?)?\n$/);
  const m = await cli(dir, '--max', '--stats');
  assert.match(m.stderr, /^replay: 31 events, .*lateness - \(not paced: --max\)/);
  assert.is((await cli(dir, '--limit', '0')).code, 2);
  assert.is((await cli(dir, '--limit', 'ten')).code, 2);
});

test('--max of one recording to a file or a pipe (the direct path) writes what the replayer path (--stats) writes', async () => {
  for (const args of [[], ['--iso'], ['--types', 'tick,system'], ['--symbols', 'AAPL'], ['--run', 'run-2'], ['--from', '+1s', '--to', '+2500ms'], ['--limit', '7'], ['--limit', '1000']]) {
    const direct = await cli(dir, '--max', ...args);
    const replayer = await cli(dir, '--max', '--stats', ...args);
    assert.is(direct.code, 0, direct.stderr);
    assert.is(direct.stderr, '');
    assert.is(direct.stdout, replayer.stdout, args.join(' '));
  }
  const out = path.join(scratch, 'direct.jsonl');
  assert.is((await cli(big, '--max', '-o', out)).code, 0);
  assert.is(fs.readFileSync(out, 'utf8'), jsonl(recorded(big)));
});

test('--max direct path: damage ends it with exit 1 naming the segment, after every event read before it', async () => {
  const d = await makeRecording(Array.from({ length: 2000 }, (_, i) => tick(i)));
  const seg = path.join(d, segmentFiles(d)[0]!);
  const all = jsonl(recorded(d));
  flipByte(seg, Math.floor(fs.statSync(seg).size / 2));
  const r = await cli(d, '--max');
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /\.tdseg/);
  assert.ok(r.stdout.length > 0 && all.startsWith(r.stdout) && r.stdout.endsWith('\n'), 'a prefix of whole lines');
  assert.ok(r.stdout.split('\n').length > 500, 'the events before the damage');
  rm(d);
});

test.run();
