/**
 * Generic column mapping: quote and trade data in whatever columns a user has (a CSV with a
 * header, a headerless CSV addressed by column number, a JSON array or JSON lines of objects)
 * become ticks. `--map ts=timestamp,bid=bidPrice,ask=askPrice --venue X --symbol Y`, or the same
 * in a small JSON mapping file:
 *
 *   { "map": { "ts": "timestamp", "bid": "bidPrice", "ask": "askPrice" },
 *     "venue": "DUKASCOPY", "symbol": "EURUSD", "tsUnit": "ms" }
 *
 * Targets are tick fields (ts, exchTs, bid, ask, bidSize, askSize, last, lastSize, aggressor,
 * volume, tradeId, venue, symbol); a source is a header name, a JSON key (a dotted path reaches
 * into nested objects), or a 1-based column number for a CSV without a header. venue and symbol
 * come from a column or from --venue/--symbol. Times follow the timestamp rules (`--ts-unit`).
 */
import * as fs from 'node:fs';
import { TapedeckError, ValidationError } from '../errors.js';
import { parseTs, TS_UNITS } from '../events/ts.js';
export const MAP_TARGETS = [
    'ts',
    'exchTs',
    'venue',
    'symbol',
    'bid',
    'ask',
    'bidSize',
    'askSize',
    'last',
    'lastSize',
    'aggressor',
    'volume',
    'tradeId',
];
const TIME_TARGETS = new Set(['ts', 'exchTs']);
const TEXT_TARGETS = new Set(['venue', 'symbol', 'aggressor', 'tradeId']);
function usage(msg) {
    return new TapedeckError('BAD_ARGUMENT', msg);
}
/**
 * `--map` as given: `ts=timestamp,bid=bidPrice` or the path of a JSON mapping file. `venue`,
 * `symbol` and `tsUnit` from the flags win over the file's.
 */
export function parseColumnMapping(spec, flags = {}) {
    let m;
    if (!spec.includes('=') && fs.existsSync(spec)) {
        let raw;
        try {
            raw = JSON.parse(fs.readFileSync(spec, 'utf8'));
        }
        catch (e) {
            throw usage(`--map ${spec}: not a JSON mapping file (${e.message})`);
        }
        const o = raw;
        if (typeof o !== 'object' || o === null || typeof o.map !== 'object' || o.map === null)
            throw usage(`--map ${spec}: expected {"map": {"ts": "<column>", ...}, "venue"?, "symbol"?, "tsUnit"?}`);
        m = { columns: {} };
        for (const [k, v] of Object.entries(o.map))
            addColumn(m, k, String(v), spec);
        if (typeof o.venue === 'string')
            m.venue = o.venue;
        if (typeof o.symbol === 'string')
            m.symbol = o.symbol;
        if (o.tsUnit !== undefined)
            m.tsUnit = checkUnit(String(o.tsUnit), spec);
    }
    else {
        m = { columns: {} };
        for (const part of spec.split(',')) {
            const eq = part.indexOf('=');
            if (eq <= 0 || eq === part.length - 1)
                throw usage(`--map: "${part}" is not target=column (e.g. ts=timestamp,bid=bidPrice)`);
            addColumn(m, part.slice(0, eq).trim(), part.slice(eq + 1).trim(), '--map');
        }
    }
    if (flags.venue !== undefined)
        m.venue = flags.venue;
    if (flags.symbol !== undefined)
        m.symbol = flags.symbol;
    if (flags.tsUnit !== undefined)
        m.tsUnit = flags.tsUnit;
    if (m.columns.ts === undefined)
        throw usage('--map: no column for ts (e.g. --map ts=timestamp,...)');
    if (m.columns.venue === undefined && m.venue === undefined)
        throw usage('--map: give the venue (--venue X or a venue=<column> mapping)');
    if (m.columns.symbol === undefined && m.symbol === undefined)
        throw usage('--map: give the symbol (--symbol Y or a symbol=<column> mapping)');
    const data = ['bid', 'ask', 'last'];
    if (!data.some((t) => m.columns[t] !== undefined))
        throw usage('--map: map at least one of bid, ask, last');
    return m;
}
function checkUnit(u, where) {
    if (!TS_UNITS.includes(u))
        throw usage(`${where}: tsUnit must be one of ${TS_UNITS.join('|')} (got "${u}")`);
    return u;
}
function addColumn(m, target, source, where) {
    if (!MAP_TARGETS.includes(target))
        throw usage(`${where}: unknown target "${target}" (targets: ${MAP_TARGETS.join(', ')})`);
    if (source === '')
        throw usage(`${where}: target "${target}" maps to an empty column name`);
    m.columns[target] = source;
}
/** True when every source is a column number: the CSV has no header row. */
export function isPositional(m) {
    return Object.values(m.columns).every((s) => /^[1-9]\d*$/.test(s));
}
/** Builds the tick draft of one record; ValidationError names the target, column and position. */
export function mapRecord(m, get, position) {
    const t = { type: 'tick' };
    for (const target of MAP_TARGETS) {
        const source = m.columns[target];
        if (source === undefined)
            continue;
        const v = get(source);
        if (v === undefined || v === null || v === '') {
            if (target === 'ts')
                throw new ValidationError(`ts (column ${source})`, 'is missing', v, position);
            continue;
        }
        const field = `${target} (column ${source})`;
        if (TIME_TARGETS.has(target)) {
            t[target] = parseTs(typeof v === 'string' ? v.trim() : v, field, position, m.tsUnit);
        }
        else if (TEXT_TARGETS.has(target)) {
            let s = String(v);
            if (target === 'aggressor') {
                s = s.toLowerCase();
                if (s === 'b' || s === 'bid')
                    s = 'buy';
                if (s === 's' || s === 'ask' || s === 'a')
                    s = 'sell';
            }
            t[target] = s;
        }
        else {
            // Numbers stay decimal text where the input has text, so exact decimals keep their digits.
            t[target] = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : v;
        }
    }
    if (t.venue === undefined)
        t.venue = m.venue;
    if (t.symbol === undefined)
        t.symbol = m.symbol;
    return t;
}
/** A key or dotted path of a JSON object. */
export function jsonLookup(obj) {
    return (source) => {
        if (Object.prototype.hasOwnProperty.call(obj, source))
            return obj[source];
        let cur = obj;
        for (const part of source.split('.')) {
            if (typeof cur !== 'object' || cur === null)
                return undefined;
            cur = cur[part];
        }
        return cur;
    };
}
/** A CSV row by header name, or by 1-based column number when `header` is null. */
export function csvLookup(cells, header) {
    return (source) => {
        const i = header === null ? Number(source) - 1 : header.get(source);
        return i === undefined ? undefined : cells[i];
    };
}
/** Refuses a header that lacks a mapped column, naming the ones it has. */
export function checkHeader(m, header, position) {
    for (const [target, source] of Object.entries(m.columns)) {
        if (!header.has(source)) {
            throw new TapedeckError('BAD_INPUT', `${position}: the header has no column "${source}" (mapped to ${target}); it has: ${[...header.keys()].join(', ')}`, {
                position,
            });
        }
    }
}
/**
 * Splits a stream of JSON text into its top-level values: the elements of one top-level array
 * (`[{…},{…}]`, any whitespace) or a sequence of objects (JSON lines). Memory is bounded by one
 * element. Strings are tracked so brackets inside them do not count.
 */
export class JsonElementSplitter {
    depth = 0;
    inString = false;
    escape = false;
    cur = [];
    started = false;
    arrayMode = false;
    done = false;
    /** Characters consumed, for positions in errors. */
    offset = 0;
    /** Feeds text; returns the complete element texts it finishes. */
    push(text) {
        const out = [];
        // Where the element in progress starts in this chunk: 0 when it began in an earlier one.
        let from = this.depth > 0 || this.inString ? 0 : -1;
        for (let i = 0; i < text.length; i++) {
            const ch = text.charCodeAt(i);
            if (this.inString) {
                if (this.escape)
                    this.escape = false;
                else if (ch === 0x5c)
                    this.escape = true;
                else if (ch === 0x22)
                    this.inString = false;
                continue;
            }
            if (!this.started) {
                if (ch === 0x20 || ch === 0x0a || ch === 0x0d || ch === 0x09 || ch === 0xfeff)
                    continue;
                this.started = true;
                if (ch === 0x5b) {
                    this.arrayMode = true;
                    continue;
                }
            }
            if (this.done) {
                if (ch === 0x20 || ch === 0x0a || ch === 0x0d || ch === 0x09)
                    continue;
                throw new ValidationError('(json)', 'has text after the closing ] of the array', text.slice(i, i + 20), `character ${this.offset + i}`);
            }
            if (this.depth === 0) {
                // Between elements: separators and whitespace, or the array's end.
                if (ch === 0x2c || ch === 0x20 || ch === 0x0a || ch === 0x0d || ch === 0x09)
                    continue;
                if (ch === 0x5d && this.arrayMode) {
                    this.done = true;
                    continue;
                }
                if (ch !== 0x7b)
                    throw new ValidationError('(json)', 'expected an object', text.slice(i, i + 20), `character ${this.offset + i}`);
                from = i;
            }
            if (ch === 0x22)
                this.inString = true;
            else if (ch === 0x7b || ch === 0x5b)
                this.depth++;
            else if (ch === 0x7d || ch === 0x5d) {
                this.depth--;
                if (this.depth === 0) {
                    this.cur.push(text.slice(from, i + 1));
                    out.push(this.cur.join(''));
                    this.cur = [];
                    from = -1;
                }
            }
        }
        if (this.depth > 0 || this.inString)
            this.cur.push(text.slice(from));
        this.offset += text.length;
        return out;
    }
    /** At the end: an unfinished element or an unclosed array is an error. */
    end() {
        if (this.depth > 0 || this.inString)
            throw new ValidationError('(json)', 'ends inside an element', this.cur.join('').slice(0, 40), `character ${this.offset}`);
        if (this.arrayMode && !this.done)
            throw new ValidationError('(json)', 'ends before the closing ] of the array', '', `character ${this.offset}`);
    }
}
//# sourceMappingURL=mapping.js.map