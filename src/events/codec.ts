/**
 * Canonical binary payloads (the bytes after a log frame's seq, ts and type tag). Layout, per
 * docs/EVENTS.md: a MessagePack array [runId, cause, ...fields in declared order], absent optional
 * fields as nil, trailing nils trimmed. Encoding assumes a validated event (validateEvent).
 */
import { FLOAT32_OPTIONS, Packr, type Options } from 'msgpackr';
import { TapedeckError } from '../errors.js';
import { Decimal, DECIMAL_EXPONENT_MAX, DECIMAL_EXPONENT_MIN } from './decimal.js';
import type { PayloadEncoder } from '../log/log.js';
import { fastDecodePayload, fastDecodeRange } from './fast-decode.js';
import { encodePayloadInto, NO_ROOM, OUT_OF_SUBSET, specFor } from './fast-encode.js';
import { compareCodePoints, INT64_MAX, SPECS, type TypeSpec } from './schema.js';
import { TAG_TYPE, TYPE_TAG, type EventType, type FlatMap, type TapeEvent } from './types.js';
import { validateEvent } from './validate.js';

/** A payload that cannot be decoded: unknown tag (code BAD_INPUT) or malformed bytes (CORRUPT_FRAME). */
export class PayloadError extends TapedeckError {
  readonly tag: number;
  readonly seq: number | undefined;
  readonly reason: string;
  constructor(code: 'BAD_INPUT' | 'CORRUPT_FRAME', tag: number, reason: string, seq?: number, cause?: unknown) {
    super(code, `payload${seq === undefined ? '' : ` of seq ${seq}`} (tag ${tag}): ${reason}`, { tag, seq, reason }, { cause });
    this.name = 'PayloadError';
    this.tag = tag;
    this.seq = seq;
    this.reason = reason;
  }
}

/**
 * Every msgpackr option that could change the bytes, spelled out: plain MessagePack only (no
 * records, shared structures, bundles or extensions), doubles never narrowed to float32, int64
 * decoded as bigint so ts values stay exact. Changing any of these changes the stored format.
 */
export const PACKR_OPTIONS: Readonly<Options> = Object.freeze({
  useRecords: false,
  sequential: false,
  structuredClone: false,
  moreTypes: false,
  bundleStrings: false,
  mapsAsObjects: true,
  variableMapSize: true,
  coercibleKeyAsNumber: false,
  useFloat32: FLOAT32_OPTIONS.NEVER,
  useTimestamp32: false,
  largeBigIntToFloat: false,
  largeBigIntToString: false,
  useBigIntExtension: false,
  encodeUndefinedAsNil: false,
  int64AsType: 'bigint',
  copyBuffers: false,
  mapAsEmptyObject: false,
  setAsEmptyObject: false,
  allowArraysInMapKeys: false,
  useToJSON: false,
});

export function isKnownTag(tag: number): boolean {
  return TAG_TYPE.has(tag);
}

export interface EncodedEvent {
  type: number;
  tsNs: bigint;
  payload: Buffer;
}

export interface EventCodec {
  encodePayload(ev: TapeEvent): Buffer;
  decodePayload(tag: number, payload: Uint8Array, seq: number, ts: bigint): TapeEvent;
  encodeEvent(ev: TapeEvent): EncodedEvent;
  /** True when the payload decodes to a valid event that re-encodes to exactly these bytes. */
  isCanonicalPayload(tag: number, payload: Uint8Array): boolean;
}

/**
 * Map keys in code point order. A validated map usually already iterates in that order and is
 * packed as is (msgpackr writes Object.keys order); integer-like keys ("10" before "9") are
 * reordered by JS objects, so those maps go through a Map, which keeps insertion order.
 */
function canonicalMap(m: FlatMap): FlatMap | Map<string, string | number> {
  const keys = Object.keys(m);
  let sorted = true;
  for (let i = 1; i < keys.length; i++) {
    if (compareCodePoints(keys[i - 1]!, keys[i]!) >= 0) {
      sorted = false;
      break;
    }
  }
  if (sorted && Object.getPrototypeOf(m) === Object.prototype) return m;
  const out = new Map<string, string | number>();
  for (const k of keys.sort(compareCodePoints)) out.set(k, m[k] as string | number);
  return out;
}

/**
 * A Decimal as MessagePack: fixarray(2) [mantissa, exponent]. The mantissa in the smallest int form
 * when it is in -2^31..2^32-1 (msgpackr picks that form for a number), else int64 0xd3 (msgpackr
 * writes a bigint so); the exponent as a fixint or int8.
 */
function decimalItem(x: Decimal): [number | bigint, number] {
  const m = x.mantissa;
  if (typeof m === 'number' && m >= -0x80000000 && m <= 0xffffffff) return [m, x.exponent];
  return [BigInt(m), x.exponent];
}

/** The Decimal of a decoded [mantissa, exponent] item, or undefined if it is not one. */
function decimalOf(v: unknown): Decimal | undefined {
  if (!Array.isArray(v) || v.length !== 2) return undefined;
  const [m, e] = v as [unknown, unknown];
  if (typeof e !== 'number' || !Number.isInteger(e) || e < DECIMAL_EXPONENT_MIN || e > DECIMAL_EXPONENT_MAX) return undefined;
  // A uint64 item above int64 (a corrupt payload) is not a decimal: refused here as bad payload, not thrown as a RangeError.
  if (typeof m === 'bigint') return m >= -INT64_MAX - 1n && m <= INT64_MAX ? new Decimal(m, e) : undefined;
  if (typeof m === 'number' && Number.isSafeInteger(m)) return new Decimal(m, e);
  return undefined;
}

function validValue(kind: string, v: unknown, values: ReadonlySet<string> | undefined): boolean {
  switch (kind) {
    case 'uint':
      return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
    case 'id':
      return typeof v === 'string' && v.length > 0;
    case 'text':
      return typeof v === 'string';
    case 'enum':
      return typeof v === 'string' && values!.has(v);
    case 'num':
      return typeof v === 'number' && Number.isFinite(v);
    case 'nonneg':
      return typeof v === 'number' && Number.isFinite(v) && v >= 0;
    case 'pos':
      return typeof v === 'number' && Number.isFinite(v) && v > 0;
    case 'ns':
      return typeof v === 'bigint' && v >= 0n && v <= INT64_MAX;
    case 'map': {
      if (typeof v !== 'object' || v === null || Array.isArray(v) || Object.getPrototypeOf(v) !== Object.prototype) return false;
      for (const k in v) {
        const x = (v as Record<string, unknown>)[k];
        if (typeof x !== 'string' && !(typeof x === 'number' && Number.isFinite(x))) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/** A fresh codec with its own msgpackr instance: encoders built this way must agree byte for byte. */
export function createCodec(): EventCodec {
  return buildCodec().codec;
}

type DecodeFn = (tag: number, payload: Uint8Array, seq: number, ts: bigint) => TapeEvent;

/** Bytes of the slab encodePayload hands out views of, and the least room it starts a payload in. */
const SLAB_BYTES = 16 * 1024;
const SLAB_MIN_ROOM = 1024;

function buildCodec(): { codec: EventCodec; decodeGeneric: DecodeFn; encodeGeneric: (ev: TapeEvent) => Buffer; payloadEncoder: PayloadEncoder<TapeEvent> } {
  const packr = new Packr({ ...PACKR_OPTIONS });
  // One scratch array per codec: the positional payload is rebuilt in place on every encode.
  const scratch: unknown[] = [];

  /**
   * The hand-written encoder (fast-encode.ts) writes the payload into a slab and hands out a view
   * of it, as msgpackr hands out views of its own buffer; values outside its subset go through
   * msgpackr, whose bytes it matches exactly.
   */
  let slab = Buffer.allocUnsafe(SLAB_BYTES);
  let slabUsed = 0;
  function encodePayload(ev: TapeEvent): Buffer {
    for (;;) {
      if (slab.length - slabUsed < SLAB_MIN_ROOM) {
        slab = Buffer.allocUnsafe(SLAB_BYTES);
        slabUsed = 0;
      }
      const stop = encodePayloadInto(ev, slab, slabUsed, slab.length);
      if (stop >= 0) {
        const b = slab.subarray(slabUsed, stop);
        slabUsed = stop;
        return b;
      }
      if (stop === OUT_OF_SUBSET || slabUsed === 0) return encodeGeneric(ev);
      slabUsed = slab.length; // no room left: the next turn takes a fresh slab
    }
  }

  /** The encoder a log writes through: straight into its buffer, msgpackr for what the fast path leaves. */
  const payloadEncoder: PayloadEncoder<TapeEvent> = {
    encodeInto(ev, buf, start, end) {
      const stop = encodePayloadInto(ev, buf, start, end);
      if (stop !== OUT_OF_SUBSET) return stop;
      const b = encodeGeneric(ev);
      if (b.length > end - start) return NO_ROOM;
      buf.set(b, start);
      return start + b.length;
    },
    encode: encodePayload,
  };

  /** The msgpackr encoder: the reference bytes of encodePayload. */
  function encodeGeneric(ev: TapeEvent): Buffer {
    const spec: TypeSpec = specFor(ev);
    const rec = ev as unknown as Record<string, unknown>;
    const fields = spec.fields;
    scratch[0] = ev.runId;
    scratch[1] = ev.cause ?? null;
    let len = 2;
    for (let i = 0; i < fields.length; i++) {
      const fs = fields[i]!;
      const v = rec[fs.name];
      if (v === undefined) {
        scratch[i + 2] = null;
      } else {
        scratch[i + 2] = fs.kind === 'map' ? canonicalMap(v as FlatMap) : v instanceof Decimal ? decimalItem(v) : v;
        len = i + 3; // trailing nils are trimmed
      }
    }
    scratch.length = len;
    try {
      return packr.pack(scratch);
    } finally {
      scratch.length = 0; // don't keep the event's strings alive
    }
  }

  /**
   * The hand-written decoder (fast-decode.ts) takes the payloads it can prove are plain in-subset
   * ones and returns exactly what the msgpackr path below would; anything else (malformed bytes,
   * non-canonical but decodable forms, unknown tags) goes through msgpackr, which decides.
   */
  function decodePayload(tag: number, payload: Uint8Array, seq: number, ts: bigint): TapeEvent {
    return fastDecodePayload(tag, payload, seq, ts) ?? decodeGeneric(tag, payload, seq, ts);
  }

  /** The msgpackr-based decoder: the reference behaviour (values, errors) of decodePayload. */
  function decodeGeneric(tag: number, payload: Uint8Array, seq: number, ts: bigint): TapeEvent {
    const type: EventType | undefined = TAG_TYPE.get(tag);
    if (type === undefined) throw new PayloadError('BAD_INPUT', tag, 'unknown event type tag', seq);
    const bad = (reason: string, cause?: unknown) => new PayloadError('CORRUPT_FRAME', tag, reason, seq, cause);
    if (typeof ts !== 'bigint' || ts < 0n || ts > INT64_MAX) throw bad(`ts ${String(ts)} is outside 0..2^63-1`);
    let arr: unknown;
    try {
      arr = packr.unpack(payload);
    } catch (e) {
      throw bad(`not MessagePack: ${e instanceof Error ? e.message : String(e)}`, e);
    }
    const spec = SPECS[type];
    if (!Array.isArray(arr)) throw bad('not a MessagePack array');
    const n = arr.length;
    if (n < spec.minLen || n > spec.maxLen) throw bad(`array of ${n} items, expected ${spec.minLen}..${spec.maxLen}`);
    if (n > spec.minLen && arr[n - 1] === null) throw bad('trailing nil not trimmed');
    const runId = arr[0];
    if (typeof runId !== 'string' || runId.length === 0) throw bad('runId is not a non-empty string');
    const cause = arr[1];
    const out: Record<string, unknown> = { type, ts, runId, seq };
    if (cause !== null) {
      if (typeof cause !== 'number' || !Number.isSafeInteger(cause) || cause < 0) throw bad('cause is not a non-negative integer');
      out.cause = cause;
    }
    const fields = spec.fields;
    for (let i = 2; i < n; i++) {
      const fs = fields[i - 2]!;
      const v = arr[i];
      if (v === null) {
        if (!fs.optional) throw bad(`required field ${fs.name} is nil`);
        continue;
      }
      if (fs.dec === true && Array.isArray(v)) {
        const x = decimalOf(v);
        if (x === undefined) throw bad(`field ${fs.name} is not a decimal [mantissa, exponent]`);
        if ((fs.kind === 'nonneg' && x.mantissa < 0) || (fs.kind === 'pos' && x.mantissa <= 0)) throw bad(`field ${fs.name} has an invalid value`);
        out[fs.name] = x;
        continue;
      }
      if (!validValue(fs.kind, v, fs.values)) throw bad(`field ${fs.name} has an invalid value`);
      out[fs.name] = v;
    }
    return out as unknown as TapeEvent;
  }

  function encodeEvent(ev: TapeEvent): EncodedEvent {
    return { type: TYPE_TAG[ev.type], tsNs: ev.ts, payload: encodePayload(ev) };
  }

  function isCanonicalPayload(tag: number, payload: Uint8Array): boolean {
    let again: Buffer;
    try {
      // Full validation catches what the fast decode path trusts: NFC, lone surrogates, "__proto__".
      const ev = validateEvent(decodePayload(tag, payload, 0, 0n));
      again = encodePayload(ev);
    } catch {
      return false;
    }
    return Buffer.compare(again, payload) === 0;
  }

  return { codec: { encodePayload, decodePayload, encodeEvent, isCanonicalPayload }, decodeGeneric, encodeGeneric, payloadEncoder };
}

const built = buildCodec();
const shared = built.codec;

/** The payload bytes of a validated event. */
export const encodePayload: (ev: TapeEvent) => Buffer = shared.encodePayload;
/** The event stored under a frame's tag, seq and ts. Throws PayloadError (typed, with code). */
/**
 * Decodes the payload at buf[start, stop) (a reader's chunk): the fast path reads it in place; only
 * a payload outside the canonical subset gets a view, for the generic decoder.
 */
export function decodePayloadAt(tag: number, buf: Buffer, start: number, stop: number, seq: number, ts: bigint): TapeEvent {
  return fastDecodeRange(tag, buf, start, stop, seq, ts) ?? decodePayload(tag, buf.subarray(start, stop), seq, ts);
}

export const decodePayload: (tag: number, payload: Uint8Array, seq: number, ts: bigint) => TapeEvent =
  shared.decodePayload;
/** Frame fields (type tag, ts) and payload of a validated event; seq is the log's to assign. */
export const encodeEvent: (ev: TapeEvent) => EncodedEvent = shared.encodeEvent;
export const isCanonicalPayload: (tag: number, payload: Uint8Array) => boolean = shared.isCanonicalPayload;
/**
 * decodePayload without the hand-written fast path (msgpackr unpack, then per-field checks): same
 * results and errors, slower. For tests and benchmarks; not re-exported from the package.
 */
export const decodePayloadGeneric: (tag: number, payload: Uint8Array, seq: number, ts: bigint) => TapeEvent = built.decodeGeneric;
/** encodePayload through msgpackr alone: the reference bytes. For tests and benchmarks; not re-exported. */
export const encodePayloadGeneric: (ev: TapeEvent) => Buffer = built.encodeGeneric;
/** How writeEvent hands an event to the log: encoded straight into the log's write buffer. */
export const eventPayloadEncoder: PayloadEncoder<TapeEvent> = built.payloadEncoder;
