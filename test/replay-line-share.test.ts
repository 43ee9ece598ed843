/**
 * One recording's JSON lines made by two threads (src/replay/line-share.ts), split by byte offset
 * (src/log/handoff.ts): whatever the helper does (takes every span, some, none, declines, dies, on
 * this thread or a real worker thread), the lines are byte for byte those of the plain cursor,
 * over events of every type, with type and time filters, over several segments; damage anywhere
 * (a flipped byte at a random offset, inside the helper's spans or this thread's blocks, a torn
 * tail) ends the lines at the same place with the same error and the same problems. Each record
 * is read by one thread only. Then the CLI: `export -o` and `replay --max -o` write the same file
 * with and without the worker, failures included.
 */
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { JsonLineWriter } from '../src/events/json-line-writer.js';
import { openEventLog, openRecording, writeEvent, type EventReadOptions } from '../src/events/recording.js';
import { EVENT_TYPES, type EventType, type TapeEvent } from '../src/events/types.js';
import { crc32, crc32Combine } from '../src/log/crc.js';
import { planSpans } from '../src/log/handoff.js';
import { inspectSegment, realFileOps, type ReadProblem } from '../src/log/index.js';
import { exportToStrings } from '../src/ops/export.js';
import { localSpanHelper, shareLines, SharedLineCursor, workerSpanHelper, type JsonLineSource, type SpanHelper, type SpanHelperFactory } from '../src/replay/line-share.js';
import type { CoreProbe } from '../src/util/worker-auto.js';
import { arbEvent } from './events-arbitraries.js';
import { runCli } from './helpers/cli.js';
import { flipByte, rm, segmentFiles, tmpDir } from './helpers/tmp.js';
import { T0, tick } from './replay-fixtures.js';

interface Out {
  text: string;
  types: EventType[];
  error: string | null;
  problems: ReadProblem[];
  unknownSkipped: number;
}

/** Reads `src` to its end (or its error): nextJson lines, and bulk ones (takeLines) when `bulk`. */
function drain(src: JsonLineSource, iso: boolean, bulk = false): Out {
  const w = new JsonLineWriter(64);
  const types: EventType[] = [];
  let error: string | null = null;
  const byType = Object.fromEntries(EVENT_TYPES.map((t) => [t, 0])) as Record<EventType, number>;
  let bulkLines = 0;
  try {
    for (;;) {
      if (bulk && src.takeLines) {
        const k = src.takeLines(w, 3, 1 << 30, byType);
        if (k > 0) {
          bulkLines += k;
          continue;
        }
      }
      const t = src.nextJson(w, iso, true);
      if (t === null) break;
      types.push(t);
    }
  } catch (e) {
    const err = e as Error & { code?: string };
    error = `${err.code ?? ''} ${err.message}`;
  }
  const out = { text: w.take().toString('utf8'), types, error, problems: [...src.problems], unknownSkipped: src.unknownSkipped };
  if (bulk) {
    // Bulk lines are counted by type, not listed in order: fold them into the counts.
    out.types = [...EVENT_TYPES.flatMap((t) => Array<EventType>(byType[t]).fill(t)), ...types].sort();
    assert.ok(bulkLines >= 0);
  }
  src.close();
  return out;
}

/** The plain cursor's lines in the form drain(…, bulk) gives. */
function sortedTypes(o: Out): Out {
  return { ...o, types: [...o.types].sort() };
}

/** A recording of `evs` with small segments and a dense sparse index (many spans). */
async function recording(evs: readonly TapeEvent[], dir = tmpDir('tapedeck-share-'), segmentBytes = 4096): Promise<string> {
  const log = await openEventLog(dir, { durability: 'async', segmentBytes, indexEveryBytes: 256 });
  for (const ev of evs) writeEvent(log, ev);
  await log.close();
  return dir;
}

/** A helper on this thread that claims the spans `claims` picks and, for those in `dies`, never answers. */
function fakeHelper(claims: (id: number) => boolean, dies: (id: number) => boolean, log: { claimed: number; died: number }): SpanHelperFactory {
  return (filter, iso, window) => {
    const inner = localSpanHelper((id) => claims(id) && (log.claimed++, true), filter, iso, window);
    return {
      ...inner,
      result: (id) => {
        if (dies(id)) {
          log.died++;
          return null;
        }
        return inner.result(id);
      },
    } satisfies SpanHelper;
  };
}

test('crc32Combine: the CRC of A then B from the CRCs of A and of B, and a chain continued over a span', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 }), (a, b) => {
      const ab = new Uint8Array([...a, ...b]);
      assert.is(crc32Combine(crc32(a), crc32(b), b.length), crc32(ab));
    }),
    { numRuns: 200, seed: 20261130 },
  );
});

test('planSpans: every other block from the second, cut at index entries, at least spanBytes, up to dataEnd; none unsealed', async () => {
  const dir = await recording(Array.from({ length: 400 }, (_, i) => tick(i, { symbol: `S${i % 7}` })), undefined, 1 << 20);
  try {
    const seg = inspectSegment(realFileOps, dir, segmentFiles(dir)[0]!);
    const f = seg.footer!;
    const entries = new Map(f.index.map((e) => [e.offsetBytes, e]));
    for (const spanBytes of [1, 300, 1000, 5000]) {
      for (const start of [64, f.index[3]!.offsetBytes]) {
        const spans = planSpans(seg, start, spanBytes);
        let last = start;
        for (const s of spans) {
          const e = entries.get(s.start)!;
          assert.ok(e !== undefined, 'starts at an index entry');
          assert.is(s.seq, e.seq);
          assert.is(s.tsNs, e.tsNs);
          assert.ok(s.start >= last + spanBytes, 'a block of this thread before it');
          assert.ok(s.end > s.start && s.end <= f.dataEnd);
          assert.ok(s.end === f.dataEnd || entries.has(s.end));
          last = s.end;
        }
        if (spanBytes === 1) assert.ok(spans.length > 3);
      }
    }
    assert.equal(planSpans({ ...seg, footer: null }, 64, 1), []);
  } finally {
    rm(dir);
  }
});

test('line share: the same lines as the plain cursor, whatever the helper does (every type, type and time filters, ISO, segments)', async () => {
  let taken = 0;
  let declined = 0;
  const seenTypes = new Set<EventType>();
  await fc.assert(
    fc.asyncProperty(
      fc.array(arbEvent(), { minLength: 0, maxLength: 80 }),
      fc.record({ claimMod: fc.integer({ min: 1, max: 4 }), dieAt: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined, freq: 3 }) }),
      fc.record({ spanBytes: fc.integer({ min: 1, max: 2000 }), window: fc.integer({ min: 1, max: 4 }), iso: fc.boolean(), startAfter: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 20 })), bulk: fc.boolean(), segmentBytes: fc.constantFrom(2048, 8192, 1 << 20) }),
      fc.record({ types: fc.option(fc.subarray([...EVENT_TYPES], { minLength: 1 }), { nil: undefined, freq: 2 }), from: fc.option(fc.nat(10), { nil: undefined, freq: 2 }), to: fc.option(fc.nat(80), { nil: undefined, freq: 2 }) }),
      async (evs, helper, knobs, filter) => {
        const dir = await recording(evs.map((ev, i) => ({ ...ev, ts: T0 + BigInt(i) }) as TapeEvent), undefined, knobs.segmentBytes);
        try {
          const opts: EventReadOptions = { types: filter.types, fromTs: filter.from === undefined ? undefined : T0 + BigInt(filter.from), toTs: filter.to === undefined ? undefined : T0 + BigInt((filter.from ?? 0) + filter.to) };
          const rec = openRecording(dir);
          const plain = drain(rec.cursor(opts), knobs.iso);
          const log = { claimed: 0, died: 0 };
          const make = fakeHelper((id) => id % helper.claimMod !== 0, (id) => id === helper.dieAt, log);
          const shared = new SharedLineCursor(rec, opts, knobs.iso, { makeHelper: make, spanBytes: knobs.spanBytes, windowSpans: knobs.window, startAfter: knobs.startAfter });
          const got = drain(shared, knobs.iso, knobs.bulk);
          assert.is(got.text, plain.text);
          assert.equal(got.types, knobs.bulk ? sortedTypes(plain).types : plain.types);
          assert.is(got.error, plain.error);
          assert.is(plain.error, null);
          assert.is(got.unknownSkipped, plain.unknownSkipped);
          taken += shared.spansTaken;
          declined += shared.spansDeclined;
          for (const t of got.types) seenTypes.add(t);
        } finally {
          rm(dir);
        }
      },
    ),
    { numRuns: 40, seed: 20261130 },
  );
  assert.ok(taken > 0, 'the helper read some spans');
  assert.ok(declined > 0, 'the helper declined some (the range ended in them)');
  assert.equal([...seenTypes].sort(), [...EVENT_TYPES].sort(), 'every event type went through');
});

/** n ticks into `dir` (small segments, dense index); its segment files. */
async function ticks(dir: string, n = 3000, segmentBytes = 64 * 1024): Promise<string[]> {
  await recording(
    Array.from({ length: n }, (_, i) => tick(i, { symbol: `S${i % 7}`, bid: 100 + (i % 50) / 8 })),
    dir,
    segmentBytes,
  );
  return segmentFiles(dir).map((s) => path.join(dir, s));
}

test('line share: a byte flipped at a random offset (in a span or a block, any segment) ends the lines where the plain cursor does, with the same error', async () => {
  const dir = tmpDir('tapedeck-share-corrupt-');
  try {
    const segs = await ticks(dir);
    assert.ok(segs.length >= 3);
    const pristine = segs.map((s) => fs.readFileSync(s));
    const spansOf = segs.map((s) => planSpans(inspectSegment(realFileOps, dir, path.basename(s)), 64, 2000));
    let inSpan = 0;
    let tookBefore = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(segs.length - 1), fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 1, max: 255 }), fc.boolean(), async (si, permyriad, mask, bulk) => {
        segs.forEach((s, i) => fs.writeFileSync(s, pristine[i]!));
        const seg = segs[si]!;
        const at = Math.floor((pristine[si]!.length * permyriad) / 10000);
        flipByte(seg, at, mask);
        const rec = openRecording(dir);
        let plain: Out;
        try {
          plain = drain(rec.cursor({}), false);
        } catch (e) {
          return; // damage that stops the open itself (a header): nothing to share
        }
        if (spansOf[si]!.some((s) => at >= s.start && at < s.end)) inSpan++;
        const log = { claimed: 0, died: 0 };
        const shared = new SharedLineCursor(rec, {}, false, { makeHelper: fakeHelper(() => true, () => false, log), spanBytes: 2000, startAfter: 0 });
        let got: Out;
        try {
          got = drain(shared, false, bulk);
        } catch (e) {
          assert.unreachable(`the shared read threw where the plain one did not: ${String(e)}`);
          return;
        }
        assert.is(got.error, plain.error, `segment ${si} at ${at}`);
        assert.is(got.text, plain.text, `segment ${si} at ${at}`);
        assert.equal(got.problems, plain.problems);
        assert.equal(got.types, bulk ? sortedTypes(plain).types : plain.types);
        tookBefore += shared.spansTaken;
      }),
      { numRuns: 40, seed: 20261130 },
    );
    assert.ok(inSpan > 5, `damage inside the helper's spans: ${inSpan}`);
    assert.ok(tookBefore > 0);
  } finally {
    rm(dir);
  }
});

test('line share: a torn tail is the same problem, after the same lines', async () => {
  const dir = tmpDir('tapedeck-share-torn-');
  try {
    // The directory as a SIGKILL would leave it (everything synced, the last segment not sealed),
    // then the last frame cut short.
    const live = tmpDir('tapedeck-share-live-');
    const log = await openEventLog(live, { durability: 'async', segmentBytes: 16 * 1024, indexEveryBytes: 256 });
    for (let i = 0; i < 1500; i++) writeEvent(log, tick(i, { symbol: `S${i % 7}` }));
    await log.sync();
    fs.cpSync(live, dir, { recursive: true });
    await log.close();
    rm(live);
    const files = segmentFiles(dir);
    assert.ok(files.length >= 3);
    const seg = path.join(dir, files.at(-1)!);
    fs.truncateSync(seg, fs.statSync(seg).size - 5);
    const rec = openRecording(dir);
    const plain = drain(rec.cursor({}), false);
    const shared = new SharedLineCursor(rec, {}, false, { makeHelper: fakeHelper(() => true, () => false, { claimed: 0, died: 0 }), spanBytes: 1000, startAfter: 0 });
    const got = drain(shared, false);
    assert.is(got.error, plain.error);
    assert.is(got.text, plain.text);
    assert.is(plain.error, null);
    assert.is(plain.problems[0]?.kind, 'torn');
    assert.equal(got.problems, plain.problems);
    assert.ok(shared.linesFromWorker > 0, 'the sealed segments were shared');
  } finally {
    rm(dir);
  }
});

test('line share: a helper that claims nothing, or dies, leaves the rest to this thread; a short read never makes it', async () => {
  const dir = tmpDir('tapedeck-share-late-');
  try {
    await ticks(dir);
    const rec = openRecording(dir);
    const plain = drain(rec.cursor({}), false);
    const none = new SharedLineCursor(rec, {}, false, { makeHelper: fakeHelper(() => false, () => false, { claimed: 0, died: 0 }), spanBytes: 1000, startAfter: 0 });
    assert.is(drain(none, false).text, plain.text);
    assert.is(none.linesFromWorker, 0);
    const log = { claimed: 0, died: 0 };
    const dying = new SharedLineCursor(rec, {}, false, { makeHelper: fakeHelper(() => true, (id) => id === 4, log), spanBytes: 1000, startAfter: 0 });
    assert.is(drain(dying, false).text, plain.text);
    assert.is(log.died, 1);
    assert.is(dying.spansTaken, 3, 'spans 1-3, then nothing more is asked of it');
    let made = 0;
    const short = new SharedLineCursor(rec, { toSeq: 99 }, false, { makeHelper: () => ((made++, null) as never), spanBytes: 1000 });
    assert.is(drain(short, false).types.length, 100);
    assert.is(made, 0);
  } finally {
    rm(dir);
  }
});

test('line share: in auto mode the measured stretch decides; declined, the lines are the plain cursor\'s and no helper is made', async () => {
  const dir = tmpDir('tapedeck-share-auto-');
  try {
    await ticks(dir);
    const rec = openRecording(dir);
    const plain = drain(rec.cursor({}), false);
    /** Each reading moves the wall clock 10 ms and the CPU clock `cpuPerRead` ms. */
    const probeOf = (cpuPerRead: number): CoreProbe => {
      let n = 0;
      return () => (n++, { cpuMs: n * cpuPerRead, wallMs: n * 10 });
    };
    for (const [cpuPerRead, cores, made] of [[2, 2, false], [9.5, 2, true], [10, 1, false]] as const) {
      let factoryCalls = 0;
      const inner = fakeHelper(() => true, () => false, { claimed: 0, died: 0 });
      const make: SpanHelperFactory = (f, iso, w) => (factoryCalls++, inner(f, iso, w));
      const c = new SharedLineCursor(rec, {}, false, { makeHelper: make, spanBytes: 1000, startAfter: 500, mode: 'auto', probe: probeOf(cpuPerRead), cores });
      const got = drain(c, false);
      assert.is(got.text, plain.text);
      assert.equal(got.types, plain.types);
      assert.is(c.workerMade, made);
      assert.is(factoryCalls, made ? 1 : 0);
      assert.equal(c.decidedOn, { cpuMs: cpuPerRead, wallMs: 10, cores });
      if (made) assert.ok(c.linesFromWorker > 0);
      else assert.is(c.linesFromWorker, 0);
    }
    // 'on' never measures; 'off' is the plain cursor.
    const on = new SharedLineCursor(rec, {}, false, { makeHelper: fakeHelper(() => true, () => false, { claimed: 0, died: 0 }), spanBytes: 1000, startAfter: 500, probe: () => assert.unreachable('measured') as never });
    assert.is(drain(on, false).text, plain.text);
    assert.ok(on.workerMade && on.decidedOn === null);
    const off = shareLines(rec, {}, false, { mode: 'off' });
    assert.ok(!(off instanceof SharedLineCursor));
    off.close();
  } finally {
    rm(dir);
  }
});

test('line share: runId / symbols filters and follows are not shared (the plain cursor)', async () => {
  const dir = tmpDir('tapedeck-share-filter-');
  try {
    await ticks(dir, 50);
    const rec = openRecording(dir);
    for (const opts of [{ symbols: ['S1'] }, { runId: 'x' }, { follow: true }] as EventReadOptions[]) {
      const c = shareLines(rec, opts, false);
      assert.ok(!(c instanceof SharedLineCursor));
      c.close();
    }
    const shared = shareLines(rec, {}, false, { makeHelper: fakeHelper(() => true, () => false, { claimed: 0, died: 0 }) });
    assert.ok(shared instanceof SharedLineCursor);
    shared.close();
  } finally {
    rm(dir);
  }
});

test('line share: a real worker thread reads some of the spans, the same bytes', async () => {
  const dir = tmpDir('tapedeck-share-worker-');
  try {
    await ticks(dir, 20000, 1 << 20);
    const rec = openRecording(dir);
    const plain = drain(rec.cursor({}), false);
    let helper = null as SpanHelper | null;
    const make: SpanHelperFactory = (f, iso, w) => (helper = workerSpanHelper(f, iso, w));
    const shared = new SharedLineCursor(rec, {}, false, { makeHelper: make, spanBytes: 16 * 1024, startAfter: 0, windowSpans: 100 });
    // Lets the worker start and read its first span before this thread reads, so the run below
    // uses it (bounded: a busy machine may take seconds to start a thread).
    assert.ok(helper !== null);
    for (let i = 0; i < 400 && helper!.done() === 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(helper!.done() > 0, 'the worker read a span');
    const got = drain(shared, false, true);
    assert.is(got.text, plain.text);
    assert.ok(shared.spansTaken > 0 && shared.linesFromWorker > 0, `${shared.spansTaken} spans, ${shared.linesFromWorker} lines`);
  } finally {
    rm(dir);
  }
});

async function cliFile(args: string[], file: string): Promise<{ code: number; stderr: string; stdout: string; bytes: Buffer }> {
  const r = await runCli(args);
  return { code: r.code, stderr: r.stderr.split(file).join('OUT'), stdout: r.stdout, bytes: fs.existsSync(file) ? fs.readFileSync(file) : Buffer.alloc(0) };
}

test('CLI: export -o and replay --max -o write the same file with and without the worker, damage included', async () => {
  const dir = tmpDir('tapedeck-share-cli-');
  const out = tmpDir('tapedeck-share-cli-out-');
  try {
    const [seg] = await ticks(dir, 30000, 1 << 30);
    const f = (n: string) => path.join(out, n);
    for (const damaged of [false, true]) {
      if (damaged) flipByte(seg!, Math.floor(fs.statSync(seg!).size * 0.7), 0x10);
      const ex1 = await cliFile(['export', dir, '-o', f('a.jsonl'), '--json'], f('a.jsonl'));
      const ex2 = await cliFile(['export', dir, '-o', f('b.jsonl'), '--json', '--no-worker'], f('b.jsonl'));
      const rp1 = await cliFile(['replay', dir, '--max', '-o', f('c.jsonl')], f('c.jsonl'));
      const rp2 = await cliFile(['replay', dir, '--max', '-o', f('d.jsonl'), '--no-read-ahead'], f('d.jsonl'));
      // Forced on (the default decides by the machine's load: either way the same bytes).
      const ex3 = await cliFile(['export', dir, '-o', f('e.jsonl'), '--json', '--worker'], f('e.jsonl'));
      const rp3 = await cliFile(['replay', dir, '--max', '-o', f('g.jsonl'), '--read-ahead'], f('g.jsonl'));
      assert.is(ex3.code, ex2.code, ex3.stderr);
      assert.is(rp3.code, ex2.code, rp3.stderr);
      assert.ok(ex3.bytes.equals(ex2.bytes), 'export --worker: the same file');
      assert.ok(rp3.bytes.equals(ex2.bytes), 'replay --max --read-ahead: the same file');
      assert.is(ex3.stderr, ex2.stderr);
      assert.is(rp3.stderr, rp2.stderr);
      assert.is(ex3.stdout.split('e.jsonl').join('b.jsonl'), ex2.stdout, 'the same summary (counts by type)');
      assert.is(ex1.code, damaged ? 1 : 0, ex1.stderr);
      assert.is(ex2.code, ex1.code);
      assert.is(rp1.code, ex1.code, rp1.stderr);
      assert.is(rp2.code, ex1.code);
      assert.ok(ex1.bytes.length > 0);
      assert.ok(ex1.bytes.equals(ex2.bytes), 'export: the same file');
      assert.ok(rp1.bytes.equals(rp2.bytes), 'replay --max: the same file');
      assert.ok(rp1.bytes.equals(ex1.bytes), 'replay --max writes what export writes');
      assert.is(ex1.stderr, ex2.stderr);
      assert.is(rp1.stderr, rp2.stderr);
      assert.is(ex1.stdout.split('b.jsonl').join('a.jsonl'), ex2.stdout.split('b.jsonl').join('a.jsonl'));
      if (damaged) assert.match(ex1.stderr, /corrupt/);
      else {
        for (const worker of [true, 'auto'] as const) {
          const lib = exportToStrings(dir, { worker });
          assert.is(lib.streams.all, ex1.bytes.toString('utf8'), `the library with worker: ${worker}`);
          assert.is(lib.summary.events, 30000);
        }
      }
    }
  } finally {
    rm(dir);
    rm(out);
  }
});

test.run();
