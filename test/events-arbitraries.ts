/**
 * fast-check arbitraries of valid events, in validated form (NFC strings, no -0, canonical keys,
 * no seq), for anyone's property tests: `arbEvent`, `arbEventOf('fill')`, and the field pieces.
 */
import fc from 'fast-check';
import { Decimal } from '../src/events/decimal.js';
import type {
  BookEvent,
  InstrumentEvent,
  BarEvent,
  EventType,
  FillEvent,
  FlatMap,
  OrderEvent,
  RiskEvent,
  SignalEvent,
  SystemEvent,
  TapeEvent,
  TickEvent,
} from '../src/events/types.js';

const INT64_MAX = 0x7fffffffffffffffn;
const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const noNegZero = (x: number) => (x === 0 ? 0 : x);

/** Any well-formed NFC string (full Unicode, some ASCII-heavy), optionally non-empty. */
export const arbText = (minLength = 0): fc.Arbitrary<string> =>
  fc
    .oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ unit: 'grapheme-ascii', maxLength: 12 }), fc.string({ maxLength: 70 }))
    .map((s) => s.normalize('NFC'))
    .filter((s) => s.length >= minLength && !LONE.test(s));
export const arbId = (): fc.Arbitrary<string> =>
  fc.oneof(fc.constantFrom('XNAS', 'AAPL', 'run-1', 'o-1', 'mm'), arbText(1));

/** Finite doubles with small integers, large integers and fractions all well represented. */
export const arbNum = (): fc.Arbitrary<number> =>
  fc
    .oneof(
      fc.integer({ min: -200, max: 200 }),
      fc.integer(),
      fc.maxSafeInteger(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constantFrom(190.12, 0.1, 1e21, -1e-7, 2 ** 32, 2 ** 31, -(2 ** 31) - 1, 2 ** 53),
    )
    .map(noNegZero);
export const arbNonNeg = (): fc.Arbitrary<number> => arbNum().map(Math.abs).map(noNegZero);

/** Exact decimals: small and int64-sized mantissas, venue-like and extreme exponents. */
export const arbDecimal = (): fc.Arbitrary<Decimal> =>
  fc
    .tuple(
      fc.oneof(
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer(),
        fc.maxSafeInteger(),
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        fc.constantFrom(6183763000000, 2 ** 32, 2 ** 32 - 1, -(2 ** 31), -(2 ** 31) - 1, 123456789123456789n),
      ),
      fc.oneof(fc.integer({ min: -12, max: 2 }), fc.integer({ min: -128, max: 127 })),
    )
    .map(([m, e]) => new Decimal(m, e));
const absDec = (d: Decimal) => (d.mantissa < 0 ? new Decimal(typeof d.mantissa === 'bigint' ? -d.mantissa : -d.mantissa, d.exponent) : d);
/** A price: a double or an exact decimal. */
export const arbPx = (): fc.Arbitrary<number | Decimal> => fc.oneof(arbNum(), arbDecimal());
export const arbPxNonNeg = (): fc.Arbitrary<number | Decimal> =>
  fc.oneof(arbNonNeg(), arbDecimal().filter((d) => d.bigMantissa !== -(2n ** 63n)).map(absDec));
export const arbPxPos = (): fc.Arbitrary<number | Decimal> => arbPxNonNeg().filter((x) => (typeof x === 'number' ? x > 0 : !x.isZero()));
export const arbPos = (): fc.Arbitrary<number> => arbNonNeg().filter((x) => x > 0);
export const arbNs = (): fc.Arbitrary<bigint> =>
  fc.oneof(fc.bigInt({ min: 0n, max: INT64_MAX }), fc.bigInt({ min: 1_600_000_000_000_000_000n, max: 1_800_000_000_000_000_000n }), fc.constantFrom(0n, INT64_MAX));
export const arbCount = (): fc.Arbitrary<number> => fc.oneof(fc.nat(1000), fc.maxSafeNat());
export const arbFlatMap = (): fc.Arbitrary<FlatMap> =>
  fc.dictionary(
    fc.oneof(arbText(0), fc.constantFrom('9', '10', 'a', 'b', '\uE000', '\u{1F600}')).filter((k) => k !== '__proto__'),
    fc.oneof(arbText(0), arbNum()),
    { maxKeys: 6, noNullPrototype: true },
  );
const side = () => fc.constantFrom('buy' as const, 'sell' as const);

const base = {
  ts: arbNs(),
  runId: arbId(),
  cause: arbCount(),
};

function withType<T extends TapeEvent>(type: T['type'], rec: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<T> {
  return rec.map((r) => {
    const { ts, runId, cause, ...rest } = r;
    const ev: Record<string, unknown> = { type, ts, runId };
    if (cause !== undefined) ev.cause = cause;
    return Object.assign(ev, rest) as T;
  });
}

export const arbTick = (): fc.Arbitrary<TickEvent> =>
  withType(
    'tick',
    fc.record(
      {
        ...base,
        venue: arbId(),
        symbol: arbId(),
        bid: arbPx(),
        ask: arbPx(),
        bidSize: arbPxNonNeg(),
        askSize: arbPxNonNeg(),
        last: arbPx(),
        lastSize: arbPxNonNeg(),
        aggressor: side(),
        volume: arbPxNonNeg(),
        exchTs: arbNs(),
        tradeId: arbId(),
        venueSeq: arbCount(),
      },
      { requiredKeys: ['ts', 'runId', 'venue', 'symbol'] },
    ),
  );

export const arbOrder = (): fc.Arbitrary<OrderEvent> =>
  withType(
    'order',
    fc.record(
      {
        ...base,
        orderId: arbId(),
        venue: arbId(),
        symbol: arbId(),
        side: side(),
        kind: fc.constantFrom('market' as const, 'limit' as const, 'stop' as const),
        action: fc.constantFrom('new' as const, 'cancel' as const, 'replace' as const, 'ack' as const, 'reject' as const, 'expire' as const),
        price: arbPos(),
        qty: arbPos(),
        tif: arbId(),
        strategy: arbId(),
        reason: arbText(),
      },
      { requiredKeys: ['ts', 'runId', 'orderId', 'venue', 'symbol', 'side', 'kind', 'action', 'qty'] },
    ),
  );

export const arbFill = (): fc.Arbitrary<FillEvent> =>
  withType(
    'fill',
    fc.record(
      {
        ...base,
        fillId: arbId(),
        orderId: arbId(),
        venue: arbId(),
        symbol: arbId(),
        side: side(),
        price: arbPos(),
        qty: arbPos(),
        fee: arbNum(),
        liquidity: fc.constantFrom('maker' as const, 'taker' as const),
      },
      { requiredKeys: ['ts', 'runId', 'fillId', 'orderId', 'venue', 'symbol', 'side', 'price', 'qty'] },
    ),
  );

export const arbSignal = (): fc.Arbitrary<SignalEvent> =>
  withType(
    'signal',
    fc.record(
      { ...base, strategy: arbId(), symbol: arbId(), name: arbId(), value: arbNum(), meta: arbFlatMap() },
      { requiredKeys: ['ts', 'runId', 'strategy', 'symbol', 'name', 'value'] },
    ),
  );

export const arbRisk = (): fc.Arbitrary<RiskEvent> =>
  withType(
    'risk',
    fc.record(
      {
        ...base,
        rule: arbId(),
        severity: fc.constantFrom('info' as const, 'warn' as const, 'block' as const, 'kill' as const),
        symbol: arbId(),
        detail: arbText(),
        value: arbNum(),
        limit: arbNum(),
      },
      { requiredKeys: ['ts', 'runId', 'rule', 'severity', 'detail'] },
    ),
  );

export const arbSystem = (): fc.Arbitrary<SystemEvent> =>
  withType(
    'system',
    fc.record(
      {
        ...base,
        kind: fc.constantFrom(
          'session-start' as const,
          'session-end' as const,
          'gap' as const,
          'reconnect' as const,
          'heartbeat' as const,
          'reject' as const,
          'checkpoint' as const,
          'note' as const,
        ),
        message: arbText(),
        data: arbFlatMap(),
      },
      { requiredKeys: ['ts', 'runId', 'kind', 'message'] },
    ),
  );

export const arbBook = (): fc.Arbitrary<BookEvent> =>
  withType(
    'book',
    fc.record(
      {
        ...base,
        venue: arbId(),
        symbol: arbId(),
        action: fc.constantFrom('set' as const, 'clear' as const, 'add' as const, 'modify' as const, 'cancel' as const, 'fill' as const, 'trade' as const),
        side: fc.constantFrom('bid' as const, 'ask' as const),
        price: arbPx(),
        size: arbPxNonNeg(),
        flags: fc.integer({ min: 0, max: 255 }),
        exchTs: arbNs(),
        venueSeq: arbCount(),
        venueSeqFirst: arbCount(),
        venueSeqPrev: arbCount(),
        orderId: arbId(),
        checksum: arbCount(),
        tsInDelta: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        channel: fc.integer({ min: 0, max: 255 }),
        depth: fc.integer({ min: 0, max: 255 }),
        tsOut: arbNs(),
      },
      { requiredKeys: ['ts', 'runId', 'venue', 'symbol', 'action'] },
    ),
  );

export const arbInstrument = (): fc.Arbitrary<InstrumentEvent> =>
  withType(
    'instrument',
    fc.record(
      {
        ...base,
        venue: arbId(),
        symbol: arbId(),
        kind: arbId(),
        base: arbId(),
        quote: arbId(),
        tickSize: arbPxPos(),
        lotSize: arbPxPos(),
        minSize: arbPxNonNeg(),
        priceScale: arbCount(),
        sizeScale: arbCount(),
        instrumentId: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        publisherId: fc.integer({ min: 0, max: 65535 }),
      },
      { requiredKeys: ['ts', 'runId', 'venue', 'symbol'] },
    ),
  );

export const arbBar = (): fc.Arbitrary<BarEvent> =>
  withType(
    'bar',
    fc.record(
      {
        ...base,
        venue: arbId(),
        symbol: arbId(),
        interval: fc.constantFrom('1s', '1m', '1h', '1d', 'eod', '5m'),
        open: arbPx(),
        high: arbPx(),
        low: arbPx(),
        close: arbPx(),
        volume: arbPxNonNeg(),
        start: arbNs(),
      },
      { requiredKeys: ['ts', 'runId', 'venue', 'symbol', 'interval', 'open', 'high', 'low', 'close', 'volume', 'start'] },
    ),
  );

const BY_TYPE: { [T in EventType]: () => fc.Arbitrary<TapeEvent> } = {
  tick: arbTick,
  order: arbOrder,
  fill: arbFill,
  signal: arbSignal,
  risk: arbRisk,
  system: arbSystem,
  book: arbBook,
  instrument: arbInstrument,
  bar: arbBar,
};

export const arbEventOf = (type: EventType): fc.Arbitrary<TapeEvent> => BY_TYPE[type]();
export const arbEvent = (): fc.Arbitrary<TapeEvent> =>
  fc.oneof(arbTick(), arbOrder(), arbFill(), arbSignal(), arbRisk(), arbSystem(), arbBook(), arbInstrument(), arbBar());
