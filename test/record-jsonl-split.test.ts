/**
 * The parallel JSONL import (src/record/jsonl-split.ts: pieces of the file alternate between the
 * main thread and a parse worker) against the one-thread import: the same recording byte for
 * byte, the same summary, the same rejects with the same line numbers, the same --strict stop,
 * on random files of canonical ticks mixed with everything else a line can be.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { eventToJson } from '../src/events/json.js';
import { openRecording } from '../src/events/recording.js';
import { importFile, type ImportOptions } from '../src/record/importer.js';
import { planPieces, splitJsonl, SPLIT_MIN_BYTES, type Piece } from '../src/record/jsonl-split.js';
import { Recorder } from '../src/record/recorder.js';
import { PROBE_RECORDS, type CoreProbe, type CoreSample } from '../src/util/worker-auto.js';
import { runCli } from './helpers/cli.js';
import { rm, segmentFiles, tmpDir } from './helpers/tmp.js';

const T0 = 1_700_000_000_000_000_000n;

/** One line of a test file, as bytes (without its end). */
const arbLine = (ts: () => bigint): fc.Arbitrary<Buffer> =>
  fc.oneof(
    {
      weight: 30,
      arbitrary: fc.tuple(fc.constantFrom('XNAS', 'ARCX'), fc.constantFrom('AAPL', 'MSFT', 'x'.repeat(70), 'y'.repeat(40)), fc.integer({ min: 1, max: 99999 }), fc.nat(900)).map(([venue, symbol, px, size]) =>
        Buffer.from(eventToJson({ type: 'tick', ts: ts(), runId: 'r1', venue, symbol, bid: px / 100, ask: (px + 1) / 100, bidSize: size, askSize: 7 })),
      ),
    },
    // A tick back in time (a reject), or far ahead (every tick after it until then is a reject).
    { weight: 2, arbitrary: fc.integer({ min: -5000, max: 3000 }).map((d) => Buffer.from(eventToJson({ type: 'tick', ts: ts() + BigInt(d) * 1000n, runId: 'r1', venue: 'V', symbol: 'S', bid: 1 }))) },
    // Not canonical but valid: the general path writes it.
    { weight: 2, arbitrary: fc.constant(0).map(() => Buffer.from(`{"ts":"${ts()}","type":"tick","runId":"r1","venue":"V","symbol":"S","bid":1}`)) },
    { weight: 1, arbitrary: fc.constant(0).map(() => Buffer.from(eventToJson({ type: 'signal', ts: ts(), runId: 'r1', strategy: 'st', symbol: 'S', name: 'x', value: 2 }))) },
    { weight: 1, arbitrary: fc.constantFrom('', '   ', '\t').map((s) => Buffer.from(s)) },
    { weight: 1, arbitrary: fc.constantFrom('{', 'not json', '{"type":"tick"}', '{"type":"nope","ts":"1"}').map((s) => Buffer.from(s)) },
    // Invalid UTF-8, non-ASCII text, a line over the limit (300 bytes below).
    { weight: 1, arbitrary: fc.constantFrom(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), Buffer.from(`{"type":"tick","ts":"1","runId":"é","venue":"V","symbol":"S"}`), Buffer.from('x'.repeat(400))) },
  );

/** A file of lines: LF or CRLF ends, sometimes a BOM, sometimes no final newline. */
function arbFile(): fc.Arbitrary<Buffer> {
  let ts = T0;
  const next = (): bigint => (ts += 1000n);
  return fc
    .tuple(fc.array(arbLine(next), { minLength: 50, maxLength: 400 }), fc.boolean(), fc.boolean(), fc.boolean())
    .map(([lines, crlf, bom, lastNl]) => {
      const end = Buffer.from(crlf ? '\r\n' : '\n');
      const parts: Buffer[] = bom ? [Buffer.from([0xef, 0xbb, 0xbf])] : [];
      lines.forEach((l, i) => {
        parts.push(l);
        if (i < lines.length - 1 || lastNl) parts.push(end);
      });
      return Buffer.concat(parts);
    });
}

interface Outcome {
  summary: Record<string, unknown> | null;
  error: string | null;
  files: Map<string, Buffer>;
}

async function run(file: string, opts: ImportOptions): Promise<Outcome> {
  const dir = tmpDir();
  const out: Outcome = { summary: null, error: null, files: new Map() };
  try {
    const s = await importFile(file, dir, { deterministic: true, runId: 'r0', maxLineBytes: 300, onWarning: () => {}, ...opts });
    out.summary = { ...s, dir: '' };
  } catch (e) {
    const err = e as Error & { code?: string; position?: string };
    out.error = `${err.code} ${err.position} ${err.message}`;
  }
  for (const f of fs.readdirSync(dir)) if (f.endsWith('.tdseg') || f === 'MANIFEST') out.files.set(f, fs.readFileSync(path.join(dir, f)));
  rm(dir);
  return out;
}

function assertSame(a: Outcome, b: Outcome, what: string): void {
  assert.equal(a.error, b.error, what);
  assert.equal(a.summary, b.summary, what);
  assert.equal([...a.files.keys()], [...b.files.keys()], what);
  for (const [f, bytes] of a.files) assert.ok(bytes.equals(b.files.get(f)!), `${what}: ${f} differs`);
}

test('jsonl split - the same recording as one thread and as the general path, byte for byte, on random files in random pieces', async () => {
  const dir = tmpDir();
  const file = path.join(dir, 'in.jsonl');
  let workerPieces = 0;
  let rejects = 0;
  try {
    await fc.assert(
      fc.asyncProperty(arbFile(), fc.integer({ min: 200, max: 6000 }), fc.constantFrom(undefined, 640), async (bytes, roundBytes, slotBytes) => {
        fs.writeFileSync(file, bytes);
        const pieces = planPieces(file, { parseWorker: 'on', roundBytes });
        workerPieces += pieces?.filter((p) => p.worker).length ?? 0;
        // The reference: every line through JSON.parse, stamp and validateEvent.
        const general = await run(file, { parseWorker: 'off', canonicalTicks: false });
        const one = await run(file, { parseWorker: 'off' });
        // Small slots: the worker's batches overflow a slot mid-read.
        const two = await run(file, { parseWorker: 'on', roundBytes, slotBytes });
        assertSame(one, general, `${bytes.length} bytes, one thread`);
        assertSame(two, one, `${bytes.length} bytes in rounds of ${roundBytes}, slots of ${slotBytes ?? 'default'} bytes`);
        rejects += Number(one.summary?.rejects ?? 0);
      }),
      { numRuns: 12, seed: 16 },
    );
  } finally {
    rm(dir);
  }
  assert.ok(workerPieces >= 24, `only ${workerPieces} worker pieces: the property says little`);
  assert.ok(rejects > 50, `only ${rejects} rejects: the property says little`);
});

test('jsonl split - --strict stops at the same line, with the same prefix written', async () => {
  const dir = tmpDir();
  const file = path.join(dir, 'in.jsonl');
  try {
    const lines: string[] = [];
    for (let i = 0; i < 400; i++) lines.push(eventToJson({ type: 'tick', ts: T0 + BigInt(i) * 1000n, runId: 'r1', venue: 'V', symbol: 'S', bid: i }));
    for (const bad of [3, 250, 399]) {
      const copy = [...lines];
      copy[bad] = '{"type":"tick","ts":"x"}';
      fs.writeFileSync(file, `${copy.join('\n')}\n`);
      const pieces = planPieces(file, { parseWorker: 'on', roundBytes: 4000 })!;
      assert.ok(pieces.filter((p) => p.worker).length >= 2);
      const one = await run(file, { parseWorker: 'off', strict: true });
      const two = await run(file, { parseWorker: 'on', roundBytes: 4000, strict: true });
      assert.match(one.error ?? '', new RegExp(`line ${bad + 1}\\b`));
      assertSame(two, one, `bad line ${bad + 1}`);
    }
  } finally {
    rm(dir);
  }
});

test('jsonl split - a signal stops it between batches; what was written is a prefix of the input', async () => {
  const dir = tmpDir();
  const file = path.join(dir, 'in.jsonl');
  const rec = path.join(dir, 'rec');
  try {
    const lines: string[] = [];
    for (let i = 0; i < 5000; i++) lines.push(eventToJson({ type: 'tick', ts: T0 + BigInt(i) * 1000n, runId: 'r1', venue: 'V', symbol: 'S', bid: i }));
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    const ac = new AbortController();
    let batches = 0;
    const s = await importFile(file, rec, {
      parseWorker: 'on',
      roundBytes: 20_000,
      deterministic: true,
      signal: ac.signal,
      onProgress: () => {
        if (++batches === 3) ac.abort();
      },
    });
    assert.ok(s.events > 0 && s.events < 5000, `${s.events} events`);
    let i = 0;
    for (const ev of openRecording(rec).events({ types: ['tick'] })) assert.is(ev.ts, T0 + BigInt(i++) * 1000n);
    assert.is(i, s.events);
  } finally {
    rm(dir);
  }
});

test('jsonl split - which inputs are split, and how', () => {
  const dir = tmpDir();
  try {
    const file = path.join(dir, 'in.jsonl');
    const lines = Array.from({ length: 2000 }, (_, i) => eventToJson({ type: 'tick', ts: T0 + BigInt(i), runId: 'r1', venue: 'V', symbol: 'S', bid: i }));
    const text = `${lines.join('\n')}\n`;
    fs.writeFileSync(file, text);
    // Small files only when asked; never when told not to, for stdin or for gzip.
    assert.is(planPieces(file), null);
    assert.is(planPieces(file, { parseWorker: 'off', roundBytes: 1000 }), null);
    assert.is(planPieces('-', { parseWorker: 'on' }), null);
    const gz = path.join(dir, 'in.jsonl.gz');
    fs.writeFileSync(gz, zlib.gzipSync(text));
    assert.is(planPieces(gz, { parseWorker: 'on', roundBytes: 1000 }), null);
    // Pieces cover the file, alternate between the threads and start at line starts.
    const pieces = planPieces(file, { parseWorker: 'on', roundBytes: 10_000 })!;
    assert.ok(pieces.length > 10);
    let at = 0;
    pieces.forEach((p, i) => {
      assert.is(p.startBytes, at);
      assert.ok(p.endBytes > p.startBytes);
      assert.is(p.worker, i % 2 === 1);
      if (p.startBytes > 0) assert.is(text.charCodeAt(p.startBytes - 1), 0x0a);
      at = p.endBytes;
    });
    assert.is(at, text.length);
    // One line longer than a round: the pieces follow the line ends, whatever the round.
    fs.writeFileSync(file, `${'x'.repeat(5000)}\n${lines[0]}\n`);
    const one = planPieces(file, { parseWorker: 'on', roundBytes: 100 })!;
    assert.equal(one, [{ startBytes: 0, endBytes: 5001, worker: false }, { startBytes: 5001, endBytes: 5001 + lines[0]!.length + 1, worker: true }]);
    assert.equal(segmentFiles(dir), []);
  } finally {
    rm(dir);
  }
});

test("jsonl split - 'auto' plans pieces for a file of SPLIT_MIN_BYTES or more, whatever the machine", () => {
  const dir = tmpDir();
  try {
    const file = path.join(dir, 'big.jsonl');
    const line = `${eventToJson({ type: 'tick', ts: T0, runId: 'r1', venue: 'V', symbol: 'S', bid: 1 })}\n`;
    fs.writeFileSync(file, line.repeat(Math.ceil(SPLIT_MIN_BYTES / line.length)));
    assert.ok(planPieces(file)!.length >= 2);
    fs.truncateSync(file, SPLIT_MIN_BYTES - 1);
    assert.is(planPieces(file), null, 'too small');
    assert.ok(planPieces(file, { parseWorker: 'on' })!.length >= 2);
    assert.is(planPieces(file, { parseWorker: 'off' }), null);
  } finally {
    rm(dir);
  }
});

/** A split run the way importFile makes one, with the worker mode, probe and cores given. */
async function splitRun(file: string, out: string, pieces: readonly Piece[], mode: 'auto' | 'on', probe?: (rec: Recorder) => CoreProbe, cores?: number) {
  const rec = await Recorder.open(out, { durability: 'batched', source: 'split', deterministic: true, runId: 'r0', clock: 'source', onWarning: () => {} });
  assert.ok(rec.readsCanonicalTicks);
  const split = splitJsonl(rec, file, pieces, { parseWorker: mode, probe: probe?.(rec), cores });
  try {
    await split.run();
  } finally {
    split.close();
  }
  await rec.close();
  const files = new Map(fs.readdirSync(out).filter((f) => f.endsWith('.tdseg') || f === 'MANIFEST').map((f) => [f, fs.readFileSync(path.join(out, f))]));
  return { files, workerMade: split.workerMade, decidedOn: split.decidedOn };
}

test("jsonl split - 'auto' decides on the main thread's first PROBE_RECORDS lines: made or declined, the same recording", async () => {
  const dir = tmpDir();
  try {
    const file = path.join(dir, 'in.jsonl');
    // Long enough that the first (main) piece holds more than PROBE_RECORDS lines.
    const lines = Array.from({ length: 2.5 * PROBE_RECORDS }, (_, i) => eventToJson({ type: 'tick', ts: T0 + BigInt(i) * 1000n, runId: 'r1', venue: 'V', symbol: 'S', bid: i }));
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    const pieces = planPieces(file, { parseWorker: 'on' })!;
    assert.is(pieces.length, 2);
    const on = await splitRun(file, path.join(dir, 'on'), pieces, 'on', () => () => assert.unreachable('on never measures') as never);
    assert.ok(on.workerMade);
    assert.is(on.decidedOn, null);
    /** Each reading moves the wall clock 100 ms and the CPU clock `cpuMs`; it notes the events written when it is read. */
    const probeOf = (cpuMs: number, at: number[]) => (rec: Recorder): CoreProbe => {
      let n = 0;
      return () => (at.push(rec.metrics.counters.events!), n++, { cpuMs: n * cpuMs, wallMs: n * 100 });
    };
    for (const [cpuMs, cores, made] of [[80, 2, true], [79, 2, false], [100, 1, false]] as const) {
      const at: number[] = [];
      const r = await splitRun(file, path.join(dir, `auto-${cpuMs}-${cores}`), pieces, 'auto', probeOf(cpuMs, at), cores);
      const what = `${cpuMs} ms of CPU per 100 ms, ${cores} cores`;
      assert.is(r.workerMade, made, what);
      assert.equal(r.decidedOn, { cpuMs, wallMs: 100, cores } satisfies CoreSample, what);
      // Read at the start and once after the first PROBE_RECORDS lines (a batch of lines at a time), inside the first piece.
      assert.is(at.length, 2, what);
      assert.ok(at[1]! >= PROBE_RECORDS && at[1]! < 2 * PROBE_RECORDS, `${what}: decided after ${at[1]} events`);
      assert.equal([...r.files.keys()], [...on.files.keys()], what);
      for (const [f, bytes] of r.files) assert.ok(bytes.equals(on.files.get(f)!), `${what}: ${f} differs`);
    }
    // A first piece shorter than PROBE_RECORDS lines: decided at its end, before the worker's piece is due.
    const small = planPieces(file, { parseWorker: 'on', roundBytes: 50_000 })!;
    const at: number[] = [];
    const r = await splitRun(file, path.join(dir, 'auto-small'), small, 'auto', probeOf(90, at), 2);
    assert.ok(r.workerMade);
    assert.ok(at[1]! < PROBE_RECORDS, `decided after ${at[1]} events`);
    const one = await run(file, { parseWorker: 'off' });
    const two = await run(file, { parseWorker: 'on', roundBytes: 50_000 });
    assertSame(two, one, 'on, in small rounds');
  } finally {
    rm(dir);
  }
});

test('jsonl split - CLI: --parse-worker on stops at the same line under --strict (exit 65); a bad value exits 2', async () => {
  const dir = tmpDir();
  const file = path.join(dir, 'in.jsonl');
  try {
    const lines = Array.from({ length: 400 }, (_, i) => eventToJson({ type: 'tick', ts: T0 + BigInt(i) * 1000n, runId: 'r1', venue: 'V', symbol: 'S', bid: i }));
    lines[349] = '{"type":"tick","ts":"x"}';
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    // 'on' splits a file this small into a main piece (the first 40%) and a worker piece.
    assert.ok(planPieces(file, { parseWorker: 'on' })![1]!.worker);
    const on = await runCli(['import', file, path.join(dir, 'a'), '--strict', '--parse-worker', 'on', '--deterministic']);
    const off = await runCli(['import', file, path.join(dir, 'b'), '--strict', '--parse-worker', 'off', '--deterministic']);
    assert.is(on.code, 65);
    assert.match(on.stderr, /line 350\b/);
    assert.is(on.stderr.replaceAll(path.join(dir, 'a'), 'X'), off.stderr.replaceAll(path.join(dir, 'b'), 'X'));
    const bad = await runCli(['import', file, path.join(dir, 'c'), '--parse-worker', 'sometimes']);
    assert.is(bad.code, 2);
    assert.match(bad.stderr, /parse-worker/);
  } finally {
    rm(dir);
  }
});

test.run();
