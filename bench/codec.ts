/**
 * Issue 3: encode / decode throughput per event type, beside raw msgpackr pack / unpack of the
 * same event objects (msgpackr's module-level pack/unpack: plain MessagePack maps, no records).
 */
import { pack as rawPack, unpack as rawUnpack } from 'msgpackr';
import seedrandom from 'seedrandom';
import { decodePayload, encodePayload, TYPE_TAG, validateEvent, type EventType, type TapeEvent } from '../src/events/index.js';
import { makeTick, RUN_ID, T0 } from './data.js';
import { CONFIG, fmtRate, log, med, ratio, target, type SectionResult } from './table.js';

const SYMS = ['AAPL', 'MSFT', 'NVDA', 'BTC-USD', 'ETH-USD'];

function makeEvent(type: EventType, rng: () => number, i: number): TapeEvent {
  const ts = T0 + BigInt(i) * 1000n;
  const sym = SYMS[Math.floor(rng() * SYMS.length)]!;
  const side = rng() < 0.5 ? 'buy' : 'sell';
  const px = Math.round((100 + rng() * 400) * 100) / 100;
  switch (type) {
    case 'tick':
      return makeTick(rng, ts);
    case 'order':
      return {
        type, ts, runId: RUN_ID, cause: i, orderId: `o-${i}`, venue: 'XNAS', symbol: sym, side,
        kind: 'limit', action: 'new', price: px, qty: 1 + Math.floor(rng() * 500), tif: 'day', strategy: 'ma-cross',
      };
    case 'fill':
      return {
        type, ts, runId: RUN_ID, cause: i, fillId: `f-${i}`, orderId: `o-${i}`, venue: 'XNAS', symbol: sym, side,
        price: px, qty: 1 + Math.floor(rng() * 500), fee: Math.round(rng() * 100) / 100, liquidity: 'taker',
      };
    case 'signal':
      return {
        type, ts, runId: RUN_ID, cause: i, strategy: 'ma-cross', symbol: sym, name: 'spread',
        value: rng() * 2 - 1, meta: { fast: 10, slow: 50, regime: rng() < 0.5 ? 'up' : 'down' },
      };
    case 'risk':
      return {
        type, ts, runId: RUN_ID, rule: 'max-position', severity: 'warn', symbol: sym,
        detail: 'position near limit', value: Math.floor(rng() * 1000), limit: 1000,
      };
    case 'system':
      return { type, ts, runId: RUN_ID, kind: 'heartbeat', message: 'feed alive', data: { lagMs: Math.floor(rng() * 50), source: 'ws' } };
  }
}

const TYPES: EventType[] = ['tick', 'order', 'fill', 'signal', 'risk', 'system'];

interface CodecRun {
  enc: number;
  rawEnc: number;
  dec: number;
  rawDec: number;
}

export async function benchCodec(): Promise<SectionResult> {
  // Short loops on a shared machine are noisy; they are cheap, so take at least 5.
  const RUNS = Math.max(CONFIG.runs, 5);
  const M = Math.max(100_000, Math.min(200_000, Math.round(CONFIG.records / 4)));
  const rows: string[][] = [];
  let sink = 0;
  for (const type of TYPES) {
    log(`codec: ${type}`);
    const rng = seedrandom(`codec-${type}`);
    const events = Array.from({ length: 1024 }, (_, i) => validateEvent(makeEvent(type, rng, i)));
    const payloads = events.map((e) => Buffer.from(encodePayload(e)));
    const raws = events.map((e) => Buffer.from(rawPack(e)));
    const tag = TYPE_TAG[type];
    const meanBytes = payloads.reduce((n, p) => n + p.length, 0) / payloads.length;
    const rawBytes = raws.reduce((n, p) => n + p.length, 0) / raws.length;
    const time = (fn: () => void): number => {
      const t0 = process.hrtime.bigint();
      fn();
      return (M / (Number(process.hrtime.bigint() - t0) / 1e9));
    };
    const encode = (): void => {
      for (let i = 0; i < M; i++) sink += encodePayload(events[i & 1023]!).length;
    };
    const rawEncode = (): void => {
      for (let i = 0; i < M; i++) sink += rawPack(events[i & 1023]!).length;
    };
    const decode = (): void => {
      for (let i = 0; i < M; i++) {
        const k = i & 1023;
        sink += (decodePayload(tag, payloads[k]!, i, events[k]!.ts) as { seq?: number }).seq! & 1;
      }
    };
    const rawDecode = (): void => {
      for (let i = 0; i < M; i++) sink += (rawUnpack(raws[i & 1023]!) as { ts: number }).ts > 0 ? 1 : 0;
    };
    // Warm up (JIT) once, then interleave the four loops in every run.
    encode(); rawEncode(); decode(); rawDecode();
    const rs: CodecRun[] = [];
    for (let r = 0; r < RUNS; r++) {
      rs.push({ enc: time(encode), rawEnc: time(rawEncode), dec: time(decode), rawDec: time(rawDecode) });
    }
    const enc = med(rs, (x) => x.enc);
    const rawEnc = med(rs, (x) => x.rawEnc);
    const dec = med(rs, (x) => x.dec);
    const rawDec = med(rs, (x) => x.rawDec);
    rows.push([
      type,
      `${meanBytes.toFixed(0)} B / ${rawBytes.toFixed(0)} B`,
      fmtRate(enc, 'ev/s'),
      fmtRate(rawEnc, 'ev/s'),
      ratio(enc, rawEnc),
      target(enc >= 0.7 * rawEnc, `≥ 70%: ${((enc / rawEnc) * 100).toFixed(0)}%`),
      fmtRate(dec, 'ev/s'),
      fmtRate(rawDec, 'ev/s'),
      ratio(dec, rawDec),
      target(dec >= 0.7 * rawDec, `≥ 70%: ${((dec / rawDec) * 100).toFixed(0)}%`),
    ]);
  }
  if (sink === -1) log('');
  return {
    id: 'codec',
    title: 'Event codec (issue 3)',
    intro: `Encode (\`encodePayload\`, canonical positional MessagePack) and decode (\`decodePayload\`, with per-field checks) of each event type, beside raw msgpackr \`pack\`/\`unpack\` of the same event objects (the ceiling; plain MessagePack maps). ${M.toLocaleString('en-US')} operations over a pool of 1024 varied events per type; median of ${RUNS} runs, the four loops interleaved in each run.`,
    tables: [
      {
        header: ['type', 'payload: tapedeck / raw map', 'encode', 'raw msgpackr pack', 'encode ÷ raw', 'target', 'decode', 'raw msgpackr unpack', 'decode ÷ raw', 'target'],
        rows,
        notes: [
          'Raw msgpackr packs the object as a map with its key names (bigger payloads, no canonical ordering or validation); tapedeck packs a positional array and decodes into a validated event with exact bigint ts.',
        ],
      },
    ],
  };
}
