/**
 * Issue 3: encode / decode throughput per event type, beside raw msgpackr pack / unpack of the
 * same event objects (msgpackr's module-level pack/unpack: plain MessagePack maps, no records).
 * Decode is also shown beside the msgpackr-based decode path it replaced (decodePayloadGeneric:
 * same results, no hand-written fast path) and beside a bare msgpackr unpack of the same
 * positional payload bytes.
 */
import { Packr, pack as rawPack, unpack as rawUnpack } from 'msgpackr';
import { decodePayloadGeneric, PACKR_OPTIONS } from '../src/events/codec.js';
import seedrandom from 'seedrandom';
import { decodePayload, encodePayload, TYPE_TAG, validateEvent } from '../src/events/index.js';
import { makeTick, RUN_ID, T0 } from './data.js';
import { CONFIG, fmtRate, log, med, ratio, target } from './table.js';
const SYMS = ['AAPL', 'MSFT', 'NVDA', 'BTC-USD', 'ETH-USD'];
function makeEvent(type, rng, i) {
    const ts = T0 + BigInt(i) * 1000n;
    const sym = SYMS[Math.floor(rng() * SYMS.length)];
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
const TYPES = ['tick', 'order', 'fill', 'signal', 'risk', 'system'];
export async function benchCodec() {
    // Short loops on a shared machine are noisy; they are cheap, so take at least 5.
    const RUNS = Math.max(CONFIG.runs, 7);
    // Unpack of the tapedeck payload bytes with the decoder's own msgpackr configuration.
    const payloadPackr = new Packr({ ...PACKR_OPTIONS });
    const M = Math.max(100_000, Math.min(200_000, Math.round(CONFIG.records / 4)));
    const rows = [];
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
        const time = (fn) => {
            const t0 = process.hrtime.bigint();
            fn();
            return (M / (Number(process.hrtime.bigint() - t0) / 1e9));
        };
        const encode = () => {
            for (let i = 0; i < M; i++)
                sink += encodePayload(events[i & 1023]).length;
        };
        const rawEncode = () => {
            for (let i = 0; i < M; i++)
                sink += rawPack(events[i & 1023]).length;
        };
        const decode = () => {
            for (let i = 0; i < M; i++) {
                const k = i & 1023;
                sink += decodePayload(tag, payloads[k], i, events[k].ts).seq & 1;
            }
        };
        const rawDecode = () => {
            for (let i = 0; i < M; i++)
                sink += rawUnpack(raws[i & 1023]).ts > 0 ? 1 : 0;
        };
        const oldDecode = () => {
            for (let i = 0; i < M; i++) {
                const k = i & 1023;
                sink += decodePayloadGeneric(tag, payloads[k], i, events[k].ts).seq & 1;
            }
        };
        const payloadUnpack = () => {
            for (let i = 0; i < M; i++)
                sink += payloadPackr.unpack(payloads[i & 1023]).length;
        };
        // Warm up (JIT) once, then interleave the loops in every run.
        encode();
        rawEncode();
        decode();
        rawDecode();
        oldDecode();
        payloadUnpack();
        const rs = [];
        for (let r = 0; r < RUNS; r++) {
            rs.push({
                enc: time(encode),
                rawEnc: time(rawEncode),
                dec: time(decode),
                rawDec: time(rawDecode),
                oldDec: time(oldDecode),
                payloadUnpack: time(payloadUnpack),
            });
        }
        const enc = med(rs, (x) => x.enc);
        const rawEnc = med(rs, (x) => x.rawEnc);
        const dec = med(rs, (x) => x.dec);
        const rawDec = med(rs, (x) => x.rawDec);
        const oldDec = med(rs, (x) => x.oldDec);
        const pUnpack = med(rs, (x) => x.payloadUnpack);
        // Per-run ratios (same run, loops back to back) are steadier than a ratio of medians.
        const speedup = med(rs, (x) => x.dec / x.oldDec);
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
            fmtRate(oldDec, 'ev/s'),
            `${speedup.toFixed(2)}×`,
            fmtRate(pUnpack, 'ev/s'),
            ratio(dec, pUnpack),
            type === 'tick' ? target(speedup >= 2, `≥ 2×: ${speedup.toFixed(2)}×`) : '–',
        ]);
    }
    if (sink === -1)
        log('');
    return {
        id: 'codec',
        title: 'Event codec (issue 3)',
        intro: `Encode (\`encodePayload\`, canonical positional MessagePack) and decode (\`decodePayload\`, with per-field checks) of each event type, beside raw msgpackr \`pack\`/\`unpack\` of the same event objects (the ceiling; plain MessagePack maps). Decode goes through the hand-written decoder (\`src/events/fast-decode.ts\`), shown beside the msgpackr-based path it replaced (\`decodePayloadGeneric\`: msgpackr unpack, then per-field checks; still the fallback for anything outside the canonical subset) and beside a bare msgpackr unpack of the same payload bytes. ${M.toLocaleString('en-US')} operations over a pool of 1024 varied events per type; median of ${RUNS} runs, the six loops interleaved in each run.`,
        tables: [
            {
                header: [
                    'type', 'payload: tapedeck / raw map', 'encode', 'raw msgpackr pack', 'encode ÷ raw', 'target', 'decode', 'raw msgpackr unpack', 'decode ÷ raw', 'target',
                    'decode, msgpackr path (before)', 'decode ÷ before', 'msgpackr unpack of the payload', 'decode ÷ payload unpack', 'target (tick: ≥ 2× before)',
                ],
                rows,
                notes: [
                    'Raw msgpackr packs the object as a map with its key names (bigger payloads, no canonical ordering or validation); tapedeck packs a positional array and decodes into a validated event with exact bigint ts.',
                    '"decode ÷ before" is the median of per-run ratios (the two loops run back to back in each run). "msgpackr unpack of the payload" only builds the positional array (no checks, no event object), with the same Packr options as the decoder.',
                ],
            },
        ],
    };
}
//# sourceMappingURL=codec.js.map