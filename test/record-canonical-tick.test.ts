/**
 * The one-pass reader of canonical tick lines (src/record/canonical-tick.ts: bytes in, payload
 * out) against the general path it accelerates (JSON.parse, stamp, validateEvent, the payload
 * encoder): whenever it takes a line, ts and payload are the general path's, byte for byte; it
 * never reads outside the line; a recording written with it equals one written without it.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeEvent } from '../src/events/codec.js';
import { Decimal } from '../src/events/decimal.js';
import { eventToJson, parseJsonEvent } from '../src/events/json.js';
import type { TickEvent } from '../src/events/types.js';
import type { TsUnit } from '../src/events/ts.js';
import { NO_ROOM, NOT_CANONICAL, readCanonicalTick, TICK_PAYLOAD_BYTES_MAX } from '../src/record/canonical-tick.js';
import { Recorder } from '../src/record/recorder.js';
import { rm, segmentFiles, tmpDir } from './helpers/tmp.js';

const T0 = 1_700_000_000_000_000_000n;

const arbNum = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -1_000_000, max: 1_000_000 }).map((n) => n / 100) },
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 2 ** 31 }) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  fc.constantFrom(0, -0, 0.1, 1e21, 1e-7, 123456789012345, 1234567890123456, 0.30000000000000004, 5e-324, -1),
);
/** Sizes: mostly non-negative (a negative one is the general path's reject). */
const arbSize = fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: 1_000_000 }).map((n) => (n % 3 === 0 ? n / 1000 : n)) }, { weight: 1, arbitrary: arbNum });
const arbText = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom('XNAS', 'ARCX', 'AAPL', 'MSFT', 'r1', 'bench-0001') },
  { weight: 1, arbitrary: fc.constantFrom('a', 'é', 'a"b', 'a\\b', ' ', '\u007f', '', 'x'.repeat(63), 'x'.repeat(64)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);
const optional = <T>(a: fc.Arbitrary<T>, freq: number): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined, freq });

/**
 * Ticks with the fields the reader takes (each often absent), now and then one it does not take
 * (aggressor, exchTs, tradeId, venueSeq) or a decimal, which the general path must get.
 */
const arbTick = fc
  .record({
    ts: fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }), fc.constant(1_700_000_000_000_000_000n)),
    runId: arbText,
    venue: arbText,
    symbol: arbText,
    bid: optional(fc.oneof({ weight: 9, arbitrary: arbNum }, { weight: 1, arbitrary: fc.constant(new Decimal(12105, -2)) }), 3),
    ask: optional(arbNum, 3),
    bidSize: optional(arbSize, 3),
    askSize: optional(arbSize, 3),
    last: optional(arbNum, 2),
    lastSize: optional(arbSize, 2),
    volume: optional(arbSize, 2),
    extra: fc.oneof(
      { weight: 9, arbitrary: fc.constant(undefined) },
      {
        weight: 1,
        arbitrary: fc.oneof(
          fc.record({ aggressor: fc.constantFrom('buy', 'sell') }),
          fc.record({ exchTs: fc.bigInt({ min: 0n, max: 2n ** 62n }) }),
          fc.record({ tradeId: fc.constant('t1') }),
          fc.record({ venueSeq: fc.nat() }),
        ),
      },
    ),
  })
  .map(({ extra, ...t }) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries({ ...t, ...extra })) if (v !== undefined) out[k] = v;
    return out;
  });

/** A line from a tick, as eventToJson writes it when the tick is valid, else by JSON.stringify. */
function lineOf(t: Record<string, unknown>): string {
  const ev = { type: 'tick', ...t } as unknown as TickEvent;
  try {
    return eventToJson(ev);
  } catch {
    return JSON.stringify(ev, (_k, v) => (typeof v === 'bigint' ? String(v) : v instanceof Decimal ? v.toString() : v));
  }
}

const MUTATIONS = [' ', '"', '\\', 'e', 'E', '-', '0', '1', '.', ',', '}', '{', ':', 'é', '\u0000', '\n', 'x'];

/** Lines near canonical ones: a character inserted, replaced or removed somewhere. */
const arbLine = fc.oneof(
  { weight: 2, arbitrary: arbTick.map(lineOf) },
  { weight: 1, arbitrary: fc.tuple(arbTick, fc.nat(), fc.constantFrom(...MUTATIONS), fc.constantFrom('insert', 'replace', 'delete')).map(([t, at, ch, how]) => {
    const s = lineOf(t);
    const i = at % (s.length + 1);
    if (how === 'insert') return s.slice(0, i) + ch + s.slice(i);
    if (how === 'replace') return s.slice(0, i) + ch + s.slice(i + 1);
    return s.slice(0, i) + s.slice(i + 1);
  }) },
);

/** What the reader makes of `line` (as UTF-8, between `before` and `after` bytes it must not read): ts and payload (hex), or null. */
function read(line: string, unit?: TsUnit, minTs = -1n, before = '', after = ''): { tsNs: bigint; payload: string } | null {
  const src = Buffer.from(before + line + after, 'utf8');
  const start = Buffer.byteLength(before);
  const stop = src.length - Buffer.byteLength(after);
  const out = Buffer.alloc(TICK_PAYLOAD_BYTES_MAX + 8, 0xee);
  const got = { tsNs: 0n };
  const end = readCanonicalTick(src, start, stop, out, 4, out.length, unit, minTs, got);
  if (end === NOT_CANONICAL) return null;
  assert.ok(end > 4 && end <= 4 + TICK_PAYLOAD_BYTES_MAX, `payload end ${end}`);
  assert.is(out.subarray(0, 4).toString('hex'), 'eeeeeeee', 'wrote before outStart');
  return { tsNs: got.tsNs, payload: out.subarray(4, end).toString('hex') };
}

/** The general path's ts and payload for `line`. */
function general(line: string): { tsNs: bigint; payload: string } {
  const e = encodeEvent(parseJsonEvent(line));
  return { tsNs: e.tsNs, payload: Buffer.from(e.payload).toString('hex') };
}

/** Bytes that would change a line's meaning if the reader read them: digits, quotes, braces. */
const arbEdge = fc.string({ maxLength: 4, unit: fc.constantFrom('9', '"', '}', ',', '.', 'e', '0', '{') });

test("canonical tick - a line the reader takes is the general path's ts and payload, byte for byte", () => {
  let taken = 0;
  fc.assert(
    fc.property(arbLine, arbEdge, arbEdge, (line, before, after) => {
      const fast = read(line, undefined, -1n, before, after);
      // The bytes around the line change nothing.
      assert.equal(fast, read(line), line);
      if (fast === null) return;
      taken++;
      let ref;
      try {
        ref = general(line);
      } catch (err) {
        throw new Error(`the reader took a line the general path refuses (${(err as Error).message}): ${line}`);
      }
      assert.is(fast.tsNs, ref.tsNs, line);
      assert.is(fast.payload, ref.payload, line);
    }),
    { numRuns: 3000 },
  );
  assert.ok(taken > 300, `the reader took only ${taken} of 3000 lines: the property says little`);
});

test('canonical tick - what it leaves to the general path', () => {
  const ok = '{"type":"tick","ts":"5","runId":"r","venue":"V","symbol":"S","bid":1.5,"bidSize":2}';
  const same = (line: string, what = line): void => {
    const fast = read(line);
    assert.ok(fast !== null, `refused: ${what}`);
    assert.equal(fast, general(line), what);
  };
  same(ok);
  const refused = [
    ok.replace('"bid":1.5,"bidSize":2', '"bidSize":2,"bid":1.5'), // another key order
    ok.replace('"bid":1.5', '"bid":01.5'), // not JSON
    ok.replace('"bid":1.5', '"bid":1.'), // not JSON
    ok.replace('"bid":1.5', '"bid":1e'), // not JSON
    ok.replace('"bid":1.5', '"bid":-'), // not JSON
    ok.replace('"bid":1.5', '"bid":1e400'), // not finite: the general path's reject
    ok.replace('"bidSize":2', '"bidSize":-2'), // a negative size: the general path's reject
    ok.replace('"V"', '"\\u0056"'), // an escape
    ok.replace('"V"', '"é"'), // not ASCII
    ok.replace('"V"', '"\u0001"'), // a control character
    ok.replace('"V"', '""'), // an empty id: the general path's reject
    ok.replace('"V"', `"${'v'.repeat(32)}"`), // not a fixstr: the general encoder writes it
    ok.replace('}', ',"exchTs":"1"}'), // a key it does not take
    ok.replace('"bid":1.5', '"bid":"1.5"'), // a decimal
    ok.replace('"ts":"5"', '"ts":"x"'),
    ok.replace('"ts":"5"', '"ts":""'),
    ok.replace('"ts":"5"', '"ts":"99999999999999999999"'), // past int64
    ok + ' ',
    ok.slice(0, -1),
    ok.replace('{"type"', '{ "type"'),
  ];
  for (const line of refused) assert.is(read(line), null, line);
  same(ok.replace('"V"', `"${'v'.repeat(31)}"`), 'a 31-character id');
  same(ok.replace('"bid":1.5,"bidSize":2', '"volume":7'), 'only the last field');
  same(ok.replace('"bid":1.5,"bidSize":2', '"bid":0,"ask":-0,"bidSize":0,"askSize":1,"last":-2.5,"lastSize":3,"volume":4.25'), 'every field');
  // Numbers beyond the 15-digit fast case, read as JSON.parse reads them.
  for (const text of ['1.5e0', '-2E+3', '1234567890.1234567', '387.84000000000003', '5e-324', '-0.0', '0e5', '0.123456789012345', '123456789012345', '1234567890123456', '-9007199254740993']) {
    same(ok.replace('"bid":1.5', `"bid":${text}`), text);
  }
  // Too little room: nothing is known of the line.
  const src = Buffer.from(ok);
  assert.is(readCanonicalTick(src, 0, src.length, Buffer.alloc(TICK_PAYLOAD_BYTES_MAX), 1, TICK_PAYLOAD_BYTES_MAX, undefined, -1n, { tsNs: 0n }), NO_ROOM);
  // A ts before the time axis so far is the general path's reject.
  assert.is(read(ok, undefined, 6n), null);
  assert.is(read(ok, undefined, 5n)?.tsNs, 5n);
  // Nineteen-digit ns (read without parseTs when the first digit is 1-8) are parseTs's value,
  // across second boundaries in any order, at the ends of that range and past it.
  const edges = ['1000000000000000000', '1999999999999999999', '1700000000999999999', '1700000001000000000', '1700000000000000001', '8999999999999999999', '9000000000000000000', '9223372036854775807', '0999999999999999999'];
  for (const t of [...edges, ...edges.reverse()]) same(ok.replace('"ts":"5"', `"ts":"${t}"`), t);
  assert.is(read(ok.replace('"ts":"5"', '"ts":"9223372036854775808"')), null);
  // With a unit, parseTs decides: nineteen digits of µs are past int64.
  assert.is(read(ok.replace('"ts":"5"', '"ts":"1700000000000000000"'), 'us'), null);
  assert.is(read(ok.replace('"ts":"5"', '"ts":"1700000000000000000"'), 'ns')?.tsNs, 1_700_000_000_000_000_000n);
  // The unit applies as parseTs applies it.
  assert.is(read(ok, 'ms')?.tsNs, 5_000_000n);
});

test('canonical tick - an import writes the same recording with and without the reader', async () => {
  const lines: string[] = [];
  const noise = fc.sample(fc.tuple(arbLine, fc.integer({ min: -3000, max: 500 }), fc.nat(3)), { numRuns: 400, seed: 7 });
  let ts = T0;
  for (const [line, jitter, step] of noise) {
    // Noise near the time axis (some of it back in time: a reject), between canonical ticks.
    ts += BigInt(step) * 1000n;
    lines.push(line.replace(/"ts":"\d+"/, `"ts":"${ts + BigInt(jitter)}"`));
    lines.push(eventToJson({ type: 'tick', ts, runId: 'r1', venue: 'XNAS', symbol: 'AAPL', bid: 121.05, ask: 121.1, bidSize: step, askSize: 7 }));
  }
  const record = async (canonicalTicks: boolean): Promise<{ dir: string; summary: unknown }> => {
    const dir = tmpDir();
    const rec = await Recorder.open(dir, { clock: 'source', runId: 'r0', deterministic: true, canonicalTicks, source: 'test', onWarning: () => {} });
    lines.forEach((l, i) => rec.writeLine(l, `line ${i + 1}`));
    return { dir, summary: await rec.close() };
  };
  const a = await record(true);
  const b = await record(false);
  try {
    const sa = a.summary as { events: number; rejects: number; dir?: string };
    const sb = b.summary as { events: number; rejects: number; dir?: string };
    assert.ok(sa.events > 450 && sa.rejects > 50, `${sa.events} events, ${sa.rejects} rejects: the input exercises little`);
    assert.equal({ ...sa, dir: '' }, { ...sb, dir: '' });
    const files = segmentFiles(a.dir);
    assert.equal(files, segmentFiles(b.dir));
    for (const f of files) assert.ok(fs.readFileSync(path.join(a.dir, f)).equals(fs.readFileSync(path.join(b.dir, f))), f);
  } finally {
    rm(a.dir);
    rm(b.dir);
  }
});


test.run();
