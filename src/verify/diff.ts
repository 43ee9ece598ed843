/**
 * Comparing two recordings event by event (`tapedeck diff`, `verify --against`).
 *
 * Alignment realigns by ts and content, as diff(1) does by lines: both streams are in ts order, so
 * an event at a ts the other side does not have is deleted (only in a) or inserted (only in b);
 * at a ts both have, equal events pair up first (whatever their order within that ts), and what is
 * left pairs in order as changed, the rest deleted or inserted. One inserted event no longer turns
 * every later one into "changed". With `ts` ignored (--ignore-fields ts) there is no time to align
 * on, and the comparison is positional, as before. Memory: one ts group per side (at most
 * GROUP_MAX events compared pairwise; a larger group compares positionally).
 *
 * `seq` is not compared unless asked for: it is a position in a log, and a re-recorded range
 * starts at seq 0 where its source started at seq k, with identical events. Seqs are still
 * reported on both sides of a divergence.
 */
import { TapedeckError } from '../errors.js';
import { openRecording, type EventCursor, type EventReadOptions } from '../events/recording.js';
import { BASE_KEYS, SPECS } from '../events/schema.js';
import { EVENT_TYPES, type EventType, type TapeEvent } from '../events/types.js';

export interface DiffOptions {
  /** Only events of this run, on both sides. */
  runId?: string;
  types?: readonly EventType[];
  /** Inclusive ts bounds (ns), on both sides. */
  from?: bigint;
  to?: bigint;
  /** Fields left out of the comparison: any event field, or 'ts', 'runId', 'cause', 'seq', 'type'. */
  ignoreFields?: readonly string[];
  /** Compare seq too (off by default, see above). */
  compareSeq?: boolean;
  /** How many divergences to list (default 10; counts always cover all). */
  limit?: number;
}

export interface FieldDifference {
  field: string;
  /** The value on each side; undefined when the field is absent there. */
  a: unknown;
  b: unknown;
}

export interface EventRef {
  seq: number;
  ts: bigint;
  type: EventType;
}

export type DivergenceKind = 'changed' | 'deleted' | 'inserted';

export interface Divergence {
  /** changed: both sides have the event, with different fields; deleted: only in a; inserted: only in b. */
  kind: DivergenceKind;
  /** 0-based position in a's filtered stream (b's for an insertion). */
  index: number;
  /** Positions in each filtered stream (null on the side that lacks the event). */
  indexA: number | null;
  indexB: number | null;
  /** Null when that side has no event at this position (it ended). */
  a: EventRef | null;
  b: EventRef | null;
  /** The differing fields (empty when one side has ended). */
  fields: FieldDifference[];
}

export interface DiffCounts {
  /** Events in each filtered stream. */
  a: number;
  b: number;
  same: number;
  changed: number;
  onlyInA: number;
  onlyInB: number;
}

export type DiffResult =
  | { identical: true; counts: DiffCounts; divergences: [] }
  | { identical: false; first: Divergence; counts: DiffCounts; divergences: Divergence[] };

/** Events at one ts compared pairwise up to this many per side. */
const GROUP_MAX = 256;

/** One event of lookahead over a cursor, counting positions. */
class Ahead {
  private held: TapeEvent | null | undefined = undefined;
  index = 0;
  constructor(private readonly cursor: EventCursor) {}
  peek(): TapeEvent | null {
    if (this.held === undefined) this.held = this.cursor.next();
    return this.held;
  }
  next(): TapeEvent | null {
    const e = this.peek();
    this.held = undefined;
    if (e) this.index++;
    return e;
  }
  /** The events at the next event's ts (at most `max`). */
  group(max: number): TapeEvent[] {
    const first = this.peek();
    if (!first) return [];
    const out: TapeEvent[] = [];
    while (out.length < max && this.peek()?.ts === first.ts) out.push(this.next()!);
    return out;
  }
}

/** Every field name an event can have: what --ignore-fields accepts. */
export const KNOWN_FIELDS: ReadonlySet<string> = new Set<string>([
  ...BASE_KEYS,
  ...EVENT_TYPES.flatMap((t) => SPECS[t].fields.map((f) => f.name)),
]);

export function diffRecordings(a: string, b: string, opts: DiffOptions = {}): DiffResult {
  const ignore = new Set(opts.ignoreFields ?? []);
  for (const f of ignore) {
    if (!KNOWN_FIELDS.has(f)) {
      throw new TapedeckError('BAD_ARGUMENT', `--ignore-fields: "${f}" is not an event field (fields: ${[...KNOWN_FIELDS].join(', ')})`, { field: f });
    }
  }
  if (!opts.compareSeq) ignore.add('seq');
  const filters: EventReadOptions = { runId: opts.runId, types: opts.types, fromTs: opts.from, toTs: opts.to };
  const limit = opts.limit ?? 10;
  const ca = openRecording(a).cursor(filters);
  let cb: EventCursor | null = null;
  const counts: DiffCounts = { a: 0, b: 0, same: 0, changed: 0, onlyInA: 0, onlyInB: 0 };
  const divergences: Divergence[] = [];
  let first: Divergence | null = null;
  const note = (d: Divergence) => {
    first ??= d;
    if (divergences.length < limit) divergences.push(d);
  };
  const same = () => counts.same++;
  const changed = (ea: TapeEvent, ia: number, eb: TapeEvent, ib: number, fields: FieldDifference[]) => {
    counts.changed++;
    note({ kind: 'changed', index: ia, indexA: ia, indexB: ib, a: ref(ea), b: ref(eb), fields });
  };
  const deleted = (ea: TapeEvent, ia: number) => {
    counts.onlyInA++;
    note({ kind: 'deleted', index: ia, indexA: ia, indexB: null, a: ref(ea), b: null, fields: [] });
  };
  const inserted = (eb: TapeEvent, ib: number) => {
    counts.onlyInB++;
    note({ kind: 'inserted', index: ib, indexA: null, indexB: ib, a: null, b: ref(eb), fields: [] });
  };
  try {
    cb = openRecording(b).cursor(filters);
    const A = new Ahead(ca);
    const B = new Ahead(cb);
    if (ignore.has('ts')) {
      // Positional: no time to align on.
      for (;;) {
        const ia = A.index;
        const ib = B.index;
        const ea = A.next();
        const eb = B.next();
        if (ea === null && eb === null) break;
        if (ea && eb) {
          const fields = compareEvents(ea, eb, ignore);
          if (fields.length === 0) same();
          else changed(ea, ia, eb, ib, fields);
        } else if (ea) deleted(ea, ia);
        else inserted(eb!, ib);
      }
    } else {
      for (;;) {
        const pa = A.peek();
        const pb = B.peek();
        if (pa === null && pb === null) break;
        if (pb === null || (pa !== null && pa.ts < pb.ts)) {
          const ia = A.index;
          deleted(A.next()!, ia);
        } else if (pa === null || pb.ts < pa.ts) {
          const ib = B.index;
          inserted(B.next()!, ib);
        } else {
          const ia0 = A.index;
          const ib0 = B.index;
          const ga = A.group(GROUP_MAX);
          const gb = B.group(GROUP_MAX);
          // Equal events pair first, in order; then the rest pair in order as changed.
          const usedB = new Array<boolean>(gb.length).fill(false);
          const pairedA = new Array<boolean>(ga.length).fill(false);
          for (let i = 0; i < ga.length; i++) {
            for (let j = 0; j < gb.length; j++) {
              if (!usedB[j] && compareEvents(ga[i]!, gb[j]!, ignore).length === 0) {
                usedB[j] = true;
                pairedA[i] = true;
                same();
                break;
              }
            }
          }
          const restA = ga.map((e, i) => [e, ia0 + i] as const).filter((_, i) => !pairedA[i]);
          const restB = gb.map((e, j) => [e, ib0 + j] as const).filter((_, j) => !usedB[j]);
          const n = Math.min(restA.length, restB.length);
          for (let k = 0; k < n; k++) changed(restA[k]![0], restA[k]![1], restB[k]![0], restB[k]![1], compareEvents(restA[k]![0], restB[k]![0], ignore));
          for (let k = n; k < restA.length; k++) deleted(restA[k]![0], restA[k]![1]);
          for (let k = n; k < restB.length; k++) inserted(restB[k]![0], restB[k]![1]);
        }
      }
    }
    counts.a = A.index;
    counts.b = B.index;
  } finally {
    ca.close();
    cb?.close();
  }
  return first ? { identical: false, first, counts, divergences } : { identical: true, counts, divergences: [] };
}

function ref(ev: TapeEvent): EventRef {
  return { seq: ev.seq ?? -1, ts: ev.ts, type: ev.type };
}

/** The differing fields of two events, in canonical field order (base keys, then a's type's fields, then b's). */
export function compareEvents(a: TapeEvent, b: TapeEvent, ignore: ReadonlySet<string> = new Set(['seq'])): FieldDifference[] {
  const names: string[] = [...BASE_KEYS];
  for (const f of SPECS[a.type].fields) names.push(f.name);
  if (b.type !== a.type) for (const f of SPECS[b.type].fields) if (!names.includes(f.name)) names.push(f.name);
  const ra = a as unknown as Record<string, unknown>;
  const rb = b as unknown as Record<string, unknown>;
  const out: FieldDifference[] = [];
  for (const n of names) {
    if (ignore.has(n)) continue;
    if (!sameValue(ra[n], rb[n])) out.push({ field: n, a: ra[n], b: rb[n] });
  }
  return out;
}

/** Exact equality of event field values: -0 and 0 differ (they encode differently). */
function sameValue(x: unknown, y: unknown): boolean {
  if (Object.is(x, y)) return true;
  if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
  const kx = Object.keys(x);
  const ky = Object.keys(y);
  if (kx.length !== ky.length) return false;
  const ox = x as Record<string, unknown>;
  const oy = y as Record<string, unknown>;
  for (const k of kx) if (!Object.prototype.hasOwnProperty.call(oy, k) || !Object.is(ox[k], oy[k])) return false;
  return true;
}

/** A field value for people: strings quoted, ns exact, -0 kept, absent spelled out. */
export function formatFieldValue(v: unknown): string {
  if (v === undefined) return '(absent)';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  return JSON.stringify(toJsonValue(v));
}

/** A JSON-safe copy: bigint → decimal string, undefined → null, -0 → "-0". */
export function toJsonValue(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : v;
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (typeof v === 'object' && v !== null) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = toJsonValue(x);
    return o;
  }
  return v;
}
