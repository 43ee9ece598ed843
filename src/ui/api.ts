/**
 * The JSON API of the UI server: what each route answers, as plain functions of the catalog and
 * the request's route parts (no HTTP in here). Recordings are named by catalog id only. Everything
 * is read-only except the deck's controls and starting a verify (which reads).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CorruptionError, TapedeckError } from '../errors.js';
import { SEGMENT_SUFFIX } from '../log/names.js';
import type { RecordingInfo } from '../ops/info.js';
import { formatTsIso } from '../events/ts.js';
import { statsJson } from '../ops/stats.js';
import { diffRecordings } from '../verify/diff.js';
import { toJsonValue } from '../verify/diff.js';
import type { Catalog, CatalogEntry } from './catalog.js';
import type { DeckControl, DeckStateOptions } from './deck.js';

export interface ApiRequest {
  method: string;
  /** Path segments after /api/. */
  parts: string[];
  query: URLSearchParams;
  /** The parsed JSON body of a POST. */
  body: unknown;
}

/** Most pixel buckets a chart request may ask for. */
const BUCKETS_MAX = 4000;
/** Markers returned as they are up to this many; beyond, thinned per bucket. */
const MARKERS_MAX = 600;

function badArg(message: string): never {
  throw new TapedeckError('BAD_ARGUMENT', message);
}

function nsParam(q: URLSearchParams, name: string): bigint | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^\d{1,19}$/.test(v)) badArg(`${name} must be ns since the epoch as a decimal string, got ${JSON.stringify(v.slice(0, 40))}`);
  return BigInt(v);
}

function segmentState(entry: CatalogEntry, name: string, sealed: boolean, tornFile: string | null): 'sealed' | 'active' | 'torn' | 'damaged' {
  const v = entry.verify.get();
  if (v.result && v.result.problems.some((p) => p.file === name)) return 'damaged';
  if (tornFile === name) return 'torn';
  return sealed ? 'sealed' : 'active';
}

function list(catalog: Catalog): unknown {
  return {
    recordings: catalog.entries.map((e) => {
      let kind: 'recording' | 'backtest' | 'unreadable' = 'recording';
      try {
        if (e.backtest()) kind = 'backtest';
      } catch {
        kind = 'unreadable';
      }
      return { id: e.id, name: e.name, kind };
    }),
  };
}

/**
 * A recording that cannot be read through (a corrupt frame, say): its segment files as listed,
 * the one the error names (and any a verify found) marked damaged, and the error.
 */
function unreadable(entry: CatalogEntry, err: unknown): unknown {
  const bad = err instanceof CorruptionError ? path.basename(err.file) : null;
  const v = entry.verify.get();
  const names = fs.readdirSync(entry.dir).filter((n) => n.endsWith(SEGMENT_SUFFIX)).sort();
  return {
    id: entry.id,
    name: entry.name,
    info: null,
    error: err instanceof Error ? err.message : String(err),
    code: err instanceof TapedeckError ? err.code : 'INTERNAL',
    segments: names.map((n) => ({
      name: n,
      bytes: fs.statSync(path.join(entry.dir, n)).size,
      records: null,
      state: n === bad || v.result?.problems.some((p) => p.file === n) ? 'damaged' : 'unread',
    })),
    venues: {},
    verify: v,
  };
}

async function info(entry: CatalogEntry): Promise<unknown> {
  let i: RecordingInfo;
  try {
    i = await entry.info();
  } catch (err) {
    if (err instanceof TapedeckError && err.code === 'NOT_FOUND') throw err;
    return unreadable(entry, err);
  }
  const torn = i.tornTail?.file ?? null;
  return {
    id: entry.id,
    name: entry.name,
    info: toJsonValue(i),
    segments: i.segments.map((s) => ({ name: s.name, bytes: s.bytes, records: s.records, state: segmentState(entry, s.name, s.sealed, torn) })),
    venues: await venues(entry),
    verify: entry.verify.get(),
  };
}

/** Events per venue (ticks, orders and fills carry one), from the timeline's symbols and markers. */
async function venues(entry: CatalogEntry): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const tl = await entry.timeline();
  for (const s of tl.symbols.values()) out[s.venue] = (out[s.venue] ?? 0) + s.x.length;
  return out;
}

async function chart(entry: CatalogEntry, q: URLSearchParams): Promise<unknown> {
  const tl = await entry.timeline();
  const from = nsParam(q, 'from') ?? tl.originNs;
  const to = nsParam(q, 'to') ?? tl.lastNs;
  if (to < from) badArg(`to (${to}) is before from (${from})`);
  const width = Number(q.get('width') ?? '1000');
  if (!Number.isInteger(width) || width < 1 || width > BUCKETS_MAX) badArg(`width must be a whole number of pixels 1..${BUCKETS_MAX}, got ${JSON.stringify(q.get('width'))}`);
  const symbols = [...tl.symbols.keys()];
  const symbol = q.get('symbol') ?? symbols[0] ?? null;
  if (symbol !== null && !tl.symbols.has(symbol) && !tl.bookSymbols.includes(symbol) && symbols.length > 0) badArg(`no symbol ${JSON.stringify(symbol.slice(0, 40))} in this recording (${symbols.join(', ')})`);
  const fromOff = tl.offsetOf(from);
  const toOff = tl.offsetOf(to);
  const s = symbol !== null ? tl.series(symbol, fromOff, toOff, width) : null;
  const base = Number(tl.originNs) / 1e9;
  const sec = (off: number) => base + off / 1e9;
  const m = tl.markersIn(fromOff, toOff, width, MARKERS_MAX);
  return {
    symbols,
    bookSymbols: tl.bookSymbols,
    symbol,
    originNs: tl.originNs.toString(),
    from: from.toString(),
    to: to.toString(),
    firstTs: tl.originNs.toString(),
    lastTs: tl.lastNs.toString(),
    rawPoints: s?.rawPoints ?? 0,
    exact: s?.exact ?? true,
    x: s ? s.x.map(sec) : [],
    bid: s?.y[0] ?? [],
    ask: s?.y[1] ?? [],
    last: s?.y[2] ?? [],
    markersTotal: m.total,
    markers: m.markers.map((k) => ({ x: sec(k.off), seq: k.seq, type: k.type, symbol: k.symbol ?? null, side: k.side ?? null, price: k.price ?? null, text: k.text })),
  };
}

async function compare(catalog: Catalog, q: URLSearchParams): Promise<unknown> {
  const a = catalog.get(q.get('a') ?? '');
  const b = catalog.get(q.get('b') ?? '');
  const d = diffRecordings(a.dir, b.dir);
  const [ra, rb] = await Promise.all([catalog.report(a.id), catalog.report(b.id)]);
  const first = d.identical ? null : d.first;
  const at = first ? (first.a ?? first.b)! : null;
  return {
    a: { id: a.id, name: a.name },
    b: { id: b.id, name: b.name },
    identical: d.identical,
    counts: d.counts,
    first: first ? toJsonValue(first) : null,
    firstTs: at ? at.ts.toString() : null,
    firstTsIso: at ? formatTsIso(at.ts) : null,
    firstX: at ? Number(at.ts) / 1e9 : null,
    curves: [ra, rb].map((r) => (r ? { x: r.x, equity: r.equity, netPnl: r.finalNetPnl } : null)),
  };
}

/** ?symbol= (whose books to show) and ?depth= of a deck request. */
function deckOptions(q: URLSearchParams): DeckStateOptions {
  const symbol = q.get('symbol');
  const depth = q.get('depth');
  return { ...(symbol ? { symbol } : {}), ...(depth !== null ? { depth: Number(depth) } : {}) };
}

/** Answers one API request with a JSON-able value (errors are thrown as TapedeckErrors). */
export async function handleApi(catalog: Catalog, req: ApiRequest): Promise<unknown> {
  const [head, id, what, ...rest] = req.parts;
  const get = req.method === 'GET' || req.method === 'HEAD';
  if (head === 'recordings' && id === undefined && get) return list(catalog);
  if (head === 'compare' && id === undefined && get) return compare(catalog, req.query);
  if (head === 'recordings' && id !== undefined && what !== undefined && rest.length === 0) {
    const entry = catalog.get(id);
    if (get) {
      switch (what) {
        case 'info':
          return info(entry);
        case 'chart':
          return chart(entry, req.query);
        case 'live':
          return statsJson(entry.live());
        case 'verify':
          return entry.verify.get();
        case 'deck':
          return entry.deck().state(deckOptions(req.query));
        case 'backtest': {
          const r = await catalog.report(entry.id);
          if (!r) throw new TapedeckError('NOT_FOUND', `${entry.name} is not a backtest output (no manifest)`, {});
          const byDir = new Map(catalog.entries.map((e) => [e.dir, e]));
          // Served recordings are named by id and by the name they were given, never by their real path.
          return { ...r, inputsUsed: r.inputsUsed.map((d) => byDir.get(d)?.name ?? '?'), inputIds: r.inputsUsed.map((d) => byDir.get(d)?.id ?? null) };
        }
      }
    } else if (req.method === 'POST') {
      if (what === 'verify') return entry.verify.start();
      if (what === 'deck') {
        if (typeof req.body !== 'object' || req.body === null) badArg('a deck control is a JSON object {action, …}');
        return entry.deck().control(req.body as DeckControl, deckOptions(req.query));
      }
    }
  }
  throw new TapedeckError('NOT_FOUND', `no such API route: ${req.method} /api/${req.parts.map((p) => p.slice(0, 40)).join('/')}`, {});
}
