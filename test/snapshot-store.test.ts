/**
 * The snapshot store (src/log/snapshot-store.ts): atomic creation (every step traced: each file
 * and directory fsynced before the next step), a real SIGKILL before each creation step leaving
 * the old snapshot or the whole new one, damaged and incomplete snapshots skipped with a warning,
 * listing and pruning; and the snapshot contract over it (restoreSnapshot, PendingTracker).
 */
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Ledger } from '../src/backtest/ledger.js';
import { PendingTracker, pendingOrders } from '../src/events/pending.js';
import { restoreSnapshot, takeSnapshot, type Stateful } from '../src/events/state.js';
import { Decimal } from '../src/events/decimal.js';
import { BOOK_FLAG_LAST, type OrderEvent, type TapeEvent } from '../src/events/types.js';
import { realFileOps, type FileOps } from '../src/log/file-ops.js';
import { SnapshotStore, type SnapshotWarning } from '../src/log/snapshot-store.js';
import { BookBuilder } from '../src/book/book-builder.js';
import { booksOf, snapshotFiles } from './helpers/snapshot-crash-child.js';
import { flipByte, repoRoot, rm, tmpDir } from './helpers/tmp.js';

const CHILD = path.join(repoRoot, 'dist', 'test', 'helpers', 'snapshot-crash-child.js');

function content(store: SnapshotStore, name: string, file: string): Buffer {
  return store.load(name).file(file);
}

test('snapshot store - write, list, load, latest pointer, same seq kept, prune keeps the newest', async () => {
  const root = tmpDir();
  const store = new SnapshotStore(path.join(root, 'snaps'));
  assert.not.ok(store.exists());
  assert.is(store.newest(), null);
  for (const seq of [5, 10, 20]) await store.write(seq, BigInt(seq) * 100n, snapshotFiles(seq), { kind: 'test', n: seq });
  const l = store.list();
  assert.equal(l.map((x) => [x.seq, x.problem]), [[5, null], [10, null], [20, null]]);
  assert.is(store.latestPointer(), '0000000000000014');
  const n = store.newest()!;
  assert.is(n.meta.seq, 20);
  assert.is(n.meta.tsNs, 2000n);
  assert.equal(n.meta.info, { kind: 'test', n: 20 });
  assert.equal(n.file('a.bin'), Buffer.from(snapshotFiles(20)[0]!.data));
  assert.is(store.newest((m) => m.tsNs < 2000n)!.meta.seq, 10, 'the newest the predicate accepts');
  // Same seq again: the state as of a seq is a function of the log, the existing one is kept.
  const again = await store.write(20, 2000n, [{ name: 'a.bin', data: Buffer.from('other') }]);
  assert.is(again.meta!.files.length, 3);
  assert.is(content(store, '0000000000000014', 'a.bin').length, 3020);
  assert.equal(store.prune(2), ['0000000000000005']);
  assert.equal(store.list().map((x) => x.seq), [10, 20]);
  await assert.throws(() => store.prune(-1), /whole number/);
  rm(root);
});

test('snapshot store - bad file names and duplicates are refused', async () => {
  const root = tmpDir();
  const store = new SnapshotStore(path.join(root, 's'));
  for (const name of ['../x', 'META.json', 'COMPLETE', '.hidden', 'a/b', '']) {
    let code = '';
    await store.write(1, 1n, [{ name, data: Buffer.from('x') }]).catch((e: { code: string }) => (code = e.code));
    assert.is(code, 'BAD_ARGUMENT', name);
  }
  let code = '';
  await store.write(1, 1n, [{ name: 'a', data: Buffer.from('x') }, { name: 'a', data: Buffer.from('y') }]).catch((e: { code: string }) => (code = e.code));
  assert.is(code, 'BAD_ARGUMENT');
  rm(root);
});

test('snapshot store - every file and directory is fsynced before the step after it (traced file ops)', async () => {
  const root = tmpDir();
  const dir = path.join(root, 'snaps');
  const trace: string[] = [];
  const fdPath = new Map<number, string>();
  const rel = (p: string) => path.relative(dir, p) || '.';
  const ops: FileOps = {
    ...realFileOps,
    openSync: (p, f, m) => {
      const fd = realFileOps.openSync(p, f, m);
      fdPath.set(fd, rel(p));
      if (typeof f === 'string') trace.push(`open ${rel(p)}`);
      return fd;
    },
    writeSync: (fd, b, o, l, pos) => (trace.push(`write ${fdPath.get(fd)}`), realFileOps.writeSync(fd, b, o, l, pos)),
    fdatasync: (fd) => (trace.push(`sync ${fdPath.get(fd)}`), realFileOps.fdatasync(fd)),
    fsyncSync: (fd) => (trace.push(`sync ${fdPath.get(fd)}`), realFileOps.fsyncSync(fd)),
    renameSync: (a, b) => (trace.push(`rename ${rel(a)} ${rel(b)}`), realFileOps.renameSync(a, b)),
    mkdirSync: (p) => (trace.push(`mkdir ${rel(p)}`), realFileOps.mkdirSync(p)),
  };
  const store = new SnapshotStore(dir, { fileOps: ops, chunkBytes: 1024 });
  await store.write(7, 70n, snapshotFiles(7));
  const T = '.tmp-0000000000000007';
  const idx = (s: string) => {
    const i = trace.indexOf(s);
    assert.ok(i >= 0, `${s} in ${trace.join(' | ')}`);
    return i;
  };
  for (const f of ['a.bin', 'b.jsonl', 'books.bin', 'META.json', 'COMPLETE']) {
    const p = `${T}/${f}`;
    const lastWrite = trace.lastIndexOf(`write ${p}`);
    assert.ok(lastWrite > idx(`open ${p}`) && idx(`sync ${p}`) > lastWrite, `${f} written then synced`);
  }
  assert.ok(idx(`sync ${T}/books.bin`) < idx(`open ${T}/META.json`), 'data synced before the metadata');
  assert.ok(trace.filter((t) => t === `write ${T}/books.bin`).length > 1, 'the book state is written in chunks');
  assert.ok(idx(`sync ${T}/META.json`) < idx(`open ${T}/COMPLETE`), 'metadata synced before the marker');
  assert.ok(idx(`sync ${T}/COMPLETE`) < idx(`sync ${T}`), 'marker before the directory sync');
  const rename = idx(`rename ${T} 0000000000000007`);
  assert.ok(idx(`sync ${T}`) < rename, 'the temporary directory is synced before its rename');
  assert.ok(trace.indexOf('sync .', rename) > rename, 'the store directory is synced after the rename');
  const latest = idx('rename latest.tmp latest');
  assert.ok(idx('sync latest.tmp') < latest && trace.indexOf('sync .', latest) > latest, 'the pointer: synced, renamed, directory synced');
  assert.ok(trace.indexOf('sync .', rename) < idx('open latest.tmp'), 'the pointer moves only after the snapshot is durable');
  rm(root);
});

test('snapshot store - a SIGKILL before each creation step leaves the old snapshot or the whole new one', async () => {
  const root = tmpDir();
  const base = path.join(root, 'base');
  await new SnapshotStore(base).write(10, 1000n, snapshotFiles(10));
  // How many steps a whole creation takes (the child reports it when not killed).
  const whole = spawnSync(process.execPath, [CHILD, path.join(root, 'count'), '-1'], { encoding: 'utf8' });
  const steps = Number(/done after (\d+) steps/.exec(whole.stdout)?.[1]);
  assert.is(steps, 15, whole.stdout + whole.stderr);
  let sawOld = 0;
  let sawNew = 0;
  // The expected files and books of seq 10 and 20, made once (a 2,000-order book each): not once per step.
  const expected = new Map<number, { files: ReturnType<typeof snapshotFiles>; books: Buffer }>();
  const expectedOf = (seq: number) => {
    if (!expected.has(seq)) expected.set(seq, { files: snapshotFiles(seq), books: Buffer.concat([...booksOf(seq).captureState()]) });
    return expected.get(seq)!;
  };
  for (let k = 0; k <= steps; k++) {
    const dir = path.join(root, `run-${k}`);
    fs.cpSync(base, dir, { recursive: true });
    const r = spawnSync(process.execPath, [CHILD, dir, String(k)], { encoding: 'utf8' });
    if (k < steps) assert.is(r.signal, 'SIGKILL', `step ${k}: ${r.stdout}${r.stderr}`);
    else assert.is(r.status, 0, r.stderr);
    const warnings: SnapshotWarning[] = [];
    const store = new SnapshotStore(dir, { onWarning: (w) => warnings.push(w) });
    const n = store.newest()!;
    assert.ok(n, `step ${k}: a snapshot is found`);
    assert.ok(n.meta.seq === 10 || n.meta.seq === 20, `step ${k}: seq ${n.meta.seq}`);
    const want = expectedOf(n.meta.seq);
    for (const f of want.files) assert.equal(n.file(f.name), Buffer.from(f.data), `step ${k}: ${f.name} whole`);
    // The binary book state in it decodes to the books of that seq.
    const books = new BookBuilder();
    assert.is(restoreSnapshot(store, [books])!.seq, n.meta.seq, `step ${k}: books restored`);
    assert.ok(Buffer.concat([...books.captureState()]).equals(want.books), `step ${k}: the books of seq ${n.meta.seq}`);
    for (const l of store.list()) assert.is(l.problem, null, `step ${k}: no half snapshot is listed (${l.name}: ${l.problem})`);
    assert.equal(warnings, [], `step ${k}`);
    // The rename is step 10 (after mkdir, 3 × write + sync, META.json, COMPLETE, the directory
    // sync): from then on the new snapshot exists, whole.
    assert.is(n.meta.seq, k <= 10 ? 10 : 20, `step ${k}`);
    if (n.meta.seq === 10) sawOld++;
    else sawNew++;
    // A later write finishes the job: leftovers of the killed one are cleaned up or replaced.
    await store.write(20, 2000n, expectedOf(20).files);
    assert.is(store.newest()!.meta.seq, 20);
    store.prune(5);
    assert.equal(fs.readdirSync(dir).filter((n) => n.startsWith('.tmp-')), [], `step ${k}: no temporary leftover after prune`);
  }
  assert.ok(sawOld > 0 && sawNew > 0);
  rm(root);
});

test('snapshot store - a damaged or incomplete snapshot is skipped with a warning for the previous one', async () => {
  const root = tmpDir();
  const damage: [string, (d: string) => void, RegExp][] = [
    ['a flipped data byte', (d) => flipByte(path.join(d, 'a.bin'), 100), /a\.bin: CRC-32/],
    ['a truncated data file', (d) => fs.truncateSync(path.join(d, 'b.jsonl'), 10), /b\.jsonl has 10 bytes/],
    ['a missing data file', (d) => fs.unlinkSync(path.join(d, 'a.bin')), /a\.bin is missing/],
    ['no COMPLETE marker', (d) => fs.unlinkSync(path.join(d, 'COMPLETE')), /incomplete: no COMPLETE/],
    ['edited metadata', (d) => fs.writeFileSync(path.join(d, 'META.json'), fs.readFileSync(path.join(d, 'META.json'), 'utf8').replace('"seq":20', '"seq":21')), /does not match its COMPLETE/],
  ];
  for (const [what, hurt, why] of damage) {
    const dir = path.join(root, what.replace(/ /g, '-'));
    const s = new SnapshotStore(dir);
    await s.write(10, 1000n, snapshotFiles(10));
    await s.write(20, 2000n, snapshotFiles(20));
    hurt(path.join(dir, '0000000000000014'));
    const warnings: SnapshotWarning[] = [];
    const store = new SnapshotStore(dir, { onWarning: (w) => warnings.push(w) });
    assert.is(store.newest()!.meta.seq, 10, what);
    assert.is(warnings.length, 1, what);
    assert.match(warnings[0]!.problem, why, what);
    let code = '';
    try {
      store.load('0000000000000014');
    } catch (e) {
      code = (e as { code: string }).code;
    }
    assert.is(code, 'CORRUPT_SNAPSHOT', what);
    // Writing the same seq again replaces the damaged one.
    await store.write(20, 2000n, snapshotFiles(20));
    assert.is(store.newest()!.meta.seq, 20, what);
  }
  rm(root);
});

// -- the contract -------------------------------------------------------------------------------------

let ts = 1_000n;
const order = (orderId: string, action: OrderEvent['action'], qty = 1): TapeEvent => ({ type: 'order', ts: ts++, runId: 'r', venue: 'V', orderId, action, kind: 'limit', price: 1, symbol: 'S', side: 'buy', qty, seq: Number(ts) }) as TapeEvent;
const fill = (orderId: string, qty: number): TapeEvent => ({ type: 'fill', ts: ts++, runId: 'r', venue: 'V', orderId, symbol: 'S', side: 'buy', qty, price: 1, seq: Number(ts) }) as TapeEvent;

test('contract - PendingTracker: same state same bytes; restored then fed the tail equals fed everything', async () => {
  const events = [order('a', 'new', 2), order('b', 'new'), fill('a', 1), order('c', 'new', 3), order('b', 'cancel'), fill('c', 1), order('d', 'new'), fill('a', 1), order('d', 'replace', 5)];
  for (let cut = 0; cut <= events.length; cut++) {
    const root = tmpDir();
    const store = new SnapshotStore(root);
    const before = new PendingTracker();
    for (const e of events.slice(0, cut)) before.push(e);
    await takeSnapshot(store, cut, BigInt(cut), [before]);
    const restored = new PendingTracker();
    const meta = restoreSnapshot(store, [restored]);
    assert.is(meta!.seq, cut);
    assert.equal(Buffer.concat([...restored.captureState()]), Buffer.concat([...before.captureState()]), `cut ${cut}: same state, same bytes`);
    for (const e of events.slice(cut)) restored.push(e);
    assert.equal(restored.open(), pendingOrders(events), `cut ${cut}`);
    rm(root);
  }
});

test('contract - restoreSnapshot skips a snapshot whose checksummed bytes a part cannot read', async () => {
  const root = tmpDir();
  const store = new SnapshotStore(root);
  const t = new PendingTracker();
  t.push(order('x', 'new'));
  await takeSnapshot(store, 1, 1n, [t]);
  await store.write(2, 2n, [{ name: t.stateFile, data: Buffer.from('{"format":"something-else"}\n') }]);
  const warned: string[] = [];
  const r = new PendingTracker();
  const meta = restoreSnapshot(store, [r], () => true, (name, problem) => warned.push(`${name}: ${problem}`));
  assert.is(meta!.seq, 1);
  assert.is(r.open().length, 1);
  assert.match(warned.join('\n'), /0000000000000002: pending\.jsonl: format "something-else"/);
  // Binary state whose store checksums are right but whose bytes are not a whole state (written
  // so by a bug, not by the disk): skipped the same way, naming the file and the byte.
  const books = new BookBuilder();
  books.push({ type: 'book', ts: 1n, runId: 'r', venue: 'V', symbol: 'S', action: 'set', side: 'bid', price: Decimal.parse('1'), size: Decimal.parse('2'), flags: BOOK_FLAG_LAST });
  const whole = Buffer.concat([...books.captureState()]);
  await takeSnapshot(store, 3, 3n, [t, books]);
  await store.write(4, 4n, [{ name: t.stateFile, data: Buffer.concat([...t.captureState()]) }, { name: books.stateFile, data: whole.subarray(0, whole.length - 6) }]);
  const rb = new BookBuilder();
  warned.length = 0;
  assert.is(restoreSnapshot(store, [new PendingTracker(), rb], () => true, (name, problem) => warned.push(`${name}: ${problem}`))!.seq, 3);
  assert.match(warned.join('\n'), /0000000000000004: books\.bin: byte \d+: /);
  assert.ok(Buffer.concat([...rb.captureState()]).equals(whole));
  // A part missing from a snapshot is a damaged snapshot too.
  const other: Stateful = { stateFile: 'other.jsonl', captureState: () => [], restoreState: () => {} };
  assert.is(restoreSnapshot(store, [other], () => true, () => {}), null);
  rm(root);
});

test('contract - Ledger: captured at any fill and restored, then the rest, equals the uninterrupted ledger', () => {
  const fills: [string, 'buy' | 'sell', number, number, number][] = [];
  let x = 7;
  const r = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0), x / 2 ** 32);
  for (let i = 0; i < 60; i++) fills.push([r() < 0.5 ? 'A' : 'B', r() < 0.5 ? 'buy' : 'sell', 1 + Math.floor(r() * 4), 100 + r() * 5, r() * 0.1]);
  const run = (l: Ledger, fs: typeof fills, at = 0) => fs.forEach(([s, side, q, p, fee], i) => (l.fill(s, side, q, p, fee), (at + i) % 3 === 0 && l.mark(s, p + 0.5), l.update()));
  const whole = new Ledger();
  run(whole, fills);
  for (const cut of [0, 1, 17, 59, 60]) {
    const first = new Ledger();
    run(first, fills.slice(0, cut));
    const bytes = Buffer.concat([...first.captureState()]);
    const restored = new Ledger();
    restored.restoreState(bytes);
    assert.ok(Buffer.concat([...restored.captureState()]).equals(bytes), `cut ${cut}: restore → capture is the identity`);
    run(restored, fills.slice(cut), cut);
    assert.equal(restored.summary(), whole.summary(), `cut ${cut}`);
    assert.equal([restored.netPnl(), restored.maxDrawdown, restored.maxExposure, restored.trades, restored.volume], [whole.netPnl(), whole.maxDrawdown, whole.maxExposure, whole.trades, whole.volume]);
  }
  let code = '';
  try {
    new Ledger().restoreState(Buffer.from('{"format":"tapedeck-ledger/1","realized":0,"fees":0,"peak":0,"maxDrawdown":0,"maxExposure":0,"fills":0,"volume":0}\n["A",1]\n'));
  } catch (e) {
    code = (e as { code: string }).code;
  }
  assert.is(code, 'CORRUPT_SNAPSHOT');
});

test('snapshot store - newestWithin (binary search) finds what newest does, damaged and unaccepted snapshots in between', async () => {
  const root = tmpDir();
  const dir = path.join(root, 'snaps');
  const store = new SnapshotStore(dir);
  const n = 40;
  for (let i = 0; i < n; i++) await store.write(i * 10, BigInt(i * 100), [{ name: 'x.bin', data: Buffer.from([i]) }]);
  // Damage: no marker (the head is unreadable), a bad data file (the head is fine, the data not).
  const names = store.list().map((l) => l.name);
  for (const i of [0, 7, 8, 9, 20, 39]) fs.unlinkSync(path.join(dir, names[i]!, 'COMPLETE'));
  for (const i of [3, 21, 30]) flipByte(path.join(dir, names[i]!, 'x.bin'), 0);
  fc.assert(
    fc.property(fc.integer({ min: -100, max: n * 100 + 100 }), fc.integer({ min: 1, max: 5 }), (bound, mod) => {
      const warned: string[] = [];
      const fresh = () => new SnapshotStore(dir, { onWarning: (w) => warned.push(w.name) });
      const within = (m: { tsNs: bigint }) => m.tsNs <= BigInt(bound);
      const accept = (m: { seq: number }) => (m.seq / 10) % mod === 0;
      const want = fresh().newest((m) => within(m) && accept(m));
      const wantWarned = warned.splice(0);
      const got = fresh().newestWithin(within, accept);
      assert.is(got?.meta.seq ?? null, want?.meta.seq ?? null, `bound ${bound}, every ${mod}`);
      // Damaged ones it looked at are warned about (newest() looks at every newer one).
      assert.ok(warned.every((w) => wantWarned.includes(w)), `warned ${warned} of ${wantWarned}`);
    }),
    { seed: 15, numRuns: 150 },
  );
  rm(root);
});

test('snapshot store - a cached listing (cacheListing) sees snapshots another store adds and removes once the directory changes', async () => {
  const root = tmpDir();
  const dir = path.join(root, 'snaps');
  const writer = new SnapshotStore(dir);
  await writer.write(10, 100n, [{ name: 'x.bin', data: Buffer.from('a') }]);
  const reader = new SnapshotStore(dir, { cacheListing: true });
  assert.is(reader.newest()!.meta.seq, 10);
  await writer.write(20, 200n, [{ name: 'x.bin', data: Buffer.from('b') }]);
  // Another store's change: seen when the directory's mtime moved (force a distinct stamp).
  fs.utimesSync(dir, new Date(1_000_000), new Date(2_000_000));
  assert.is(reader.newest()!.meta.seq, 20);
  writer.remove('0000000000000014');
  fs.utimesSync(dir, new Date(1_000_000), new Date(3_000_000));
  assert.is(reader.newest()!.meta.seq, 10);
  // Its own writes are seen at once.
  await reader.write(30, 300n, [{ name: 'x.bin', data: Buffer.from('c') }]);
  assert.is(reader.newest()!.meta.seq, 30);
  rm(root);
});


test('snapshot store - snapshots written concurrently (not awaited, as the recovery example does) all land; latest names the newest', async () => {
  const root = tmpDir();
  // Each fsync finishes after a seeded random few ms, so the creations interleave at every await
  // (the file system decides the order in real runs: newer ones may finish first). The pointer must
  // never go back to an older snapshot, and no creation may trip over another's temporary pointer.
  let x = 12345;
  const jitter = (): number => ((x = (x * 1103515245 + 12345) % 2147483648) % 7);
  const slowSync: FileOps = { ...realFileOps, fdatasync: (fd) => new Promise((r) => setTimeout(r, jitter())).then(() => realFileOps.fdatasync(fd)) };
  const store = new SnapshotStore(path.join(root, 'snaps'), { fileOps: slowSync });
  const seqs = [50, 10, 40, 20, 30, 60, 70, 5];
  await Promise.all(seqs.map((seq) => store.write(seq, BigInt(seq), [{ name: 'state', data: Buffer.from(`state ${seq}`) }], { n: seq })));
  assert.equal(store.list().map((x) => [x.seq, x.problem]), [...seqs].sort((a, b) => a - b).map((s) => [s, null]));
  assert.is(store.latestPointer(), (70).toString(16).padStart(16, '0'));
  assert.not.ok(fs.existsSync(path.join(root, 'snaps', 'latest.tmp')), 'no temporary pointer left behind');
  rm(root);
});

test.run();
