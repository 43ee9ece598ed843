/**
 * Tardis.dev CSV datasets (https://docs.tardis.dev/downloadable-csv-files), told apart by their
 * header: `trades`, `quotes`, `book_snapshot_N` (N levels a side) and `incremental_book_L2`. Every
 * dataset starts `exchange,symbol,timestamp,local_timestamp`: both are integer microseconds since
 * the epoch; `local_timestamp` (when Tardis received the message) becomes `ts` and `timestamp`
 * (the venue's time) `exchTs`, exact ns (× 1000). Prices and amounts stay decimal text, so the
 * schema's exact decimals keep the venue's digits.
 *
 * Rows that share a `local_timestamp` came in one venue message: `TardisBatcher` groups them into
 * one batch, written atomically, the last book event of each symbol flagged last-in-message.
 * An `incremental_book_L2` run of `is_snapshot=true` rows is a book reset (a `clear`) followed by
 * the snapshot's levels, all flagged snapshot; `amount` 0 deletes a level (a `set` to size 0).
 * A `book_snapshot_N` row is a whole snapshot: a clear and one `set` per level present.
 * `options_chain`, `derivative_ticker` and `liquidations` are refused by name (`unsupportedTardis`),
 * never read as the dataset whose columns they share.
 */
import { ValidationError } from '../errors.js';

export type TardisDataset = 'trades' | 'quotes' | 'book_snapshot' | 'incremental_book_L2';

/** DBN-compatible book flag bits (the values schema v2 uses). */
const FLAG_LAST = 128;
const FLAG_SNAPSHOT = 32;

const PREFIX = ['exchange', 'symbol', 'timestamp', 'local_timestamp'];
const US = /^\d{1,17}$/;
const DECIMAL = /^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/;

export interface TardisLayout {
  dataset: TardisDataset;
  /** book_snapshot_N: N. */
  depth?: number;
  columns: ReadonlyMap<string, number>;
}

/**
 * The Tardis.dev dataset tapedeck does not read that a file is, or undefined. `options_chain` and
 * `derivative_ticker` are told by columns only they have; `liquidations` has the very columns of
 * `trades`, so it is told by the file name Tardis gives it (`<exchange>_liquidations_<date>_<symbol>.csv.gz`).
 */
export function unsupportedTardis(header: readonly string[], fileName = ''): string | undefined {
  if (PREFIX.some((c, i) => header[i] !== c)) return undefined;
  const has = (c: string) => header.includes(c);
  if (has('strike_price') || has('underlying_index')) return 'options_chain';
  if (has('funding_rate') || has('mark_price') || has('index_price')) return 'derivative_ticker';
  const base = fileName.replace(/^.*[\\/]/, '');
  if (/(?:^|[_.])liquidations(?:[_.]|$)/.test(base)) return 'liquidations';
  return undefined;
}

/** The dataset a header row names, or null when it is not a Tardis CSV header of a dataset tapedeck reads. */
export function detectTardis(header: readonly string[]): TardisLayout | null {
  if (header.length < 5 || PREFIX.some((c, i) => header[i] !== c)) return null;
  if (unsupportedTardis(header) !== undefined) return null;
  const columns = new Map(header.map((c, i) => [c, i] as const));
  const has = (...cs: string[]) => cs.every((c) => columns.has(c));
  if (has('is_snapshot', 'side', 'price', 'amount')) return { dataset: 'incremental_book_L2', columns };
  if (has('id', 'side', 'price', 'amount')) return { dataset: 'trades', columns };
  if (has('ask_amount', 'ask_price', 'bid_price', 'bid_amount')) return { dataset: 'quotes', columns };
  if (has('asks[0].price', 'asks[0].amount', 'bids[0].price', 'bids[0].amount')) {
    let depth = 0;
    while (columns.has(`asks[${depth}].price`) && columns.has(`bids[${depth}].price`)) depth++;
    return { dataset: 'book_snapshot', depth, columns };
  }
  return null;
}

/** A draft event: what the recorder validates and stamps (runId, seq). */
export type Draft = Record<string, unknown> & { type: string; ts: bigint };

export interface TardisRow {
  localTs: bigint;
  symbol: string;
  drafts: Draft[];
}

function usToNs(text: string | undefined, field: string, position: string): bigint {
  if (text === undefined || !US.test(text)) throw new ValidationError(field, 'must be integer microseconds since the epoch', text, position);
  return BigInt(text) * 1000n;
}

function decimal(text: string | undefined, field: string, position: string): string | undefined {
  if (text === undefined || text === '') return undefined;
  if (!DECIMAL.test(text)) throw new ValidationError(field, 'must be a decimal number', text, position);
  return text;
}

function required(text: string | undefined, field: string, position: string): string {
  const d = decimal(text, field, position);
  if (d === undefined) throw new ValidationError(field, 'is empty', text, position);
  return d;
}

/** Parses rows of one dataset into drafts; keeps the snapshot-run state of incremental_book_L2. */
export class TardisRows {
  private readonly col: (cells: readonly string[], name: string) => string | undefined;
  /** incremental_book_L2: the symbols whose snapshot run is in progress. */
  private readonly inSnapshot = new Set<string>();

  constructor(readonly layout: TardisLayout) {
    const cols = layout.columns;
    this.col = (cells, name) => {
      const i = cols.get(name);
      return i === undefined ? undefined : cells[i];
    };
  }

  row(cells: readonly string[], position: string): TardisRow {
    const c = (n: string) => this.col(cells, n);
    if (cells.length !== this.layout.columns.size) {
      throw new ValidationError('(row)', `has ${cells.length} cells; the header has ${this.layout.columns.size}`, cells.join(','), position);
    }
    const venue = c('exchange')!;
    const symbol = c('symbol')!;
    if (venue === '') throw new ValidationError('exchange', 'is empty', venue, position);
    if (symbol === '') throw new ValidationError('symbol', 'is empty', symbol, position);
    const exchTs = usToNs(c('timestamp'), 'timestamp', position);
    const ts = usToNs(c('local_timestamp'), 'local_timestamp', position);
    const base = { venue, symbol, exchTs };
    switch (this.layout.dataset) {
      case 'trades': {
        const side = c('side');
        if (side !== 'buy' && side !== 'sell' && side !== 'unknown' && side !== '') throw new ValidationError('side', 'must be buy, sell or unknown', side, position);
        const d: Draft = { type: 'tick', ts, ...base, last: required(c('price'), 'price', position), lastSize: required(c('amount'), 'amount', position) };
        if (side === 'buy' || side === 'sell') d.aggressor = side;
        const id = c('id');
        if (id) d.tradeId = id;
        return { localTs: ts, symbol, drafts: [reorder(d)] };
      }
      case 'quotes': {
        const d: Draft = { type: 'tick', ts, ...base };
        const bid = decimal(c('bid_price'), 'bid_price', position);
        const bidSize = decimal(c('bid_amount'), 'bid_amount', position);
        const ask = decimal(c('ask_price'), 'ask_price', position);
        const askSize = decimal(c('ask_amount'), 'ask_amount', position);
        if (bid !== undefined) d.bid = bid;
        if (ask !== undefined) d.ask = ask;
        if (bidSize !== undefined) d.bidSize = bidSize;
        if (askSize !== undefined) d.askSize = askSize;
        return { localTs: ts, symbol, drafts: [reorder(d)] };
      }
      case 'book_snapshot': {
        const drafts: Draft[] = [{ type: 'book', ts, ...base, action: 'clear', flags: FLAG_SNAPSHOT }];
        for (const [side, key] of [
          ['ask', 'asks'],
          ['bid', 'bids'],
        ] as const) {
          for (let i = 0; i < this.layout.depth!; i++) {
            const price = decimal(c(`${key}[${i}].price`), `${key}[${i}].price`, position);
            const size = decimal(c(`${key}[${i}].amount`), `${key}[${i}].amount`, position);
            if (price === undefined && size === undefined) continue;
            if (price === undefined || size === undefined) throw new ValidationError(`${key}[${i}]`, 'has a price without an amount or the reverse', `${price ?? ''},${size ?? ''}`, position);
            drafts.push({ type: 'book', ts, ...base, action: 'set', side, price, size, flags: FLAG_SNAPSHOT });
          }
        }
        return { localTs: ts, symbol, drafts };
      }
      case 'incremental_book_L2': {
        const snap = c('is_snapshot');
        if (snap !== 'true' && snap !== 'false') throw new ValidationError('is_snapshot', 'must be true or false', snap, position);
        const side = c('side');
        if (side !== 'bid' && side !== 'ask') throw new ValidationError('side', 'must be bid or ask', side, position);
        const price = required(c('price'), 'price', position);
        const size = required(c('amount'), 'amount', position);
        const drafts: Draft[] = [];
        if (snap === 'true') {
          if (!this.inSnapshot.has(symbol)) {
            this.inSnapshot.add(symbol);
            drafts.push({ type: 'book', ts, ...base, action: 'clear', flags: FLAG_SNAPSHOT });
          }
          drafts.push({ type: 'book', ts, ...base, action: 'set', side, price, size, flags: FLAG_SNAPSHOT });
        } else {
          this.inSnapshot.delete(symbol);
          drafts.push({ type: 'book', ts, ...base, action: 'set', side, price, size });
        }
        return { localTs: ts, symbol, drafts };
      }
    }
  }
}

/** Puts exchTs last as the canonical tick field order has it (cosmetic; validation reorders anyway). */
function reorder(d: Draft): Draft {
  const { exchTs, ...rest } = d;
  return { ...rest, exchTs } as Draft;
}

/**
 * Groups consecutive rows with the same local_timestamp into one batch (one venue message) and
 * marks the last book event of each symbol in it with the last-in-message flag.
 */
export class TardisBatcher {
  private batch: Draft[] = [];
  private batchTs: bigint | null = null;

  /** Adds a row; returns the previous batch when this row starts a new one. */
  push(row: TardisRow): Draft[] | null {
    let done: Draft[] | null = null;
    if (this.batchTs !== null && row.localTs !== this.batchTs) done = this.flush();
    this.batchTs = row.localTs;
    for (const d of row.drafts) this.batch.push(d);
    return done;
  }

  /** The batch in progress, finished (null when empty). */
  flush(): Draft[] | null {
    if (this.batch.length === 0) return null;
    const b = this.batch;
    this.batch = [];
    this.batchTs = null;
    const lastOf = new Map<string, Draft>();
    for (const d of b) if (d.type === 'book') lastOf.set(`${String(d.venue)}\u0000${String(d.symbol)}`, d);
    for (const d of lastOf.values()) d.flags = ((d.flags as number | undefined) ?? 0) | FLAG_LAST;
    return b;
  }
}
