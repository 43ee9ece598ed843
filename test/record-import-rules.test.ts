/**
 * Import rules users cannot get wrong: times in seconds are refused unless --ts-unit says so, an
 * import of nothing but rejects fails (exit 65), and --reorder-window sorts rows within a bounded
 * window (rows beyond it are rejects, counted).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ReorderBuffer } from '../src/record/reorder.js';
import { parseDurationArg } from '../src/events/ts.js';
import { runCli } from './helpers/cli.js';
import { rm, tmpDir } from './helpers/tmp.js';
import { readEvents } from './record-helpers.js';

const tick = (ts: number | string, bid = 1) => JSON.stringify({ type: 'tick', ts, venue: 'V', symbol: 'S', bid });

test('reorder buffer: releases in ts order once the window has passed, counts reordered, refuses late', () => {
  const b = new ReorderBuffer<string>(10n);
  const rel = (ts: bigint, x: string) => {
    const o = b.push(ts, x);
    return 'late' in o ? 'late' : o.released.map((h) => h.item);
  };
  assert.equal(rel(100n, 'a'), []);
  assert.equal(rel(105n, 'b'), []);
  assert.equal(rel(103n, 'c'), []);
  assert.equal(rel(113n, 'd'), ['a', 'c']);
  assert.equal(rel(104n, 'e'), []); // within the window: still ahead of what went out (103)
  assert.equal(rel(102n, 'f'), 'late');
  assert.equal(rel(130n, 'g'), ['e', 'b', 'd']);
  assert.equal(b.drain().map((h) => h.item), ['g']);
  assert.is(b.reordered, 2);
  // Equal ts keep their arrival order.
  const e = new ReorderBuffer<number>(0n);
  const out: number[] = [];
  for (let i = 0; i < 5; i++) {
    const o = e.push(7n, i);
    if (!('late' in o)) out.push(...o.released.map((h) => h.item));
  }
  out.push(...e.drain().map((h) => h.item));
  assert.equal(out, [0, 1, 2, 3, 4]);
});

test('durations need a unit', () => {
  assert.is(parseDurationArg('500ms'), 500_000_000n);
  assert.is(parseDurationArg('1.5s'), 1_500_000_000n);
  assert.is(parseDurationArg('2m'), 120_000_000_000n);
  assert.is(parseDurationArg('10ns'), 10n);
  // Parts in a row: the one rule scenario scripts use too (scenario/time.ts adds only "a number is ms").
  assert.is(parseDurationArg('1m30s'), 90_000_000_000n);
  assert.is(parseDurationArg('1h2m3s4ms5us6ns'), 3_723_004_005_006n);
  for (const bad of ['5', '1.5ns', '-1s', 's', '5 weeks', '1m30', '1m 30s', 'm5']) assert.throws(() => parseDurationArg(bad), /duration/, bad);
});

test('import: ts in seconds is refused naming --ts-unit s; with --ts-unit s it lands in 2024', async () => {
  const root = tmpDir();
  try {
    const file = path.join(root, 'in.jsonl');
    fs.writeFileSync(file, `${tick(1709303400)}\n${tick(1709303401)}\n`);
    let r = await runCli(['import', file, path.join(root, 'a')]);
    assert.is(r.code, 65, r.stderr);
    assert.match(r.stderr, /looks like seconds since the epoch \(2024-03-01T14:30:00Z\)/);
    assert.match(r.stderr, /--ts-unit s/);
    assert.match(r.stderr, /nothing imported: all 2 records were rejected/);
    r = await runCli(['import', file, path.join(root, 'b'), '--ts-unit', 's']);
    assert.is(r.code, 0, r.stderr);
    const ticks = readEvents(path.join(root, 'b')).filter((e) => e.type === 'tick');
    assert.equal(ticks.map((t) => t.ts), [1709303400000000000n, 1709303401000000000n]);
  } finally {
    rm(root);
  }
});

test('import: nothing but rejects exits 65 and says so; one good line is a success with rejects', async () => {
  const root = tmpDir();
  try {
    const bad = path.join(root, 'bad.jsonl');
    fs.writeFileSync(bad, 'not json\n{"type":"tick"}\n');
    let r = await runCli(['import', bad, path.join(root, 'a')]);
    assert.is(r.code, 65);
    assert.match(r.stderr, /nothing imported: all 2 records were rejected/);
    r = await runCli(['import', bad, path.join(root, 'j'), '--json']);
    assert.is(r.code, 65);
    assert.is(JSON.parse(r.stdout).rejects, 2);
    const mixed = path.join(root, 'mixed.jsonl');
    fs.writeFileSync(mixed, `not json\n${tick('1709303400000000000')}\n`);
    r = await runCli(['import', mixed, path.join(root, 'b')]);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stderr, /1 rejected/);
  } finally {
    rm(root);
  }
});

test('import --reorder-window: rows out of order within the window are sorted and counted; beyond it, rejects', async () => {
  const root = tmpDir();
  try {
    const base = 1709303400000000000n;
    const at = (ms: number, bid: number) => tick((base + BigInt(ms) * 1_000_000n).toString(), bid);
    const file = path.join(root, 'in.jsonl');
    // 0, 300, 100 (late by 200 ms), 250, 1500, 200 (late by 1.3 s: beyond a 1 s window), 1600
    fs.writeFileSync(file, [at(0, 1), at(300, 2), at(100, 3), at(250, 4), at(1500, 5), at(200, 6), at(1600, 7)].join('\n') + '\n');
    let r = await runCli(['import', file, path.join(root, 'no-window')]);
    assert.is(r.code, 0);
    assert.match(r.stderr, /goes back in time/);
    assert.is(readEvents(path.join(root, 'no-window')).filter((e) => e.type === 'tick').length, 4);

    r = await runCli(['import', file, path.join(root, 'a'), '--reorder-window', '1s', '--json']);
    assert.is(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.is(s.reordered, 2);
    assert.is(s.rejects, 1);
    const ticks = readEvents(path.join(root, 'a')).filter((e) => e.type === 'tick');
    assert.equal(ticks.map((t) => (t as { bid: number }).bid), [1, 3, 4, 2, 5, 7]);
    const rejects = readEvents(path.join(root, 'a')).filter((e) => e.type === 'system' && e.kind === 'reject');
    assert.is(rejects.length, 1);
    assert.match((rejects[0] as { message: string }).message, /beyond the reorder window of 1 s/);

    r = await runCli(['import', file, path.join(root, 'b'), '--reorder-window', '1s']);
    assert.match(r.stderr, /reordered 2 events within the reorder window/);
    r = await runCli(['import', file, path.join(root, 'c'), '--reorder-window', '1']);
    assert.is(r.code, 2);
    assert.match(r.stderr, /--reorder-window: "1" has no unit/);
  } finally {
    rm(root);
  }
});

test.run();
