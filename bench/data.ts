/**
 * Deterministic bench data: tick events (canonical payloads of 45.9 B on average), a payload pool that the
 * throughput runs cycle through (so they measure the store, not the allocation of a million
 * Buffers), and writers that fill a log or a JSONL file with the same events.
 */
import fs from 'node:fs';
import seedrandom from 'seedrandom';
import { Decimal, encodeEvent, eventToJson, TYPE_TAG, type TapeEvent, type TickEvent } from '../src/events/index.js';

export const RUN_ID = 'bench-0001';
export const T0 = 1_700_000_000_000_000_000n;
export const TICK_TAG = TYPE_TAG.tick;

const VENUES = ['XNAS', 'ARCX', 'BATS'];
const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOG', 'META', 'TSLA', 'SPY'];

/** The i-th bench tick (deterministic; ts = T0 + i µs unless given). */
export function makeTick(rng: () => number, ts: bigint): TickEvent {
  const px = 100 + Math.floor(rng() * 40000) / 100;
  const spread = (1 + Math.floor(rng() * 5)) / 100;
  return {
    type: 'tick',
    ts,
    runId: RUN_ID,
    venue: VENUES[Math.floor(rng() * VENUES.length)]!,
    symbol: SYMBOLS[Math.floor(rng() * SYMBOLS.length)]!,
    bid: px,
    ask: Math.round((px + spread) * 100) / 100,
    bidSize: 1 + Math.floor(rng() * 900),
    askSize: 1 + Math.floor(rng() * 900),
  };
}

export interface Pool {
  events: TickEvent[];
  payloads: Buffer[];
  /** Mean payload size in bytes. */
  meanBytes: number;
}

/** `n` distinct tick payloads (copied out of msgpackr's scratch buffer). */
export function payloadPool(n = 4096, seed = 'tapedeck-bench'): Pool {
  const rng = seedrandom(seed);
  const events: TickEvent[] = [];
  const payloads: Buffer[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const ev = makeTick(rng, T0 + BigInt(i) * 1000n);
    const p = Buffer.from(encodeEvent(ev).payload);
    events.push(ev);
    payloads.push(p);
    total += p.length;
  }
  return { events, payloads, meanBytes: total / n };
}

export const POOL_MASK = 4095;

/** Timestamp of record i: 1 µs apart. */
export function tsOf(i: number): bigint {
  return T0 + BigInt(i) * 1000n;
}

/** A full event stream of n ticks, generated lazily (for JSONL files and ingest). */
export function* tickStream(n: number, seed = 'tapedeck-bench', stepNs = 1000n): Generator<TickEvent> {
  const rng = seedrandom(seed);
  let ts = T0;
  for (let i = 0; i < n; i++) {
    yield makeTick(rng, ts);
    ts += stepNs;
  }
}

/** Writes n canonical JSON lines to `file` (in 1 MiB chunks). Returns the byte size. */
export function writeJsonlEvents(file: string, events: Iterable<TapeEvent>): number {
  const fd = fs.openSync(file, 'w');
  let chunk: string[] = [];
  let len = 0;
  let bytes = 0;
  const flush = (): void => {
    const s = chunk.join('');
    bytes += fs.writeSync(fd, s);
    chunk = [];
    len = 0;
  };
  for (const ev of events) {
    const line = eventToJson(ev) + '\n';
    chunk.push(line);
    len += line.length;
    if (len >= 1 << 20) flush();
  }
  flush();
  fs.closeSync(fd);
  return bytes;
}

/** A bench tick with exact decimal prices and sizes (what schema v2 venue captures record). */
export function toV2(ev: TickEvent): TickEvent {
  return {
    ...ev,
    bid: new Decimal(Math.round((ev.bid as number) * 100), -2),
    ask: new Decimal(Math.round((ev.ask as number) * 100), -2),
    bidSize: new Decimal(ev.bidSize as number, 0),
    askSize: new Decimal(ev.askSize as number, 0),
  };
}
