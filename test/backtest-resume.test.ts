/**
 * `backtest --snapshot-every` / `--resume-from` (library: snapshotEveryNs / resumeFrom): a run
 * resumed from any of its snapshots into a new output gives the recording the uninterrupted run
 * gives (same digest, same files), for both bundled strategies, several inputs, latency and the
 * 'top' model; refusals with their exit codes (a strategy without hooks, another run's options,
 * no snapshot, the same --out, a paced run), and a damaged newest snapshot skipped for an older one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backtestRecordings, BACKTEST_SNAPSHOTS_DIR } from '../src/backtest/index.js';
import { SnapshotStore } from '../src/log/index.js';
import { digestRecording } from '../src/verify/digest.js';
import { TapedeckError } from '../src/errors.js';

/** Rejects with `code` and a message matching `re`. */
async function rejects(p: Promise<unknown>, code: string, re: RegExp): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.instance(e, TapedeckError);
    assert.is((e as TapedeckError).code, code, (e as Error).message);
    assert.match((e as Error).message, re);
    return;
  }
  assert.unreachable('expected a rejection');
}
import { runCli } from './helpers/cli.js';
import { MA_JS, MM_JS, recordTwoMarkets } from './helpers/backtest-inputs.js';
import { rm, tmpDir } from './helpers/tmp.js';

const root = tmpDir('tapedeck-btresume-');
test.after(() => rm(root));
let n = 0;
const fresh = (label: string) => path.join(root, `${label}-${n++}`);


let inputA = '';
let inputB = '';
test.before(async () => {
  ({ a: inputA, b: inputB } = await recordTwoMarkets(root, 'res', { duration: '20s', ratePerSec: 40 }));
});

const SEC = 1_000_000_000n;

test('a run resumed from each of its snapshots records what the uninterrupted run records (market maker, two inputs, random latency)', async () => {
  const common = { strategyPath: MM_JS, seed: 5, venue: { latency: { minNs: 0n, maxNs: 3_000_000n } } } as const;
  const whole = await backtestRecordings([inputA, inputB], { ...common, out: fresh('whole') });
  const snap = await backtestRecordings([inputA, inputB], { ...common, out: fresh('snap'), snapshotEveryNs: 3n * SEC });
  assert.is(snap.digest, whole.digest, 'taking snapshots does not change the output');
  assert.ok(snap.snapshots >= 5, `snapshots written: ${snap.snapshots}`);
  const store = new SnapshotStore(path.join(snap.dir, BACKTEST_SNAPSHOTS_DIR));
  const kept = store.list();
  assert.is(kept.length, 3, 'the newest 3 are kept');
  // Resume from each kept snapshot in turn (older ones by hiding the newer).
  const names = kept.map((l) => l.name).reverse();
  for (let k = 0; k < names.length; k++) {
    const copy = fresh('prev');
    fs.cpSync(snap.dir, copy, { recursive: true });
    for (const newer of names.slice(0, k)) fs.rmSync(path.join(copy, BACKTEST_SNAPSHOTS_DIR, newer), { recursive: true });
    const resumed = await backtestRecordings([inputA, inputB], { ...common, out: fresh('resumed'), resumeFrom: copy });
    assert.is(resumed.resumed?.snapshot, path.join(copy, BACKTEST_SNAPSHOTS_DIR, names[k]!));
    assert.ok(resumed.resumed!.events > 0 && resumed.resumed!.events < whole.summary.eventsProcessed);
    assert.is(resumed.digest, whole.digest, `resumed from ${names[k]}`);
    assert.is(digestRecording(resumed.dir), whole.digest);
    assert.equal(resumed.summary, whole.summary);
  }
});

test('a run cut short (its log ends where a crash left it) resumes from its newest snapshot to the same recording; a damaged newest snapshot is skipped with a warning', async () => {
  const common = { strategyPath: MA_JS, seed: 1, strategyOptions: { fast: 3, slow: 8 } } as const;
  const whole = await backtestRecordings([inputA], { ...common, out: fresh('whole') });
  const snap = await backtestRecordings([inputA], { ...common, out: fresh('snap'), snapshotEveryNs: 4n * SEC });
  assert.ok(whole.summary.trades > 0, 'the strategy traded');
  const store = new SnapshotStore(path.join(snap.dir, BACKTEST_SNAPSHOTS_DIR));
  const [older, newest] = store.list().slice(-2);
  // Damage the newest snapshot's engine state: it must be skipped for the one before.
  const f = path.join(snap.dir, BACKTEST_SNAPSHOTS_DIR, newest!.name, 'backtest.jsonl');
  const b = fs.readFileSync(f);
  b[b.length - 3] ^= 0xff;
  fs.writeFileSync(f, b);
  const warnings: string[] = [];
  const resumed = await backtestRecordings([inputA], { ...common, out: fresh('resumed'), resumeFrom: snap.dir, onWarning: (m) => warnings.push(m) });
  assert.match(warnings.join('\n'), new RegExp(`snapshot ${newest!.name} ignored: data file backtest.jsonl: CRC-32`));
  assert.ok(resumed.resumed!.snapshot.endsWith(older!.name));
  assert.is(resumed.digest, whole.digest);
});

test('refusals: a strategy without hooks, another run, no snapshot, the same --out, a paced run', async () => {
  const noHooks = path.join(root, 'plain.mjs');
  fs.writeFileSync(noHooks, "export default { name: 'plain', onTick() {} };\n");
  await rejects(backtestRecordings([inputA], { strategyPath: noHooks, out: fresh('x'), snapshotEveryNs: SEC }), 'BAD_ARGUMENT', /--snapshot-every: strategy plain has no snapshot\(\)\/restore\(\) hooks/);
  const prev = await backtestRecordings([inputA], { strategyPath: MM_JS, seed: 2, out: fresh('prev'), snapshotEveryNs: 5n * SEC });
  await rejects(backtestRecordings([inputA], { strategyPath: MM_JS, seed: 3, out: fresh('x'), resumeFrom: prev.dir }), 'BAD_ARGUMENT', /another run: .*seed \(.*: 2, now: 3\)/);
  await rejects(backtestRecordings([inputA], { strategyPath: MM_JS, seed: 2, out: prev.dir, resumeFrom: prev.dir }), 'BAD_ARGUMENT', /give another --out/);
  await rejects(backtestRecordings([inputA], { strategyPath: MM_JS, seed: 2, out: fresh('x'), resumeFrom: prev.dir, speed: 10 }), 'BAD_ARGUMENT', /need --speed max/);
  const bare = await backtestRecordings([inputA], { strategyPath: MM_JS, seed: 2, out: fresh('bare') });
  await rejects(backtestRecordings([inputA], { strategyPath: MM_JS, seed: 2, out: fresh('x'), resumeFrom: bare.dir }), 'NOT_FOUND', /no usable snapshot/);
});

test('CLI: --snapshot-every then --resume-from gives the digest of the uninterrupted run; refusals exit 2 and 74', async () => {
  const cwd = fresh('cli');
  fs.mkdirSync(cwd);
  const base = ['backtest', inputA, '--strategy', MM_JS, '--seed', '4', '--latency', '1ms-2ms', '--json'];
  const whole = await runCli([...base, '--out', 'whole'], { cwd });
  assert.is(whole.code, 0, whole.stderr);
  const snap = await runCli([...base, '--out', 'snap', '--snapshot-every', '6s'], { cwd });
  assert.is(snap.code, 0, snap.stderr);
  assert.ok(JSON.parse(snap.stdout).snapshots > 0);
  const resumed = await runCli([...base, '--out', 'resumed', '--resume-from', 'snap'], { cwd });
  assert.is(resumed.code, 0, resumed.stderr);
  const [w, r] = [JSON.parse(whole.stdout), JSON.parse(resumed.stdout)];
  assert.is(r.digest, w.digest);
  assert.ok(r.resumed.events > 0);
  const text = await runCli(['backtest', inputA, '--strategy', MM_JS, '--seed', '4', '--latency', '1ms-2ms', '--out', 'resumed2', '--resume-from', 'snap'], { cwd });
  assert.match(text.stdout, /resumed\s+from .*snap\/snapshots\/[0-9a-f]{16} \(\d+ input events in\)/);
  const other = await runCli([...base, '--out', 'o', '--resume-from', 'snap', '--option', 'qty=2'], { cwd });
  assert.is(other.code, 2);
  assert.match(other.stderr, /another run: option\.qty/);
  const none = await runCli([...base, '--out', 'n', '--resume-from', 'whole'], { cwd });
  assert.is(none.code, 74);
  assert.match(none.stderr, /no usable snapshot in .*whole\/snapshots/);
  const bad = await runCli([...base, '--out', 'b', '--snapshot-every', '10'], { cwd });
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /--snapshot-every.*no unit/);
});

test.run();
