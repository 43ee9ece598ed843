/**
 * The byte writer of canonical JSON lines (src/events/json-line-writer.ts) against a reference:
 * the string-building eventToJson it replaced (kept here verbatim in substance, JSON.stringify for
 * every string and number), over arbitrary events of every type, number edge cases, strings that
 * need escaping, growth past the buffer and a failing line.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Decimal } from '../src/events/decimal.js';
import { eventToJson } from '../src/events/json.js';
import { JsonLineWriter } from '../src/events/json-line-writer.js';
import { sortedKeys, SPECS } from '../src/events/schema.js';
import { formatTsIso } from '../src/events/ts.js';
import type { FlatMap, TapeEvent } from '../src/events/types.js';
import { arbEvent, arbNum } from './events-arbitraries.js';
import { SAMPLES, sample } from './events-fixtures.js';

const params = { numRuns: 1500, seed: 20261129 };

/** The canonical line as the string-building implementation wrote it before the byte writer. */
function referenceLine(ev: TapeEvent, iso: boolean): string {
  const ns = (n: bigint): string => (iso ? formatTsIso(n) : n.toString());
  const num = (n: number): string => {
    if (!Number.isFinite(n)) throw new RangeError('non-finite');
    return JSON.stringify(n);
  };
  const map = (m: FlatMap): string =>
    '{' + sortedKeys(m).map((k) => JSON.stringify(k) + ':' + (typeof m[k] === 'number' ? num(m[k] as number) : JSON.stringify(m[k]))).join(',') + '}';
  let s = `{"type":"${ev.type}","ts":"${ns(ev.ts)}","runId":${JSON.stringify(ev.runId)}`;
  if (ev.seq !== undefined) s += `,"seq":${num(ev.seq)}`;
  if (ev.cause !== undefined) s += `,"cause":${num(ev.cause)}`;
  const rec = ev as unknown as Record<string, unknown>;
  for (const f of SPECS[ev.type].fields) {
    const v = rec[f.name];
    if (v === undefined) continue;
    s += `,${JSON.stringify(f.name)}:`;
    if (f.kind === 'ns') s += `"${ns(v as bigint)}"`;
    else if (f.kind === 'map') s += map(v as FlatMap);
    else if (v instanceof Decimal) s += `"${v.toString()}"`;
    else if (typeof v === 'number') s += num(v);
    else s += JSON.stringify(v);
  }
  return s + '}';
}

test('json writer - every arbitrary event: bytes and eventToJson equal the reference line', () => {
  const w = new JsonLineWriter(256);
  fc.assert(
    fc.property(arbEvent(), fc.boolean(), fc.option(fc.nat(), { nil: undefined }), (ev0, iso, seq) => {
      const ev = seq === undefined ? ev0 : { ...ev0, seq };
      const want = referenceLine(ev, iso);
      assert.is(eventToJson(ev, { iso }), want);
      w.event(ev, iso, true);
      w.event(ev, iso, false);
      assert.is(w.take().toString('utf8'), want + '\n' + want);
      assert.is(w.length, 0);
    }),
    params,
  );
});

test('json writer - numbers are written as JSON.stringify writes them, also after cache evictions', () => {
  const edge = [0, -0, 1, -1, 9, 10, 99, 100, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, -(2 ** 31), 2 ** 32 + 7, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER + 1, 1e21, 1e21 + 2 ** 20, 123456789012345680000, 1e-6, 1e-7, 5e-324, 1.7976931348623157e308, 0.1 + 0.2, -190.12, 190.14, 4.35, 1 / 3];
  const tick = sample('tick');
  const w = new JsonLineWriter(64);
  const check = (n: number): void => {
    const ev = { ...tick, bid: n, bidSize: Math.abs(n), volume: Math.abs(n) } as TapeEvent;
    w.event(ev, false, false);
    assert.is(w.takeText(), referenceLine(ev, false), String(n));
  };
  for (const n of edge) check(n);
  // Many distinct values (more than the cache holds), each seen twice: hits return the right text.
  fc.assert(fc.property(fc.array(arbNum(), { minLength: 1, maxLength: 50 }), (ns) => {
    for (const n of ns) check(n);
    for (const n of ns) check(n);
  }), { numRuns: 600, seed: 7 });
});

test('json writer - numbers with few decimals (written from integers) read as ToString writes them', () => {
  const tick = sample('tick');
  const w = new JsonLineWriter(64);
  const check = (n: number): void => {
    const ev = { ...tick, bid: n, last: -n } as TapeEvent;
    w.event(ev, false, false);
    assert.is(w.takeText(), referenceLine(ev, false), String(n));
  };
  for (const n of [0.1, 0.5, 0.0001, 0.001, 0.07, 1.5, 1.005, 2.675, 4.35, 10.2, 99.99, 100.1, 121.05, 190.14, 0.9999, 0.99999, 123456789.1234,
    999999999.9999, 1e9 - 0.5, 1e9 + 0.5, 268.34000000000003, 0.30000000000000004, 1 / 3, 1e-6, 1e-7]) check(n);
  // k / 10^d for d up to 6: the fast path takes d ≤ 4 below 1e9, the cache the rest.
  fc.assert(
    fc.property(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.integer({ min: 1, max: 6 }), (k, d) => check(k / 10 ** d)),
    { numRuns: 3000, seed: 11 },
  );
  // The path tries d = 2 first and steps down to d = 1 when k ends in 0: hundredths and tenths
  // near the 1e9 limit and around powers of ten, and their neighbours one ulp away.
  const near = fc.oneof(fc.integer({ min: 1, max: 2 ** 32 }), fc.integer({ min: 1e11 - 2 ** 20, max: 1e11 + 2 ** 20 }), fc.constantFrom(1, 9, 10, 11, 99, 100, 101, 999, 1000, 1e10, 1e11 - 1));
  fc.assert(
    fc.property(near, fc.constantFrom(10, 100), fc.constantFrom(-1, 0, 1), (k, scale, ulps) => {
      let n = k / scale;
      if (ulps !== 0) {
        const f = new Float64Array([n]);
        const i = new BigInt64Array(f.buffer);
        i[0] = i[0]! + BigInt(ulps);
        n = f[0]!;
      }
      check(n);
    }),
    { numRuns: 3000, seed: 12 },
  );
});

test('json writer - strings needing escapes, non-ASCII and lone surrogates are JSON.stringify text, UTF-8 encoded', () => {
  const w = new JsonLineWriter(32);
  for (const message of ['plain', 'quote " and \\ backslash', 'tab\tnew\nline\u0001', 'café ✓ 日本', '\ud83d\ude00 emoji', 'lone \ud800 surrogate', '\u007f del', 'x'.repeat(5000)]) {
    const ev = { ...sample('system'), message } as TapeEvent;
    const want = referenceLine(ev, false);
    w.event(ev, false, true);
    assert.ok(w.take().equals(Buffer.from(want + '\n', 'utf8')), message.slice(0, 20));
    assert.is(eventToJson(ev), want);
  }
});

test('json writer - the run id kept from the last line is never written for another id (escapes, non-ASCII, alternating)', () => {
  const w = new JsonLineWriter(64);
  const ids = ['run-1', 'run-1', 'run "2"', 'run-1', 'exécution', 'run\\3', 'run-1', 'r', 'run-1\u0000'];
  for (const runId of ids) {
    const ev = { ...sample('tick'), runId } as TapeEvent;
    w.event(ev, false, true);
    // takeText reads latin1 while only ASCII was written: a stale ascii-only flag would garble é.
    assert.is(w.takeText(), referenceLine(ev, false) + '\n', runId);
  }
});

test('json writer - a line that cannot be written leaves nothing behind and names the number', () => {
  const w = new JsonLineWriter(64);
  w.event(sample('tick'), false, true);
  const before = w.length;
  assert.throws(() => w.event({ ...sample('tick'), bid: Infinity } as TapeEvent, false, true), /non-finite number Infinity/);
  assert.throws(() => w.event({ ...sample('tick'), type: 'nope' } as unknown as TapeEvent, false, true), /not a known event type/);
  assert.is(w.length, before);
  assert.is(w.takeText(), eventToJson(sample('tick')) + '\n');
});

test('json writer - detach hands over its own buffer (transferable, no copy); the writer goes on in a fresh one', () => {
  const w = new JsonLineWriter(256);
  const ev = sample('tick');
  const want = eventToJson(ev) + '\n';
  w.event(ev, false, true);
  const first = w.detach();
  assert.is(first.toString('utf8'), want);
  assert.is(first.byteOffset, 0, 'from the start of its own ArrayBuffer');
  w.event(ev, false, true);
  w.event(ev, false, true);
  assert.is(first.toString('utf8'), want, 'writing on does not touch what was detached');
  const second = w.detach();
  assert.is(second.toString('utf8'), want + want);
  assert.is.not(second.buffer, first.buffer);
  // Transferring the buffer moves it whole (a pooled buffer would take the pool with it).
  const moved = structuredClone(first, { transfer: [first.buffer as ArrayBuffer] });
  assert.is(Buffer.from(moved.buffer, moved.byteOffset, moved.length).toString('utf8'), want);
  assert.is(first.buffer.byteLength, 0, 'detached here');
  assert.is(second.toString('utf8'), want + want, 'the other batch is untouched');
  assert.is(w.length, 0);
});

test('json writer - the golden samples, ISO and ns, byte for byte', () => {
  const w = new JsonLineWriter();
  for (const iso of [false, true]) {
    for (const ev of SAMPLES) w.event(ev, iso, true);
    assert.is(w.takeText(), SAMPLES.map((ev) => referenceLine(ev, iso) + '\n').join(''));
  }
});

test.run();
