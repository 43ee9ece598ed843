/**
 * What a backtest did, as curves: a backtest output recording (see backtest/runner.ts) holds its
 * manifest (session-start data), every order, ack and fill, and its summary (session-end data).
 * The equity curve replays the fills through the same Ledger the engine used. Positions are marked
 * with the same rule as the engine (markPrice: mid, or last trade) on the input recordings' ticks
 * when those inputs are among the recordings served (matched by digest); without them, at fill
 * prices only, and the report says so.
 */
import { Ledger, markPrice } from '../backtest/ledger.js';
import { openRecording } from '../events/recording.js';
import { EventMerge } from '../replay/merge.js';
import { downsampleMinMax } from './downsample.js';
/** The manifest of a backtest output, or null when `dir` is not one (no session-start with a strategy digest first). */
export function readBacktestManifest(dir) {
    const rec = openRecording(dir);
    let first = true;
    let manifest = null;
    let summary = null;
    let runId = '';
    // The manifest is the first event; the summary the last system event: read system events only.
    for (const ev of rec.events({ types: ['system'] })) {
        if (first) {
            first = false;
            if (ev.type !== 'system' || ev.kind !== 'session-start' || ev.seq !== 0 || !ev.data || typeof ev.data.strategySha256 !== 'string')
                return null;
            manifest = ev.data;
            runId = ev.runId;
            continue;
        }
        if (ev.type === 'system' && ev.kind === 'session-end')
            summary = ev.data ?? {};
    }
    if (!manifest)
        return null;
    const inputDigests = [];
    for (let i = 0; typeof manifest[`input.${i}.digest`] === 'string'; i++)
        inputDigests.push(manifest[`input.${i}.digest`]);
    return { runId, manifest, summary, inputDigests };
}
const NS_PER_S = 1e9;
/**
 * Builds the report. `inputsByDigest` maps a recording digest to a served directory holding it;
 * `buckets` bounds the curve's size (two points per bucket).
 */
export function backtestReport(dir, inputsByDigest, buckets = 1500) {
    const m = readBacktestManifest(dir);
    if (!m)
        return null;
    const inputsUsed = m.inputDigests.map((d) => inputsByDigest.get(d)).filter((d) => d !== undefined);
    const useInputs = inputsUsed.length === m.inputDigests.length && inputsUsed.length > 0;
    const ledger = new Ledger();
    const xs = [];
    const eq = [];
    const dd = [];
    const symbols = [];
    const pos = new Map();
    const fills = [];
    const quotes = new Map();
    let peak = 0;
    let maxDd = 0;
    let originNs = null;
    const sample = (ts) => {
        originNs ??= ts;
        const e = ledger.netPnl();
        if (e > peak)
            peak = e;
        if (peak - e > maxDd)
            maxDd = peak - e;
        xs.push(Number(ts - originNs));
        eq.push(e);
        dd.push(peak - e);
        for (const s of symbols)
            pos.get(s).push(ledger.position(s));
    };
    const onFill = (f) => {
        if (!pos.has(f.symbol)) {
            symbols.push(f.symbol);
            pos.set(f.symbol, new Array(xs.length).fill(0));
        }
        ledger.fill(f.symbol, f.side, f.qty, f.price, f.fee ?? 0);
        if (!useInputs)
            ledger.mark(f.symbol, f.price);
        originNs ??= f.ts;
        fills.push({ x: Number(f.ts) / NS_PER_S, ts: f.ts.toString(), seq: f.seq ?? -1, symbol: f.symbol, side: f.side, price: f.price, qty: f.qty });
        sample(f.ts);
    };
    const onTick = (t) => {
        const key = `${t.venue}\u0000${t.symbol}`;
        const q = quotes.get(key) ?? {};
        if (t.bid !== undefined)
            q.bid = t.bid;
        if (t.ask !== undefined)
            q.ask = t.ask;
        if (t.last !== undefined)
            q.last = t.last;
        quotes.set(key, q);
        const mk = markPrice(q);
        if (mk === undefined)
            return;
        ledger.mark(t.symbol, mk);
        if (ledger.hasPosition(t.symbol))
            sample(t.ts);
    };
    const output = openRecording(dir);
    if (useInputs) {
        // The output's fills and the inputs' ticks in one ts order (the output given first: at equal
        // ts a fill is applied before the tick that follows it in the engine).
        const merge = new EventMerge([output, ...inputsUsed.map((d) => openRecording(d))]);
        try {
            merge.open({});
            for (let src = merge.peek(); src !== null; src = merge.peek()) {
                const ev = merge.take(src);
                if (ev.type === 'fill')
                    onFill(ev);
                else if (ev.type === 'tick' && src.index > 0)
                    onTick(ev);
            }
        }
        finally {
            merge.close();
        }
    }
    else {
        for (const ev of output.events({ types: ['fill'] }))
            if (ev.type === 'fill')
                onFill(ev);
    }
    const origin = originNs ?? 0n;
    const xOff = Float64Array.from(xs);
    const cols = [Float64Array.from(eq), Float64Array.from(dd), ...symbols.map((s) => Float64Array.from(pos.get(s)))];
    const last = xs.length > 0 ? xs[xs.length - 1] : 0;
    const d = downsampleMinMax(xOff, cols, 0, last, buckets);
    const base = Number(origin) / NS_PER_S;
    const positions = {};
    symbols.forEach((s, i) => (positions[s] = d.y[2 + i]));
    return {
        ...m,
        marks: useInputs ? 'inputs' : 'fills',
        inputsUsed: useInputs ? inputsUsed : [],
        x: d.x.map((o) => base + o / NS_PER_S),
        equity: d.y[0],
        drawdown: d.y[1],
        positions,
        fills,
        finalNetPnl: eq.length > 0 ? eq[eq.length - 1] : 0,
        maxDrawdown: maxDd,
        points: xs.length,
    };
}
//# sourceMappingURL=backtest-report.js.map