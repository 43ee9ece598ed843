/**
 * A recording's timeline in columns, built by one read of every event, so charts of any visible
 * range are answered from memory (binary search + min/max downsampling) instead of re-reading
 * the log per request. About 40 bytes per tick (ts, bid, ask, last as float64; seq), and one
 * small object per non-tick event (orders, fills, signals, risk and system events: markers).
 *
 * Time inside is a float64 offset in ns from the recording's first ts: exact for any recording
 * shorter than 104 days (2^53 ns), where an absolute ns ts would not fit a double.
 * bid and ask are carried forward (a quote stands until it changes); last is a trade, NaN where
 * a tick has none.
 */
import { openRecording } from '../events/recording.js';
import { downsampleMinMax, lowerBound, upperBound } from './downsample.js';
/** A growable float64 column. */
class Column {
    data = new Float64Array(1024);
    length = 0;
    push(v) {
        if (this.length === this.data.length) {
            const next = new Float64Array(this.data.length * 2);
            next.set(this.data);
            this.data = next;
        }
        this.data[this.length++] = v;
    }
    done() {
        return this.data.subarray(0, this.length);
    }
}
export class Timeline {
    dir;
    originNs;
    offs;
    seqs;
    symbols;
    markers;
    constructor(dir, 
    /** The first event's ts (0n when empty): offsets count from here. */
    originNs, 
    /** Every event's offset, in log order. */
    offs, 
    /** Every event's seq, in log order. */
    seqs, symbols, markers) {
        this.dir = dir;
        this.originNs = originNs;
        this.offs = offs;
        this.seqs = seqs;
        this.symbols = symbols;
        this.markers = markers;
    }
    get events() {
        return this.offs.length;
    }
    /** The last event's ts (originNs when empty). */
    get lastNs() {
        return this.offs.length === 0 ? this.originNs : this.originNs + BigInt(this.offs[this.offs.length - 1]);
    }
    /** Reads every event of `dir` once. */
    static build(dir) {
        const rec = openRecording(dir);
        const offs = new Column();
        const seqs = new Column();
        const cols = new Map();
        const markers = [];
        let origin = null;
        for (const ev of rec.events()) {
            origin ??= ev.ts;
            const off = Number(ev.ts - origin);
            offs.push(off);
            seqs.push(ev.seq ?? -1);
            if (ev.type === 'tick') {
                let c = cols.get(ev.symbol);
                if (!c) {
                    c = { venue: ev.venue, x: new Column(), bid: new Column(), ask: new Column(), last: new Column(), lb: NaN, la: NaN };
                    cols.set(ev.symbol, c);
                }
                if (ev.bid !== undefined)
                    c.lb = ev.bid;
                if (ev.ask !== undefined)
                    c.la = ev.ask;
                c.x.push(off);
                c.bid.push(c.lb);
                c.ask.push(c.la);
                c.last.push(ev.last ?? NaN);
            }
            else {
                markers.push(marker(ev, off));
            }
        }
        const symbols = new Map();
        for (const [symbol, c] of cols)
            symbols.set(symbol, { symbol, venue: c.venue, x: c.x.done(), bid: c.bid.done(), ask: c.ask.done(), last: c.last.done() });
        return new Timeline(dir, origin ?? 0n, offs.done(), seqs.done(), symbols, markers);
    }
    /** ns offset of an absolute ts (may be negative or past the end). */
    offsetOf(tsNs) {
        return Number(tsNs - this.originNs);
    }
    /** bid/ask/last of the chart for one symbol over [fromOff, toOff], at most 2 points per bucket. */
    series(symbol, fromOff, toOff, buckets) {
        const s = this.symbols.get(symbol);
        if (!s)
            return null;
        return downsampleMinMax(s.x, [s.bid, s.ask, s.last], fromOff, toOff, buckets);
    }
    /**
     * Markers in [fromOff, toOff]: all of them when at most `max`, else the first of each type (and
     * symbol) per bucket, so a dense run of orders still shows where it happened.
     */
    markersIn(fromOff, toOff, buckets, max) {
        const lo = lowerMarker(this.markers, fromOff);
        let hi = lo;
        while (hi < this.markers.length && this.markers[hi].off <= toOff)
            hi++;
        const total = hi - lo;
        if (total <= max)
            return { markers: this.markers.slice(lo, hi), total };
        const width = (toOff - fromOff) / buckets || 1;
        const seen = new Set();
        const out = [];
        for (let i = lo; i < hi; i++) {
            const m = this.markers[i];
            const key = `${Math.floor((m.off - fromOff) / width)}|${m.type}|${m.side ?? ''}`;
            if (seen.has(key))
                continue;
            seen.add(key);
            out.push(m);
        }
        return { markers: out, total };
    }
    /** The quote of every symbol at an offset (the latest at or before it). */
    quotesAt(off) {
        const out = [];
        for (const s of this.symbols.values()) {
            const i = upperBound(s.x, off) - 1;
            if (i < 0) {
                out.push({ symbol: s.symbol, bid: null, ask: null, last: null });
                continue;
            }
            let last = null;
            for (let k = i; k >= 0 && k > i - 10_000; k--) {
                if (!Number.isNaN(s.last[k])) {
                    last = s.last[k];
                    break;
                }
            }
            out.push({ symbol: s.symbol, bid: nanNull(s.bid[i]), ask: nanNull(s.ask[i]), last });
        }
        return out;
    }
    /** Position (index in log order) of the first event at or after an offset. */
    positionAt(off) {
        return lowerBound(this.offs, off);
    }
}
function nanNull(v) {
    return Number.isNaN(v) ? null : v;
}
function lowerMarker(ms, off) {
    let lo = 0;
    let hi = ms.length;
    while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (ms[mid].off < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}
function marker(ev, off) {
    const seq = ev.seq ?? -1;
    switch (ev.type) {
        case 'order':
            return { off, seq, type: 'order', symbol: ev.symbol, side: ev.side, ...(ev.price !== undefined ? { price: ev.price } : {}), text: `${ev.action} ${ev.side} ${ev.qty} ${ev.symbol}${ev.price !== undefined ? ` @ ${ev.price}` : ''} (${ev.orderId})` };
        case 'fill':
            return { off, seq, type: 'fill', symbol: ev.symbol, side: ev.side, price: ev.price, text: `fill ${ev.side} ${ev.qty} ${ev.symbol} @ ${ev.price}` };
        case 'signal':
            return { off, seq, type: 'signal', symbol: ev.symbol, text: `${ev.strategy} ${ev.name} = ${ev.value}` };
        case 'risk':
            return { off, seq, type: 'risk', ...(ev.symbol !== undefined ? { symbol: ev.symbol } : {}), text: `${ev.severity} ${ev.rule}: ${ev.detail}` };
        case 'system':
            return { off, seq, type: 'system', text: `${ev.kind}: ${ev.message}` };
    }
}
//# sourceMappingURL=timeline.js.map