/**
 * One recording's JSON lines made by two threads (src/replay/line-share.ts): whatever the worker
 * does (ahead, late, failing, on this thread or a real worker thread), the lines are byte for byte
 * those of the plain cursor, over events of every type, with type and time filters; damage (a
 * corrupt frame in either thread's blocks, a torn tail) ends the lines at the same place with the
 * same error and the same problems. Then the CLI: `export -o` and `replay --max -o` write the same
 * file with and without the worker, failures included.
 */
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { JsonLineWriter } from '../src/events/json-line-writer.js';
import { openEventLog, openRecording, writeEvent, type EventReadOptions } from '../src/events/recording.js';
import { EVENT_TYPES, type EventType, type TapeEvent } from '../src/events/types.js';
import type { ReadProblem } from '../src/log/index.js';
import { exportToStrings } from '../src/ops/export.js';
import { LocalLineProducer, LineSource, workerLineProducer, type LineProducer, type LineProducerFactory, type ProducerMessage } from '../src/replay/line-producer.js';
import { CPU_SHARE_MIN, shareLines, SharedLineCursor, workerPays, workerTakes, type CoreProbe, type JsonLineSource, type LineShare } from '../src/replay/line-share.js';
import { arbEvent } from './events-arbitraries.js';
import { runCli } from './helpers/cli.js';
import { flipByte, rm, segmentFiles, tmpDir } from './helpers/tmp.js';
import { makeRecording, T0, tick } from './replay-fixtures.js';

interface Out {
  text: string;
  types: EventType[];
  error: string | null;
  problems: ReadProblem[];
  unknownSkipped: number;
}

/** Reads `src` to its end (or its error) as nextJson lines. */
function drain(src: JsonLineSource, iso: boolean): Out {
  const w = new JsonLineWriter(64);
  const types: EventType[] = [];
  let error: string | null = null;
  try {
    for (let t = src.nextJson(w, iso, true); t !== null; t = src.nextJson(w, iso, true)) types.push(t);
  } catch (e) {
    const err = e as Error & { code?: string };
    error = `${err.code ?? ''} ${err.message}`;
  }
  const out = { text: w.take().toString('utf8'), types, error, problems: [...src.problems], unknownSkipped: src.unknownSkipped };
  src.close();
  return out;
}

interface Fake {
  /** Messages are held until this many polls have been made (a worker still starting). */
  lateBy: number;
  /** The producer fails after this many batches (undefined: never). */
  failAfter?: number;
  batchItems: number;
}

/**
 * A producer on this thread (LocalLineProducer, share mode) whose messages reach the consumer only
 * through poll(), `lateBy` polls late, optionally failing part way, as a worker may.
 */
function fakeProducer(dir: string, iso: boolean, share: LineShare, fake: Fake, opens: number[]): LineProducerFactory {
  return (receive) => {
    const held: ProducerMessage[] = [];
    let batches = 0;
    let failed = false;
    let polls = 0;
    const inner: LineProducer = new LocalLineProducer(new LineSource([openRecording(dir)], { iso, share, batchItems: fake.batchItems }), (m) => {
      if (failed) return;
      if (fake.failAfter !== undefined && m.kind === 'batch' && batches++ >= fake.failAfter) {
        failed = true;
        held.push({ kind: 'error', gen: m.batch.gen, error: { name: 'TapedeckError', code: 'WORKER_DIED', message: 'gone' } as never, problems: null });
        return;
      }
      held.push(m);
    });
    return {
      open: (gen, opts, credits) => {
        opens.push(opts.fromSeq ?? -1);
        inner.open(gen, opts, credits);
      },
      credit: (gen, n) => inner.credit(gen, n),
      poll: () => {
        if (++polls <= fake.lateBy) return;
        for (const m of held.splice(0)) receive(m);
      },
      close: () => inner.close(),
    };
  };
}

const arbShare = fc
  .record({ blockRecords: fc.integer({ min: 1, max: 5 }), period: fc.integer({ min: 2, max: 3 }), workerBlocks: fc.integer({ min: 1, max: 2 }) })
  .map((s) => ({ ...s, workerBlocks: Math.min(s.workerBlocks, s.period - 1) }));

test('line share: the same lines as the plain cursor, whatever the worker does (events of every type, type and time filters, ISO)', async () => {
  let tookFromWorker = 0;
  const seenTypes = new Set<EventType>();
  await fc.assert(
    fc.asyncProperty(
      fc.array(arbEvent(), { minLength: 0, maxLength: 60 }),
      arbShare,
      fc.record({ lateBy: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 30 })), failAfter: fc.option(fc.nat(6), { nil: undefined, freq: 2 }), batchItems: fc.integer({ min: 1, max: 6 }) }),
      fc.record({ window: fc.integer({ min: 1, max: 3 }), lead: fc.integer({ min: 1, max: 3 }), iso: fc.boolean(), startAfter: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 12 })) }),
      fc.record({ types: fc.option(fc.subarray([...EVENT_TYPES], { minLength: 1 }), { nil: undefined, freq: 2 }), from: fc.option(fc.nat(10), { nil: undefined, freq: 2 }), to: fc.option(fc.nat(60), { nil: undefined, freq: 2 }) }),
      async (evs, share, fake, knobs, filter) => {
        const dir = await makeRecording(evs.map((ev, i) => ({ ...ev, ts: T0 + BigInt(i) }) as TapeEvent));
        try {
          const opts: EventReadOptions = { types: filter.types, fromTs: filter.from === undefined ? undefined : T0 + BigInt(filter.from), toTs: filter.to === undefined ? undefined : T0 + BigInt((filter.from ?? 0) + filter.to) };
          const rec = openRecording(dir);
          const plain = drain(rec.cursor(opts), knobs.iso);
          const opens: number[] = [];
          const shared = new SharedLineCursor(rec.cursor(opts), opts, knobs.iso, fakeProducer(dir, knobs.iso, share, fake, opens), { share, windowBatches: knobs.window, leadBlocks: knobs.lead, startAfter: knobs.startAfter });
          const got = drain(shared, knobs.iso);
          assert.is(got.text, plain.text);
          assert.equal(got.types, plain.types);
          assert.is(got.error, plain.error);
          assert.is(plain.error, null);
          tookFromWorker += shared.linesFromWorker;
          for (const t of got.types) seenTypes.add(t);
          // Every open but the first moved the worker ahead to the start of a block.
          for (const s of opens.slice(1)) assert.is(s % share.blockRecords, 0);
        } finally {
          rm(dir);
        }
      },
    ),
    { numRuns: 40, seed: 20261130 },
  );
  assert.ok(tookFromWorker > 0, 'the worker wrote some of the lines');
  assert.equal([...seenTypes].sort(), [...EVENT_TYPES].sort(), 'every event type went through');
});

/** 3000 ticks; the segment file's name. */
async function ticks(dir: string, n = 3000): Promise<string> {
  await makeRecording(
    Array.from({ length: n }, (_, i) => tick(i, { symbol: `S${i % 7}`, bid: 100 + (i % 50) / 8 })),
    dir,
  );
  return path.join(dir, segmentFiles(dir)[0]!);
}

const SHARES: LineShare[] = [
  { blockRecords: 100, period: 2, workerBlocks: 1 },
  { blockRecords: 7, period: 3, workerBlocks: 2 },
];

test('line share: a corrupt frame in either thread\'s block ends the lines where the plain cursor does, with the same error', async () => {
  const dir = tmpDir('tapedeck-share-corrupt-');
  try {
    const seg = await ticks(dir);
    const size = fs.statSync(seg).size;
    const pristine = fs.readFileSync(seg);
    for (const frac of [0.21, 0.52, 0.68, 0.9]) {
      fs.writeFileSync(seg, pristine);
      flipByte(seg, Math.floor(size * frac), 0x10);
      const rec = openRecording(dir);
      const plain = drain(rec.cursor({}), false);
      assert.ok(plain.error !== null && /corrupt|checksum|CORRUPT/i.test(plain.error), String(plain.error));
      assert.ok(plain.types.length > 0);
      for (const share of SHARES) {
        for (const lateBy of [0, 3]) {
          const shared = new SharedLineCursor(rec.cursor({}), {}, false, fakeProducer(dir, false, share, { lateBy, batchItems: 50 }, []), { share, startAfter: lateBy === 0 ? 0 : 300 });
          const got = drain(shared, false);
          assert.is(got.error, plain.error, `at ${frac}`);
          assert.is(got.text, plain.text, `at ${frac}`);
        }
      }
    }
  } finally {
    rm(dir);
  }
});

test('line share: a torn tail is the same problem, after the same lines', async () => {
  const dir = tmpDir('tapedeck-share-torn-');
  try {
    // The directory as a SIGKILL would leave it (everything synced, nothing sealed), then the
    // last frame cut short.
    const live = tmpDir('tapedeck-share-live-');
    const log = await openEventLog(live, { durability: 'async' });
    for (let i = 0; i < 500; i++) writeEvent(log, tick(i, { symbol: `S${i % 7}` }));
    await log.sync();
    fs.cpSync(live, dir, { recursive: true });
    await log.close();
    rm(live);
    const seg = path.join(dir, segmentFiles(dir)[0]!);
    fs.truncateSync(seg, fs.statSync(seg).size - 5);
    const rec = openRecording(dir);
    const plain = drain(rec.cursor({}), false);
    const shared = new SharedLineCursor(rec.cursor({}), {}, false, fakeProducer(dir, false, SHARES[0]!, { lateBy: 0, batchItems: 30 }, []), { share: SHARES[0]!, startAfter: 0 });
    const got = drain(shared, false);
    assert.is(got.error, plain.error);
    assert.is(got.text, plain.text);
    assert.is(plain.error, null);
    assert.is(plain.problems[0]?.kind, 'torn');
    assert.equal(got.problems, plain.problems);
    assert.ok(shared.linesFromWorker > 0);
  } finally {
    rm(dir);
  }
});

test('line share: a worker far behind is moved ahead and still saves work; one that fails leaves the rest to this thread', async () => {
  const dir = tmpDir('tapedeck-share-late-');
  try {
    await ticks(dir);
    const rec = openRecording(dir);
    const plain = drain(rec.cursor({}), false);
    const share = SHARES[0]!;
    const opens: number[] = [];
    const late = new SharedLineCursor(rec.cursor({}), {}, false, fakeProducer(dir, false, share, { lateBy: 8, batchItems: 100 }, opens), { share, leadBlocks: 2, windowBatches: 2, startAfter: 0 });
    const a = drain(late, false);
    assert.is(a.text, plain.text);
    assert.ok(opens.length >= 2, `reopened: ${opens.join(',')}`);
    assert.ok(late.linesFromWorker > 0);
    const failing = new SharedLineCursor(rec.cursor({}), {}, false, fakeProducer(dir, false, share, { lateBy: 0, failAfter: 2, batchItems: 100 }, []), { share, startAfter: 0 });
    const b = drain(failing, false);
    assert.is(b.text, plain.text);
    assert.is(failing.linesFromWorker, 200);
    // Started late (after 1,000 records), ahead of this thread: the first open is past it already.
    const startOpens: number[] = [];
    const started = new SharedLineCursor(rec.cursor({}), {}, false, fakeProducer(dir, false, share, { lateBy: 0, batchItems: 100 }, startOpens), { share, startAfter: 1000, leadBlocks: 3 });
    assert.is(drain(started, false).text, plain.text);
    assert.equal(startOpens, [1200]);
    assert.ok(started.linesFromWorker > 0);
    // A short read never makes the worker.
    let made = 0;
    const short = new SharedLineCursor(rec.cursor({ toSeq: 99 }), { toSeq: 99 }, false, () => ((made++, null) as never), { share });
    assert.is(drain(short, false).types.length, 100);
    assert.is(made, 0);
  } finally {
    rm(dir);
  }
});

test('line share: the auto rule makes the worker only with a second core and a core to itself (share ≥ CPU_SHARE_MIN)', () => {
  // cores, cpu ms, wall ms → made
  const table: [number, number, number, boolean][] = [
    [2, 100, 100, true],
    [8, 95, 100, true],
    [2, CPU_SHARE_MIN * 100, 100, true],
    [2, CPU_SHARE_MIN * 100 - 1, 100, false],
    [2, 20, 100, false], // a contended machine: this thread on a CPU a fifth of the time
    [1, 100, 100, false], // no second core
    [2, 0, 0, false], // nothing measured
    [2, 130, 100, true], // V8's helper threads count too
  ];
  for (const [cores, cpuMs, wallMs, made] of table) assert.is(workerPays({ cores, cpuMs, wallMs }), made, `${cores} cores, ${cpuMs} / ${wallMs} ms`);
});

test('line share: in auto mode the measured stretch decides; declined, the lines are the plain cursor\'s and no worker is made', async () => {
  const dir = tmpDir('tapedeck-share-auto-');
  try {
    await ticks(dir);
    const rec = openRecording(dir);
    const plain = drain(rec.cursor({}), false);
    const share = SHARES[0]!;
    /** Each reading moves the wall clock 10 ms and the CPU clock `cpuPerRead` ms. */
    const probeOf = (cpuPerRead: number): CoreProbe => {
      let n = 0;
      return () => (n++, { cpuMs: n * cpuPerRead, wallMs: n * 10 });
    };
    for (const [cpuPerRead, cores, made] of [[2, 2, false], [9.5, 2, true], [10, 1, false]] as const) {
      let factoryCalls = 0;
      const make: LineProducerFactory = (receive) => (factoryCalls++, fakeProducer(dir, false, share, { lateBy: 0, batchItems: 100 }, [])(receive));
      const c = new SharedLineCursor(rec.cursor({}), {}, false, make, { share, startAfter: 500, mode: 'auto', probe: probeOf(cpuPerRead), cores });
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
    const on = new SharedLineCursor(rec.cursor({}), {}, false, fakeProducer(dir, false, share, { lateBy: 0, batchItems: 100 }, []), { share, startAfter: 500, probe: () => assert.unreachable('measured') as never });
    assert.is(drain(on, false).text, plain.text);
    assert.ok(on.workerMade && on.decidedOn === null);
    const cursor = rec.cursor({});
    assert.is(shareLines(rec, cursor, {}, false, { mode: 'off' }), cursor);
    cursor.close();
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
      const c = rec.cursor(opts);
      assert.is(shareLines(rec, c, opts, false), c);
      c.close();
    }
  } finally {
    rm(dir);
  }
});

test('line share: a real worker thread writes some of the lines, the same bytes', async () => {
  const dir = tmpDir('tapedeck-share-worker-');
  try {
    await ticks(dir, 12000);
    const rec = openRecording(dir);
    const plain = drain(rec.cursor({}), false);
    const share: LineShare = { blockRecords: 1000, period: 2, workerBlocks: 1 };
    let arrived = 0;
    let inner: LineProducer | null = null;
    const real = workerLineProducer([dir], { iso: false, share, batchItems: 1000 }, undefined, { polled: true });
    const make: LineProducerFactory = (receive) =>
      (inner = real((m) => {
        arrived++;
        receive(m);
      }));
    const shared = new SharedLineCursor(rec.cursor({}), {}, false, make, { share, windowBatches: 4, startAfter: 0 });
    // Waits (bounded) for the worker's first batch, so the run below does use it.
    for (let i = 0; i < 500 && arrived === 0; i++) {
      inner!.poll!();
      if (arrived === 0) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(arrived > 0, 'the worker sent a batch');
    const got = drain(shared, false);
    assert.is(got.text, plain.text);
    assert.ok(shared.linesFromWorker >= 1000, String(shared.linesFromWorker));
    assert.ok(workerTakes(share, 1000) && !workerTakes(share, 0));
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
    const seg = await ticks(dir, 30000);
    const f = (n: string) => path.join(out, n);
    for (const damaged of [false, true]) {
      if (damaged) flipByte(seg, Math.floor(fs.statSync(seg).size * 0.7), 0x10);
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
