const EPS = 1e-9;
/** The price a position is marked at: the mid of the quote, or the last trade when a side is missing. */
export function markPrice(q) {
    return q.bid !== undefined && q.ask !== undefined ? (q.bid + q.ask) / 2 : q.last;
}
export class Ledger {
    pos = new Map();
    realized = 0;
    feeTotal = 0;
    peak = 0;
    maxDd = 0;
    maxExp = 0;
    fillCount = 0;
    volumeTotal = 0;
    get(symbol) {
        let p = this.pos.get(symbol);
        if (!p) {
            p = { qty: 0, avg: 0, mark: undefined, realized: 0, fees: 0, trades: 0, volume: 0 };
            this.pos.set(symbol, p);
        }
        return p;
    }
    position(symbol) {
        return this.pos.get(symbol)?.qty ?? 0;
    }
    hasPosition(symbol) {
        const p = this.pos.get(symbol);
        return p !== undefined && p.qty !== 0;
    }
    symbols() {
        return [...this.pos.keys()];
    }
    mark(symbol, price) {
        const p = this.pos.get(symbol);
        if (p)
            p.mark = price;
        else
            this.get(symbol).mark = price;
    }
    markOf(symbol) {
        return this.pos.get(symbol)?.mark;
    }
    fill(symbol, side, qty, price, fee) {
        const p = this.get(symbol);
        const signed = side === 'buy' ? qty : -qty;
        if (p.qty === 0 || Math.sign(p.qty) === Math.sign(signed)) {
            const abs = Math.abs(p.qty);
            p.avg = (p.avg * abs + price * qty) / (abs + qty);
            p.qty += signed;
        }
        else {
            const closing = Math.min(Math.abs(p.qty), qty);
            const pnl = closing * (price - p.avg) * Math.sign(p.qty);
            p.realized += pnl;
            this.realized += pnl;
            p.qty += signed;
            if (Math.abs(p.qty) <= EPS * Math.max(1, qty)) {
                p.qty = 0;
                p.avg = 0;
            }
            else if (Math.sign(p.qty) === Math.sign(signed)) {
                p.avg = price; // flipped: the rest opens a new position at this price
            }
        }
        p.fees += fee;
        this.feeTotal += fee;
        p.trades++;
        p.volume += qty;
        this.fillCount++;
        this.volumeTotal += qty;
        if (p.mark === undefined)
            p.mark = price;
    }
    unrealized() {
        let u = 0;
        for (const p of this.pos.values())
            if (p.qty !== 0 && p.mark !== undefined)
                u += p.qty * (p.mark - p.avg);
        return u;
    }
    exposure() {
        let e = 0;
        for (const p of this.pos.values())
            if (p.qty !== 0 && p.mark !== undefined)
                e += Math.abs(p.qty * p.mark);
        return e;
    }
    netPnl() {
        return this.realized + this.unrealized() - this.feeTotal;
    }
    /** Sample equity for drawdown and exposure; returns the current drawdown. */
    update() {
        const eq = this.netPnl();
        if (eq > this.peak)
            this.peak = eq;
        const dd = this.peak - eq;
        if (dd > this.maxDd)
            this.maxDd = dd;
        const exp = this.exposure();
        if (exp > this.maxExp)
            this.maxExp = exp;
        return dd;
    }
    get realizedPnl() {
        return this.realized;
    }
    get fees() {
        return this.feeTotal;
    }
    get maxDrawdown() {
        return this.maxDd;
    }
    get maxExposure() {
        return this.maxExp;
    }
    get trades() {
        return this.fillCount;
    }
    get volume() {
        return this.volumeTotal;
    }
    summary() {
        const out = {};
        for (const [s, p] of [...this.pos.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
            if (p.trades === 0)
                continue;
            out[s] = {
                qty: p.qty,
                avgPrice: p.avg,
                mark: p.mark,
                realizedPnl: p.realized,
                unrealizedPnl: p.qty !== 0 && p.mark !== undefined ? p.qty * (p.mark - p.avg) : 0,
                fees: p.fees,
                trades: p.trades,
                volume: p.volume,
            };
        }
        return out;
    }
}
//# sourceMappingURL=ledger.js.map