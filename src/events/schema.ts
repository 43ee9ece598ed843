/**
 * The field table of every event type: one source of truth for validation, canonical JSON key
 * order and the positional binary layout. The order of each list is the declared order in
 * types.ts and is part of the stored format: new optional fields may only be appended.
 */
import type { EventBase, EventOf, EventType } from './types.js';

/**
 * id: non-empty string · text: any string · enum: one of `values` · num: finite number ·
 * nonneg: finite ≥ 0 · pos: finite > 0 · ns: int64 bigint ≥ 0 · map: flat map of string | number ·
 * uint: non-negative safe integer. A num/nonneg/pos field marked `dec` also takes an exact Decimal.
 */
export type FieldKind = 'id' | 'text' | 'enum' | 'num' | 'nonneg' | 'pos' | 'ns' | 'map' | 'uint';

export interface FieldSpec<N extends string = string> {
  readonly name: N;
  readonly kind: FieldKind;
  readonly optional: boolean;
  readonly values?: ReadonlySet<string>;
  /** A price or size: a Decimal (schema v2) or a number. */
  readonly dec?: true;
}

type FieldName<T extends EventType> = Exclude<keyof EventOf<T>, keyof EventBase | 'type'> & string;

export interface TypeSpec {
  readonly fields: readonly FieldSpec[];
  /** Every own key an event of this type may carry (base keys included). */
  readonly allowed: ReadonlySet<string>;
  /** Payload array bounds: [runId, cause, ...fields] up to the last required field / all fields. */
  readonly minLen: number;
  readonly maxLen: number;
}

const SIDES = new Set(['buy', 'sell']);

function f<T extends EventType>(
  _type: T,
  name: FieldName<T>,
  kind: FieldKind,
  optional = false,
  values?: readonly string[],
): FieldSpec {
  return values ? { name, kind, optional, values: new Set(values) } : { name, kind, optional };
}

/** A price or size field: number or exact Decimal. */
function d<T extends EventType>(type: T, name: FieldName<T>, kind: 'num' | 'nonneg' | 'pos', optional = false): FieldSpec {
  return { ...f(type, name, kind, optional), dec: true };
}

const FIELD_LISTS: { readonly [T in EventType]: readonly FieldSpec[] } = {
  tick: [
    f('tick', 'venue', 'id'),
    f('tick', 'symbol', 'id'),
    d('tick', 'bid', 'num', true),
    d('tick', 'ask', 'num', true),
    d('tick', 'bidSize', 'nonneg', true),
    d('tick', 'askSize', 'nonneg', true),
    d('tick', 'last', 'num', true),
    d('tick', 'lastSize', 'nonneg', true),
    f('tick', 'aggressor', 'enum', true, [...SIDES]),
    d('tick', 'volume', 'nonneg', true),
    f('tick', 'exchTs', 'ns', true),
    // schema v2
    f('tick', 'tradeId', 'id', true),
    f('tick', 'venueSeq', 'uint', true),
  ],
  order: [
    f('order', 'orderId', 'id'),
    f('order', 'venue', 'id'),
    f('order', 'symbol', 'id'),
    f('order', 'side', 'enum', false, [...SIDES]),
    f('order', 'kind', 'enum', false, ['market', 'limit', 'stop']),
    f('order', 'action', 'enum', false, ['new', 'cancel', 'replace', 'ack', 'reject', 'expire']),
    f('order', 'price', 'pos', true),
    f('order', 'qty', 'pos'),
    f('order', 'tif', 'id', true),
    f('order', 'strategy', 'id', true),
    f('order', 'reason', 'text', true),
  ],
  fill: [
    f('fill', 'fillId', 'id'),
    f('fill', 'orderId', 'id'),
    f('fill', 'venue', 'id'),
    f('fill', 'symbol', 'id'),
    f('fill', 'side', 'enum', false, [...SIDES]),
    f('fill', 'price', 'pos'),
    f('fill', 'qty', 'pos'),
    f('fill', 'fee', 'num', true),
    f('fill', 'liquidity', 'enum', true, ['maker', 'taker']),
  ],
  signal: [
    f('signal', 'strategy', 'id'),
    f('signal', 'symbol', 'id'),
    f('signal', 'name', 'id'),
    f('signal', 'value', 'num'),
    f('signal', 'meta', 'map', true),
  ],
  risk: [
    f('risk', 'rule', 'id'),
    f('risk', 'severity', 'enum', false, ['info', 'warn', 'block', 'kill']),
    f('risk', 'symbol', 'id', true),
    f('risk', 'detail', 'text'),
    f('risk', 'value', 'num', true),
    f('risk', 'limit', 'num', true),
  ],
  system: [
    f('system', 'kind', 'enum', false, [
      'session-start',
      'session-end',
      'gap',
      'reconnect',
      'heartbeat',
      'reject',
      'checkpoint',
      'note',
    ]),
    f('system', 'message', 'text'),
    f('system', 'data', 'map', true),
  ],
  // schema v2
  book: [
    f('book', 'venue', 'id'),
    f('book', 'symbol', 'id'),
    f('book', 'action', 'enum', false, ['set', 'clear', 'add', 'modify', 'cancel', 'fill', 'trade']),
    f('book', 'side', 'enum', true, ['bid', 'ask']),
    d('book', 'price', 'num', true),
    d('book', 'size', 'nonneg', true),
    f('book', 'flags', 'uint', true),
    f('book', 'exchTs', 'ns', true),
    f('book', 'venueSeq', 'uint', true),
    f('book', 'venueSeqFirst', 'uint', true),
    f('book', 'venueSeqPrev', 'uint', true),
    f('book', 'orderId', 'id', true),
    f('book', 'checksum', 'uint', true),
    f('book', 'tsInDelta', 'num', true),
    f('book', 'channel', 'uint', true),
    f('book', 'depth', 'uint', true),
    f('book', 'tsOut', 'ns', true),
  ],
  instrument: [
    f('instrument', 'venue', 'id'),
    f('instrument', 'symbol', 'id'),
    f('instrument', 'kind', 'id', true),
    f('instrument', 'base', 'id', true),
    f('instrument', 'quote', 'id', true),
    d('instrument', 'tickSize', 'pos', true),
    d('instrument', 'lotSize', 'pos', true),
    d('instrument', 'minSize', 'nonneg', true),
    f('instrument', 'priceScale', 'uint', true),
    f('instrument', 'sizeScale', 'uint', true),
    f('instrument', 'instrumentId', 'uint', true),
    f('instrument', 'publisherId', 'uint', true),
  ],
  bar: [
    f('bar', 'venue', 'id'),
    f('bar', 'symbol', 'id'),
    f('bar', 'interval', 'id'),
    d('bar', 'open', 'num'),
    d('bar', 'high', 'num'),
    d('bar', 'low', 'num'),
    d('bar', 'close', 'num'),
    d('bar', 'volume', 'nonneg'),
    f('bar', 'start', 'ns'),
  ],
};

/** Keys every event may carry, in canonical order (seq is the log's, see docs/EVENTS.md). */
export const BASE_KEYS = ['type', 'ts', 'runId', 'seq', 'cause'] as const;

function build(fields: readonly FieldSpec[]): TypeSpec {
  let lastRequired = -1;
  fields.forEach((fs, i) => {
    if (!fs.optional) lastRequired = i;
  });
  return {
    fields,
    allowed: new Set<string>([...BASE_KEYS, ...fields.map((fs) => fs.name)]),
    minLen: 2 + lastRequired + 1,
    maxLen: 2 + fields.length,
  };
}

export const SPECS: { readonly [T in EventType]: TypeSpec } = {
  tick: build(FIELD_LISTS.tick),
  order: build(FIELD_LISTS.order),
  fill: build(FIELD_LISTS.fill),
  signal: build(FIELD_LISTS.signal),
  risk: build(FIELD_LISTS.risk),
  system: build(FIELD_LISTS.system),
  book: build(FIELD_LISTS.book),
  instrument: build(FIELD_LISTS.instrument),
  bar: build(FIELD_LISTS.bar),
};

export function specOf(type: string): TypeSpec | undefined {
  return Object.prototype.hasOwnProperty.call(SPECS, type) ? SPECS[type as EventType] : undefined;
}

/** Largest ts/exchTs: int64 max (2262-04-11T23:47:16.854775807Z). */
export const INT64_MAX = 0x7fffffffffffffffn;

/** Lone UTF-16 surrogates cannot be encoded as UTF-8, so they would not round-trip. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export function isWellFormed(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/**
 * Code point order (= UTF-8 byte order), the canonical order of map keys. Plain `<` compares
 * UTF-16 code units, which puts U+E000..U+FFFF after astral characters.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) sort above the rest of the BMP.
    x = x >= 0xd800 && x <= 0xdfff ? x + 0x2000 : x >= 0xe000 ? x - 0x800 : x;
    y = y >= 0xd800 && y <= 0xdfff ? y + 0x2000 : y >= 0xe000 ? y - 0x800 : y;
    return x - y;
  }
  return a.length - b.length;
}

export function sortedKeys(map: object): string[] {
  return Object.keys(map).sort(compareCodePoints);
}
