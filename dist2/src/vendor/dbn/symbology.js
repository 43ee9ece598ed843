const NS_PER_DAY = 86400000000000n;
/** YYYYMMDD → days since 1970-01-01. */
export function yyyymmddToDays(d) {
    const y = Math.floor(d / 10000);
    const m = Math.floor(d / 100) % 100;
    const day = d % 100;
    return Math.floor(Date.UTC(y, m - 1, day) / 86_400_000);
}
export class SymbolMap {
    /** instrument id → sorted intervals [startDay, endDay) → symbol. */
    byId = new Map();
    /** Latest mapping from in-stream SymbolMapping records (they apply from their ts onwards). */
    live = new Map();
    static fromMetadata(m) {
        const map = new SymbolMap();
        const inverse = m.stypeIn === 'instrument_id' && m.stypeOut !== 'instrument_id';
        for (const mp of m.mappings) {
            for (const iv of mp.intervals) {
                if (iv.symbol === '')
                    continue; // old symbology format
                const idText = inverse ? mp.rawSymbol : iv.symbol;
                const symbol = inverse ? iv.symbol : mp.rawSymbol;
                if (!/^\d+$/.test(idText))
                    continue;
                map.add(Number(idText), yyyymmddToDays(iv.startDate), yyyymmddToDays(iv.endDate), symbol);
            }
        }
        return map;
    }
    add(instrumentId, fromDay, toDay, symbol) {
        if (toDay <= fromDay)
            return;
        let list = this.byId.get(instrumentId);
        if (!list)
            this.byId.set(instrumentId, (list = []));
        list.push({ from: fromDay, to: toDay, symbol });
    }
    /** A SymbolMapping record in the stream: from now on this id is this symbol. */
    setLive(instrumentId, symbol) {
        this.live.set(instrumentId, symbol);
    }
    /** The symbol of an instrument at a time, or undefined when no mapping covers it. */
    get(instrumentId, indexTsNs) {
        const live = this.live.get(instrumentId);
        if (live !== undefined)
            return live;
        const list = this.byId.get(instrumentId);
        if (!list)
            return undefined;
        const day = Number(indexTsNs / NS_PER_DAY);
        for (const iv of list)
            if (day >= iv.from && day < iv.to)
                return iv.symbol;
        return undefined;
    }
}
//# sourceMappingURL=symbology.js.map