/**
 * Keyframes (src/book/keyframes.ts) and the books' snapshot contract: a book builder captured and
 * restored is the same builder (same bytes); the books as of a random instant from the newest
 * keyframe plus its tail equal the books rebuilt from the start of the log, book by book and level
 * by level, on the committed excerpts (L2 Binance and Kraken, L3 CME MBO, the golden v2 book
 * fixture) and on the full captures in ../shared/data when present; Replayer seeks restore books
 * through the stateAt hook; keyframes never change the digest; the CLI.
 */
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { lastValueFrom } from 'rxjs';
import { VirtualTimeScheduler } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { viewOf } from '../src/book/book-at.js';
import { BookBuilder } from '../src/book/book-builder.js';
import { booksStateAt, keyframeStore, SeekableBooks, writeKeyframes } from '../src/book/keyframes.js';
import { EventBus } from '../src/bus/index.js';
import { Decimal } from '../src/events/decimal.js';
import { parseJsonEvent } from '../src/events/json.js';
import { openEventLog, openRecording, writeEvent } from '../src/events/recording.js';
import { realFileOps, repair, type FileOps } from '../src/log/index.js';
import { BOOK_FLAG_BAD_BOOK, BOOK_FLAG_LAST, BOOK_FLAG_SNAPSHOT, type BookEvent, type TapeEvent } from '../src/events/types.js';
import { importFile } from '../src/record/importer.js';
import { Replayer } from '../src/replay/index.js';
import { digestRecording } from '../src/verify/digest.js';
import { runCli } from './helpers/cli.js';
import { flipByte, repoRoot, rm, tmpDir } from './helpers/tmp.js';
import { fixture } from './record-helpers.js';

const SHARED = path.join(repoRoot, '..', 'shared', 'data');

const stateBytes = (b: BookBuilder): Buffer => Buffer.concat([...b.captureState()]);
const views = (b: BookBuilder) => b.all().map((x) => ({ ...viewOf(x, 1e9), orders: x.orderCount }));

/** Asserts two builders hold the same books: every book, level by level, then the whole state's bytes. */
function sameBooks(a: BookBuilder, b: BookBuilder, what: string): void {
  const va = views(a);
  const vb = views(b);
  assert.is(va.length, vb.length, `${what}: number of books`);
  for (let i = 0; i < va.length; i++) {
    const x = va[i]!;
    const y = vb[i]!;
    const name = `${what}: ${x.venue} ${x.symbol}`;
    assert.is(`${x.venue} ${x.symbol}`, `${y.venue} ${y.symbol}`, name);
    assert.is(x.trusted, y.trusted, `${name}: trusted`);
    assert.is(x.venueSeq, y.venueSeq, `${name}: venue seq`);
    assert.is(x.orders, y.orders, `${name}: resting orders`);
    assert.equal(x.bids, y.bids, `${name}: bids`);
    assert.equal(x.asks, y.asks, `${name}: asks`);
  }
  assert.ok(stateBytes(a).equals(stateBytes(b)), `${what}: the whole state (held messages, counts) is the same`);
}

// -- the contract on synthetic books ----------------------------------------------------------------

let ts = 1_700_000_000_000_000_000n;
const D = (t: string) => Decimal.parse(t);

const bookEventArb = fc.record({
  kind: fc.constantFrom('set', 'add', 'cancel', 'fill', 'modify', 'clear', 'gap', 'bad'),
  sym: fc.constantFrom('A', 'B'),
  side: fc.constantFrom('bid' as const, 'ask' as const),
  px: fc.integer({ min: 95, max: 105 }),
  size: fc.integer({ min: 0, max: 5 }),
  id: fc.integer({ min: 0, max: 12 }),
  last: fc.boolean(),
});

type BookArb = typeof bookEventArb extends fc.Arbitrary<infer T> ? T : never;

function toEvent(x: BookArb, seq: number): TapeEvent {
  const base = { ts: ts++, runId: 'r', seq };
  if (x.kind === 'gap') return { ...base, type: 'system', kind: 'gap', message: 'gap', data: { venue: 'V', symbol: x.sym } };
  const e: BookEvent = { ...base, type: 'book', venue: 'V', symbol: x.sym, action: 'set', flags: x.last ? BOOK_FLAG_LAST : 0, venueSeq: seq };
  const price = D(`${x.px}.5`);
  const size = D(`${x.size}.25`);
  switch (x.kind) {
    case 'set':
      return { ...e, side: x.side, price, size: x.size === 0 ? D('0') : size };
    case 'add':
      return { ...e, action: 'add', side: x.side, price, size, orderId: `o${x.id}` };
    case 'modify':
      return { ...e, action: 'modify', side: x.side, price, size, orderId: `o${x.id}` };
    case 'cancel':
      return { ...e, action: 'cancel', side: x.side, price, size: D('0'), orderId: `o${x.id}` };
    case 'fill':
      return { ...e, action: 'fill', side: x.side, price, size: D('0.25'), orderId: `o${x.id}` };
    case 'clear':
      return { ...e, action: 'clear', flags: (e.flags ?? 0) | BOOK_FLAG_SNAPSHOT };
    default:
      return { ...e, side: x.side, price, size, flags: (e.flags ?? 0) | BOOK_FLAG_BAD_BOOK };
  }
}

test('contract - books captured at any point and restored, then fed the rest, equal books fed everything; same state, same bytes', () => {
  fc.assert(
    fc.property(fc.array(bookEventArb, { minLength: 1, maxLength: 80 }), fc.nat(), (xs, cutSeed) => {
      const events = xs.map((x, i) => toEvent(x, i));
      const cut = cutSeed % (events.length + 1);
      const whole = new BookBuilder();
      events.forEach((e) => whole.push(e));
      const first = new BookBuilder();
      events.slice(0, cut).forEach((e) => first.push(e));
      const bytes = stateBytes(first);
      assert.ok(bytes.equals(stateBytes(first)), 'capturing twice gives the same bytes');
      const restored = new BookBuilder();
      restored.restoreState(bytes);
      assert.ok(stateBytes(restored).equals(bytes), 'restore → capture is the identity');
      events.slice(cut).forEach((e) => restored.push(e));
      sameBooks(restored, whole, `cut ${cut} of ${events.length}`);
    }),
    { seed: 15, numRuns: 300 },
  );
});

test('contract - a capture is a copy: changing the books after capturing does not change its bytes', () => {
  const b = new BookBuilder();
  const L = BOOK_FLAG_LAST;
  b.push({ type: 'book', ts: ts++, runId: 'r', venue: 'V', symbol: 'S', action: 'add', side: 'bid', price: D('1.0'), size: D('2'), orderId: 'x', flags: L });
  const expected = stateBytes(b);
  const chunks = b.captureState();
  b.push({ type: 'book', ts: ts++, runId: 'r', venue: 'V', symbol: 'S', action: 'fill', side: 'bid', price: D('1.0'), size: D('1'), orderId: 'x', flags: L });
  b.push({ type: 'book', ts: ts++, runId: 'r', venue: 'V', symbol: 'S', action: 'set', side: 'ask', price: D('3'), size: D('1'), flags: L });
  assert.ok(Buffer.concat([...chunks]).equals(expected));
});

test('contract - unreadable books bytes are CORRUPT_SNAPSHOT naming the row', () => {
  const b = new BookBuilder();
  for (const [bytes, why] of [
    ['{"format":"tapedeck-books/1"}\n["book","V"]\n', /row 2: not a book row/],
    ['{"format":"tapedeck-books/1"}\n["order",3,"x","bid","1","1"]\n', /row 2: not an order row/],
    ['{"format":"tapedeck-books/1"}\n["book","V","S",true,null,null,"1",null,1,[["1.x","1"]],[]]\n', /row 2: .*1\.x/],
    ['{"format":"nope"}\n', /format "nope"/],
    ['not json\n', /not JSON lines/],
  ] as const) {
    try {
      b.restoreState(Buffer.from(bytes));
      assert.unreachable(bytes);
    } catch (e) {
      assert.is((e as { code: string }).code, 'CORRUPT_SNAPSHOT', bytes);
      assert.match((e as Error).message, why);
    }
  }
});

// -- keyframes on real recordings ---------------------------------------------------------------------

interface Rec {
  dir: string;
  root: string;
  first: bigint;
  last: bigint;
}

/**
 * Each input is imported once per file, into a pristine copy no test touches; every test gets its
 * own copy of that (the same excerpt was imported up to 8 times, the most CPU of these tests that
 * was not what they check). The import itself is tested in record-*.test.ts and here by the
 * `import --keyframes` tests, which still import.
 */
const importRoot = tmpDir('tapedeck-kf-imports-');
const importsDone = new Map<string, Promise<string>>();
test.after(() => rm(importRoot));

async function imported(file: string, format?: 'binance' | 'kraken' | 'coinbase' | 'dbn'): Promise<Rec> {
  const key = `${format ?? ''}:${file}`;
  let pristine = importsDone.get(key);
  if (pristine === undefined) {
    const dir = path.join(importRoot, String(importsDone.size));
    pristine = importFile(file, dir, format ? { format } : {}).then(() => dir);
    importsDone.set(key, pristine);
  }
  return copied(await pristine);
}

function copied(src: string): Rec {
  const root = tmpDir();
  const dir = path.join(root, 'rec');
  fs.cpSync(src, dir, { recursive: true });
  return { dir, root, ...span(dir) };
}

function span(dir: string): { first: bigint; last: bigint } {
  let first: bigint | undefined;
  let last = 0n;
  for (const e of openRecording(dir).events({ types: ['book'] })) {
    first ??= e.ts;
    last = e.ts;
  }
  return { first: first!, last };
}

/**
 * Random instants over the recording (and a little either side), book --at and seek semantics
 * both: the books from the newest keyframe plus its tail against the books rebuilt from the start
 * of the log (one forward pass over the sorted instants: the reference never touches a keyframe).
 */
async function checkKeyframes(rec: Rec, what: string, runs: number, everyEvents?: number): Promise<void> {
  // By time (a dozen over the recording), or by events only (a grid line far beyond the end).
  const every = (rec.last - rec.first) / 12n + 1n;
  const r = await writeKeyframes(rec.dir, everyEvents === undefined ? { everyNs: every } : { everyNs: 3_600_000_000_000n * 24n * 365n, everyEvents });
  assert.ok(r.written.length >= 5, `${what}: ${r.written.length} keyframes written`);
  const digestBefore = digestRecording(rec.dir);
  const instants = fc
    .sample(fc.tuple(fc.bigInt({ min: rec.first - every, max: rec.last + every }), fc.boolean()), { seed: 1515, numRuns: runs })
    .map(([t, inclusive]) => ({ t, inclusive, upTo: inclusive ? t : t - 1n }))
    .sort((a, b) => (a.upTo < b.upTo ? -1 : a.upTo > b.upTo ? 1 : 0));
  const reference = new BookBuilder();
  const it = openRecording(rec.dir).events({ types: ['book', 'system'] })[Symbol.iterator]();
  let next = it.next();
  let usedKeyframe = 0;
  for (const { t, inclusive, upTo } of instants) {
    while (!next.done && next.value.ts <= upTo) {
      reference.push(next.value);
      next = it.next();
    }
    const fast = booksStateAt(rec.dir, t, { inclusive });
    if (fast.keyframe) usedKeyframe++;
    if (everyEvents !== undefined && fast.keyframe) assert.ok(fast.tailEvents <= everyEvents, `${what} at ${t}: a tail of ${fast.tailEvents} events, more than ${everyEvents}`);
    assert.ok(fast.keyframe === null || fast.keyframe.tsNs <= upTo, `${what}: keyframe after t`);
    sameBooks(fast.builder, reference, `${what} at ${t}${inclusive ? ' (inclusive)' : ''}`);
  }
  it.return?.(undefined);
  assert.ok(usedKeyframe > runs / 2, `${what}: ${usedKeyframe} of ${runs} instants used a keyframe`);
  // And the library's own no-keyframe path agrees with the forward pass.
  const mid = instants[instants.length >> 1]!;
  const slow = booksStateAt(rec.dir, mid.t, { inclusive: mid.inclusive, noKeyframes: true });
  sameBooks(booksStateAt(rec.dir, mid.t, { inclusive: mid.inclusive }).builder, slow.builder, `${what}: noKeyframes`);
  assert.is(digestRecording(rec.dir), digestBefore, `${what}: the digest does not see keyframes`);
}

test('keyframes - Binance L2 excerpt: newest keyframe + tail = rebuild from the start at random instants', async () => {
  const rec = await imported(fixture('binance-spot-btcusdt-20240808.head300.capture.gz'), 'binance');
  await checkKeyframes(rec, 'binance excerpt', 60);
  rm(rec.root);
});

test('keyframes - Kraken L2 excerpt (10 books, checksummed): same', async () => {
  const rec = await imported(fixture('kraken-20210417.head300.ws.txt.gz'), 'kraken');
  await checkKeyframes(rec, 'kraken excerpt', 60);
  rm(rec.root);
});

test('keyframes - CME L3 (MBO) excerpt: resting orders survive the keyframe', async () => {
  const rec = await imported(fixture('dbn/glbx-esm4-mbo-20240508.excerpt595.dbn.zst'), 'dbn');
  await checkKeyframes(rec, 'glbx mbo excerpt', 60);
  const kf = keyframeStore(rec.dir).newest()!;
  assert.ok(Number(kf.meta.info.orders) > 100, `a keyframe holds ${kf.meta.info.orders} resting orders`);
  rm(rec.root);
});

test('keyframes - spaced by events only (Binance L2, Kraken L2 excerpts): every seek replays at most that many events, and keyframe + tail = rebuild', async () => {
  for (const [file, format, n] of [
    ['binance-spot-btcusdt-20240808.head300.capture.gz', 'binance', 97],
    ['kraken-20210417.head300.ws.txt.gz', 'kraken', 400],
  ] as const) {
    const rec = await imported(fixture(file), format);
    await checkKeyframes(rec, `${format} excerpt by ${n} events`, 40, n);
    rm(rec.root);
  }
});

test('keyframes - the event bound counts from each keyframe: with both rules, a keyframe at every grid line and after every N events since the last one', async () => {
  const rec = await imported(fixture('kraken-20210417.head300.ws.txt.gz'), 'kraken');
  const everyNs = (rec.last - rec.first) / 4n + 1n;
  const n = 500;
  const r = await writeKeyframes(rec.dir, { everyNs, everyEvents: n });
  // The walk again by hand: the seq of each book or system event, and where the rules fall.
  const expected: number[] = [];
  let next: bigint | null = null;
  let since = 0;
  let last: { seq: number; ts: bigint } | null = null;
  let books = false;
  for (const ev of openRecording(rec.dir).events({ types: ['book', 'system'] })) {
    if (next === null) next = (ev.ts / everyNs + 1n) * everyNs;
    else {
      const byTime = ev.ts >= next;
      if (byTime || since >= n) {
        if (books) {
          expected.push(last!.seq);
          since = 0;
        }
        if (byTime) next = (ev.ts / everyNs + 1n) * everyNs;
      }
    }
    // A book exists once its first message (LAST) is applied.
    if (ev.type === 'book' && ((ev.flags ?? 0) & BOOK_FLAG_LAST) !== 0) books = true;
    since++;
    last = { seq: ev.seq!, ts: ev.ts };
  }
  assert.equal(r.written.map((w) => w.seq), expected);
  assert.ok(expected.length > 8, `${expected.length} keyframes`);
  assert.equal(r.everyEvents, n);
  rm(rec.root);
});

test('keyframes - golden v2 book fixture (a gap: untrusted books survive a keyframe)', async () => {
  const rec = copied(path.join(repoRoot, 'recordings', 'fixtures', 'v2-book'));
  await checkKeyframes(rec, 'v2-book', 40);
  rm(rec.root);
});

for (const [file, format] of [
  ['binance-spot-btcusdt-20240808.capture.gz', 'binance'],
  ['kraken-20210417.ws.txt', 'kraken'],
  ['dbn/glbx-esm4-mbo-20240508T000000-2s.dbn.zst', 'dbn'],
] as const) {
  test(`keyframes - full ../shared/data/${file}: keyframe + tail = rebuild, book by book, level by level`, async () => {
    if (!fs.existsSync(SHARED)) {
      console.log(`\n  SKIPPED: keyframes on ${file} (no ../shared/data)`);
      return;
    }
    const rec = await imported(path.join(SHARED, file), format);
    await checkKeyframes(rec, file, 25);
    rm(rec.root);
  });
}

test('keyframes - resuming writes only what is missing; --rebuild writes the same bytes again', async () => {
  const rec = await imported(fixture('kraken-20210417.head300.ws.txt.gz'), 'kraken');
  const every = (rec.last - rec.first) / 10n + 1n;
  const all = await writeKeyframes(rec.dir, { everyNs: every });
  const files = () => keyframeStore(rec.dir).list().map((l) => [l.name, fs.readFileSync(path.join(rec.dir, 'keyframes', l.name, 'books.bin')).toString('base64')]);
  const before = files();
  const again = await writeKeyframes(rec.dir, { everyNs: every });
  assert.is(again.written.length, 0, 'nothing missing');
  assert.is(again.resumedFrom, all.written[all.written.length - 1]!.seq);
  // Drop the newest three: a resume writes exactly those again.
  const store = keyframeStore(rec.dir);
  for (const l of store.list().slice(-3)) fs.rmSync(path.join(store.dir, l.name), { recursive: true });
  const resumed = await writeKeyframes(rec.dir, { everyNs: every });
  assert.is(resumed.written.length, 3);
  assert.equal(files(), before, 'a resume writes the same keyframes');
  const rebuilt = await writeKeyframes(rec.dir, { everyNs: every, rebuild: true });
  assert.is(rebuilt.resumedFrom, null);
  assert.equal(files(), before, 'a rebuild writes the same bytes');
  rm(rec.root);
});

test('keyframes - a damaged keyframe is skipped with a warning: the previous one plus a longer tail, same books', async () => {
  const rec = await imported(fixture('kraken-20210417.head300.ws.txt.gz'), 'kraken');
  await writeKeyframes(rec.dir, { everyNs: (rec.last - rec.first) / 10n + 1n });
  const store = keyframeStore(rec.dir);
  const newest = store.newest()!;
  flipByte(path.join(newest.dir, 'books.bin'), 40);
  const warnings: string[] = [];
  const fast = booksStateAt(rec.dir, rec.last, { inclusive: true, onWarning: (w) => warnings.push(`${w.name}: ${w.problem}`) });
  assert.ok(fast.keyframe!.seq < newest.meta.seq, 'an older keyframe was used');
  assert.match(warnings.join('\n'), new RegExp(`${newest.name}: data file books.bin: CRC-32`));
  sameBooks(fast.builder, booksStateAt(rec.dir, rec.last, { inclusive: true, noKeyframes: true }).builder, 'after a damaged keyframe');
  const cli = await runCli(['book', rec.dir, '--at', String(rec.last), '--depth', '3']);
  assert.is(cli.code, 0, cli.stderr);
  assert.match(cli.stderr, new RegExp(`warning: keyframe ${newest.name} ignored: data file books.bin: CRC-32`));
  rm(rec.root);
});

test('keyframes - after repair cuts the log, keyframes past its end are ignored with a warning (book --at equals a rebuild); keyframe removes them, --rebuild writes them again', async () => {
  const src = await imported(fixture('kraken-20210417.head300.ws.txt.gz'), 'kraken');
  const dir = path.join(src.root, 'cut');
  // The same events through a writer that then dies (an unsealed tail), keyframes written as it ran.
  const log = await openEventLog(dir, {});
  for (const ev of openRecording(src.dir).events()) writeEvent(log, ev);
  await log.sync();
  const every = (src.last - src.first) / 10n + 1n;
  await writeKeyframes(dir, { everyNs: every });
  log.abandon();
  fs.rmSync(path.join(dir, 'LOCK'));
  const kept = keyframeStore(dir).list().map((l) => l.seq);
  // Damage a record at ~60% of the log; repair (point in time) cuts the log there.
  const seg = fs.readdirSync(dir).filter((n) => n.endsWith('.tdseg')).sort().pop()!;
  flipByte(path.join(dir, seg), Math.floor(fs.statSync(path.join(dir, seg)).size * 0.6));
  const r = repair(dir, 'point-in-time');
  assert.is(r.action, 'cut-and-resume');
  let end = -1;
  for (const ev of openRecording(dir).events()) end = ev.seq!;
  const stale = kept.filter((q) => q > end);
  assert.ok(stale.length >= 2 && stale.length < kept.length, `keyframes past the new end (seq ${end}): ${stale.length} of ${kept.length}`);
  const warnings: string[] = [];
  const at = src.last;
  const fast = booksStateAt(dir, at, { inclusive: true, onWarning: (w) => warnings.push(`${w.name}: ${w.problem}`) });
  assert.ok(fast.keyframe!.seq <= end, 'a keyframe inside the log was used');
  assert.match(warnings.join('\n'), /past the log's end \(the log was cut, e\.g\. by repair\): run keyframe --rebuild/);
  sameBooks(fast.builder, booksStateAt(dir, at, { inclusive: true, noKeyframes: true }).builder, 'after repair');
  // A SeekableBooks checks each keyframe once and warns once, seek after seek.
  const seekWarnings: string[] = [];
  const seekable = new SeekableBooks(dir, { onWarning: (w) => seekWarnings.push(w.name) });
  seekable.restoreAt(at);
  seekable.restoreAt(at);
  assert.is(new Set(seekWarnings).size, seekWarnings.length, 'each stale keyframe warned about once');
  const cli = await runCli(['book', dir, '--at', String(at), '--depth', '2']);
  assert.is(cli.code, 0, cli.stderr);
  assert.match(cli.stderr, /warning: keyframe [0-9a-f]{16} ignored: its seq \d+ is past the log's end/);
  // `keyframe` (catching up) removes the stale ones and writes what the log now needs.
  const fix = await runCli(['keyframe', dir, '--every', `${every}ns`]);
  assert.is(fix.code, 0, fix.stderr);
  assert.match(fix.stderr, /past the log's end \(the log was cut, e\.g\. by repair\); removed/);
  assert.ok(keyframeStore(dir).list().every((l) => l.seq <= end), 'no keyframe past the end is left');
  const quiet: string[] = [];
  sameBooks(booksStateAt(dir, at, { inclusive: true, onWarning: (w) => quiet.push(w.problem) }).builder, fast.builder, 'after keyframe');
  assert.equal(quiet, []);
  const rb = await runCli(['keyframe', dir, '--every', `${every}ns`, '--rebuild']);
  assert.is(rb.code, 0, rb.stderr);
  assert.is(rb.stderr, '');
  rm(src.root);
});

// -- seeking a replay ----------------------------------------------------------------------------------

test('keyframes - Replayer seeks restore books through stateAt: after each seek and steps, the books equal a rebuild through the last event published', async () => {
  const rec = await imported(fixture('binance-spot-btcusdt-20240808.head300.capture.gz'), 'binance');
  await writeKeyframes(rec.dir, { everyNs: (rec.last - rec.first) / 12n + 1n });
  const books = new SeekableBooks(rec.dir);
  const bus = new EventBus();
  let lastSeq = -1;
  bus.events$.subscribe((e) => {
    books.builder.push(e);
    lastSeq = e.seq!;
  });
  const sched = new VirtualTimeScheduler();
  const r = new Replayer(rec.dir, bus, { scheduler: sched, stateAt: (t) => books.restoreAt(t) });
  const done = lastValueFrom(r.start({ paused: true, speed: 'max' }));
  const reference = (seq: number) => {
    const b = new BookBuilder();
    for (const e of openRecording(rec.dir).events({ toSeq: seq, types: ['book', 'system'] })) b.push(e);
    return b;
  };
  let keyframed = 0;
  fc.assert(
    fc.property(fc.bigInt({ min: rec.first, max: rec.last }), fc.integer({ min: 1, max: 40 }), (t, n) => {
      r.seek(t);
      if (books.last!.keyframe) keyframed++;
      assert.is(r.step(n), n);
      sameBooks(books.builder, reference(lastSeq), `seek ${t} + ${n} events`);
    }),
    { seed: 16, numRuns: 30 },
  );
  assert.ok(keyframed > 10, `${keyframed} seeks started from a keyframe`);
  r.resume();
  sched.flush();
  await done;
  sameBooks(books.builder, reference(lastSeq), 'played to the end after the seeks');
  rm(rec.root);
});

test('seeks - a reader inspects a sealed segment once: later cursors (one per seek) do not read its footer and index again', async () => {
  const rec = await imported(fixture('binance-spot-btcusdt-20240808.head300.capture.gz'), 'binance');
  const reads: number[] = [];
  const ops: FileOps = { ...realFileOps, readSync: (fd, b, o, l, pos) => (reads.push(pos), realFileOps.readSync(fd, b, o, l, pos)) };
  const recording = openRecording(rec.dir, { fileOps: ops });
  const size = fs.statSync(path.join(rec.dir, fs.readdirSync(rec.dir).find((n) => n.endsWith('.tdseg'))!)).size;
  const seekReads = () => {
    reads.length = 0;
    const c = recording.cursor({ fromSeq: 50 });
    assert.is(c.next()!.seq, 50);
    c.close();
    return reads.slice();
  };
  const first = seekReads();
  const again = seekReads();
  // The footer and index sit at the end of a sealed segment: read by the first cursor only.
  const atEnd = (xs: number[]) => xs.filter((p) => p >= size - 4096).length;
  assert.ok(atEnd(first) > 0, `the first cursor reads the footer: ${first}`);
  assert.is(atEnd(again), 0, `later cursors do not: ${again}`);
  rm(rec.root);
});

// -- the CLI ---------------------------------------------------------------------------------------------

test('keyframe CLI - writes, resumes, rebuilds; book --at is the same with and without keyframes; verify and the digest ignore them', async () => {
  const rec = await imported(fixture('binance-spot-btcusdt-20240808.head300.capture.gz'), 'binance');
  const digest = digestRecording(rec.dir);
  const w = await runCli(['keyframe', rec.dir, '--every', '2s']);
  assert.is(w.code, 0, w.stderr);
  assert.match(w.stdout, /^wrote \d+ keyframes? \(\d+ bytes, every 2s or 10000 book events\) from the start of the log; \d+ in .*keyframes\n/);
  const again = await runCli(['keyframe', rec.dir, '--every', '2s', '--json']);
  const j = JSON.parse(again.stdout) as { written: unknown[]; resumedFrom: number; everyNs: string };
  assert.equal([j.written.length, typeof j.resumedFrom, j.everyNs], [0, 'number', '2000000000']);
  const rb = await runCli(['keyframe', rec.dir, '--every', '2s', '--rebuild']);
  assert.match(rb.stdout, /from the start of the log/);
  const mid = (rec.first + rec.last) / 2n;
  const a = await runCli(['book', rec.dir, '--at', String(mid), '--json']);
  const b = await runCli(['book', rec.dir, '--at', String(mid), '--json', '--no-keyframes']);
  assert.is(a.code, 0, a.stderr);
  assert.ok(a.stdout.length > 100);
  assert.is(a.stdout, b.stdout);
  const v = await runCli(['verify', rec.dir]);
  assert.is(v.code, 0, v.stdout + v.stderr);
  assert.ok(v.stdout.includes(digest), 'verify prints the same digest');
  assert.is((await runCli(['keyframe', rec.dir, '--every', '5'])).code, 2, 'a spacing without a unit is a usage error');
  assert.is((await runCli(['keyframe', rec.dir, '--every', '0s'])).code, 2, 'a zero spacing is a usage error');
  rm(rec.root);
});

test('replay --from T --books: the books as of T go out first as snapshot messages; books built from the output equal books built from the whole log', async () => {
  const rec = await imported(fixture('kraken-20210417.head300.ws.txt.gz'), 'kraken');
  await writeKeyframes(rec.dir, { everyNs: (rec.last - rec.first) / 10n + 1n });
  const from = rec.first + ((rec.last - rec.first) * 2n) / 3n;
  const r = await runCli(['replay', rec.dir, '--from', String(from), '--books', '--max']);
  assert.is(r.code, 0, r.stderr);
  const out = r.stdout.trim().split('\n').map((l) => parseJsonEvent(l));
  const preamble = out.filter((e) => e.runId.startsWith('books-at-'));
  assert.ok(preamble.length > 100, `${preamble.length} snapshot events`);
  assert.ok(out.slice(0, preamble.length).every((e) => e.runId.startsWith('books-at-')), 'the books come first');
  const fromOutput = new BookBuilder();
  out.forEach((e) => fromOutput.push(e));
  const whole = booksStateAt(rec.dir, rec.last, { inclusive: true, noKeyframes: true }).builder;
  const strip = (b: BookBuilder) => views(b).map(({ venue, symbol, trusted, venueSeq, bids, asks }) => ({ venue, symbol, trusted, venueSeq, bids, asks }));
  const byName = (x: { venue: string; symbol: string }, y: { venue: string; symbol: string }) => (`${x.venue} ${x.symbol}` < `${y.venue} ${y.symbol}` ? -1 : 1);
  assert.equal(strip(fromOutput).sort(byName), strip(whole).sort(byName));
  // Without --books the output alone misses what came before T.
  const plain = await runCli(['replay', rec.dir, '--from', String(from), '--max']);
  const bare = new BookBuilder();
  plain.stdout.trim().split('\n').forEach((l) => bare.push(parseJsonEvent(l)));
  assert.not.equal(strip(bare).sort(byName), strip(whole).sort(byName));
  // --symbols narrows the books written too.
  const one = await runCli(['replay', rec.dir, '--from', String(from), '--books', '--max', '--symbols', 'XBT/CHF']);
  const syms = new Set(one.stdout.trim().split('\n').map((l) => (parseJsonEvent(l) as BookEvent).symbol));
  assert.equal([...syms], ['XBT/CHF']);
  rm(rec.root);
});

// -- compaction, import --keyframes, info -------------------------------------------------------------

test('compact keeps the books: a keyframe at the cut is made first, older ones go; book --at and seeks after the cut are unchanged; info shows it', async () => {
  const root = tmpDir();
  const dir = path.join(root, 'rec');
  const imp = await runCli(['import', fixture('kraken-20210417.head300.ws.txt.gz'), dir, '--format', 'kraken', '--segment-size', '8KiB', '--keyframes', '500ms']);
  assert.is(imp.code, 0, imp.stderr);
  assert.match(imp.stderr, /keyframes: \d+ written \(every 500ms or 10000 book events\), \d+ in /);
  const { first, last } = span(dir);
  // Keyframes written as the import went are the ones `keyframe` writes afterwards, byte for byte.
  const listing = () => keyframeStore(dir).list().map((l) => [l.name, fs.readFileSync(path.join(dir, 'keyframes', l.name, 'books.bin')).toString('base64')]);
  const asImported = listing();
  assert.ok(asImported.length >= 3, `${asImported.length} keyframes`);
  await writeKeyframes(dir, { everyNs: 500_000_000n, rebuild: true });
  assert.equal(listing(), asImported, 'import --keyframes = keyframe afterwards');
  const cut = first + (last - first) / 2n;
  const instants = fc.sample(fc.bigInt({ min: cut, max: last + 1n }), { seed: 77, numRuns: 20 });
  const before = instants.map((t) => stateBytes(booksStateAt(dir, t, { inclusive: true, noKeyframes: true }).builder));
  const c = await runCli(['compact', dir, '--before', String(cut)]);
  assert.is(c.code, 0, c.stderr);
  assert.match(c.stdout, /books\s+kept: (keyframe written at the cut \(seq \d+, 10 books\)|the keyframe at the cut \(seq \d+\) was already there)/);
  const info = await runCli(['info', dir, '--json']);
  const k = JSON.parse(info.stdout).keyframes as { atCut: boolean; count: number; firstSeq: number };
  assert.is(k.atCut, true);
  const firstSeq = JSON.parse(info.stdout).firstSeq as number;
  assert.is(k.firstSeq, firstSeq - 1, 'keyframes older than the cut are gone');
  assert.match((await runCli(['info', dir])).stdout, /keyframes\s+\d+ .*one at the compaction cut \(the books survive it\)/);
  instants.forEach((t, i) => {
    const now = booksStateAt(dir, t, { inclusive: true });
    assert.ok(now.keyframe, `at ${t}: from a keyframe`);
    assert.ok(stateBytes(now.builder).equals(before[i]!), `at ${t}: the same books as before the compaction`);
  });
  // Without the keyframes the rest of the log alone does not give those books.
  const bare = booksStateAt(dir, last, { inclusive: true, noKeyframes: true });
  assert.not.ok(stateBytes(bare.builder).equals(before[instants.indexOf(instants.reduce((a, b) => (a > b ? a : b)))]!), 'the keyframe is what keeps the books');
  // A dry run says what it would do and writes nothing.
  const dry = await runCli(['compact', dir, '--before', String(last), '--dry-run']);
  assert.is(dry.code, 0, dry.stderr);
  rm(root);
});

test('record --keyframes: keyframes written as a recording is made from stdin are the ones `keyframe` writes afterwards', async () => {
  const rec = await imported(fixture('kraken-20210417.head300.ws.txt.gz'), 'kraken');
  const jsonl = (await runCli(['export', rec.dir])).stdout;
  const dir = path.join(rec.root, 'again');
  const r = await runCli(['record', dir, '--clock', 'source', '--deterministic', '--keyframes', '300ms'], { input: jsonl });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /keyframes: \d+ written \(every 300ms or 10000 book events\)/);
  const listing = () => keyframeStore(dir).list().map((l) => [l.name, fs.readFileSync(path.join(dir, 'keyframes', l.name, 'books.bin')).toString('base64')]);
  const live = listing();
  assert.ok(live.length >= 3, `${live.length} keyframes`);
  await writeKeyframes(dir, { everyNs: 300_000_000n, rebuild: true });
  assert.equal(listing(), live);
  assert.is((await runCli(['record', path.join(rec.root, 'x'), '--keyframes', 'soon'], { input: '' })).code, 2);
  rm(rec.root);
});

test('import --keyframes: a spacing without a unit is a usage error before anything is created', async () => {
  const root = tmpDir();
  const dir = path.join(root, 'rec');
  const r = await runCli(['import', fixture('kraken-20210417.head300.ws.txt.gz'), dir, '--format', 'kraken', '--keyframes', '5']);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /--keyframes/);
  assert.not.ok(fs.existsSync(dir));
  rm(root);
});

test('import --keyframes --keyframe-events: keyframes spaced by events as they are written, the ones `keyframe --every-events` writes afterwards; a resume writes the same ones', async () => {
  const root = tmpDir();
  const dir = path.join(root, 'rec');
  const imp = await runCli(['import', fixture('kraken-20210417.head300.ws.txt.gz'), dir, '--format', 'kraken', '--keyframes', '1h', '--keyframe-events', '700']);
  assert.is(imp.code, 0, imp.stderr);
  assert.match(imp.stderr, /keyframes: \d+ written \(every 1h or 700 book events\), \d+ in /);
  const listing = () => keyframeStore(dir).list().map((l) => [l.name, createHash('sha256').update(fs.readFileSync(path.join(dir, 'keyframes', l.name, 'books.bin'))).digest('hex')]);
  const asImported = listing();
  assert.ok(asImported.length >= 8, `${asImported.length} keyframes (the excerpt has ~7.7K book events, within one hour)`);
  const rb = await runCli(['keyframe', dir, '--every', '1h', '--every-events', '700', '--rebuild']);
  assert.is(rb.code, 0, rb.stderr);
  assert.match(rb.stdout, /every 1h or 700 book events\) from the start of the log/);
  assert.equal(listing(), asImported, 'import --keyframes = keyframe afterwards, byte for byte');
  const store = keyframeStore(dir);
  for (const l of store.list().slice(-3)) fs.rmSync(path.join(store.dir, l.name), { recursive: true });
  const resumed = await runCli(['keyframe', dir, '--every', '1h', '--every-events', '700', '--json']);
  assert.is(resumed.code, 0, resumed.stderr);
  const j = JSON.parse(resumed.stdout) as { written: unknown[]; everyEvents: number };
  assert.equal([j.written.length, j.everyEvents], [3, 700]);
  assert.equal(listing(), asImported, 'a resume writes the same keyframes');
  // By time only (0): one keyframe less than an hour's grid gives none here.
  const t = await runCli(['keyframe', dir, '--every', '1h', '--every-events', '0', '--rebuild']);
  assert.is(t.code, 0, t.stderr);
  assert.match(t.stdout, /^wrote 0 keyframes \(0 bytes, every 1h\)/);
  rm(root);
});

test('keyframe spacing by events: bad values and --keyframe-events without --keyframes are usage errors (exit 2) before anything is created', async () => {
  const root = tmpDir();
  const dir = path.join(root, 'rec');
  const input = fixture('kraken-20210417.head300.ws.txt.gz');
  for (const args of [
    ['--keyframe-events', '50'],
    ['--keyframes', '1m', '--keyframe-events', '-1'],
    ['--keyframes', '1m', '--keyframe-events', '2.5'],
    ['--keyframes', '1m', '--keyframe-events', 'many'],
  ]) {
    const r = await runCli(['import', input, dir, '--format', 'kraken', ...args]);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /--keyframe-events/);
    assert.not.ok(fs.existsSync(dir), `${args.join(' ')}: nothing created`);
  }
  const rec = await runCli(['record', path.join(root, 'r'), '--keyframe-events', '50'], { input: '' });
  assert.is(rec.code, 2, rec.stderr);
  assert.match(rec.stderr, /--keyframe-events goes with --keyframes/);
  const ok = await runCli(['import', input, dir, '--format', 'kraken']);
  assert.is(ok.code, 0, ok.stderr);
  for (const bad of ['-5', 'x', '1.5']) {
    const r = await runCli(['keyframe', dir, '--every-events', bad]);
    assert.is(r.code, 2, `--every-events ${bad}: ${r.stderr}`);
    assert.match(r.stderr, /--every-events/);
  }
  assert.not.ok(fs.existsSync(path.join(dir, 'keyframes')), 'no keyframe written');
  rm(root);
});

test.run();
