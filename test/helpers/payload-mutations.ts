/**
 * Damaged and odd payloads for the tests of the hand-written payload readers (fast-decode,
 * json-transcode) against the msgpackr path: byte mutations and values of every MessagePack kind.
 */
import fc from 'fast-check';

const INTERESTING = [
  0x00, 0x01, 0x7f, 0x80, 0x81, 0x8f, 0x90, 0x9f, 0xa0, 0xa1, 0xbf, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc7, 0xca, 0xcb, 0xcc,
  0xcd, 0xce, 0xcf, 0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd9, 0xda, 0xdb, 0xdc, 0xde, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xff,
];

export const arbMutation = fc.tuple(fc.nat(), fc.nat(255), fc.nat(5));

export function mutate(bytes: Uint8Array, muts: [number, number, number][]): Uint8Array {
  let b = Array.from(bytes);
  for (const [at, v, op] of muts) {
    const i = b.length === 0 ? 0 : at % (b.length + (op === 1 ? 1 : 0));
    switch (op) {
      case 0: // overwrite
        if (b.length) b[i] = v;
        break;
      case 1: // insert
        b.splice(i, 0, v);
        break;
      case 2: // delete
        b.splice(i, 1);
        break;
      case 3: // truncate
        b = b.slice(0, i);
        break;
      case 4: // overwrite with a MessagePack type byte
        if (b.length) b[i] = INTERESTING[v % INTERESTING.length]!;
        break;
      default: // flip one bit
        if (b.length) b[i] = b[i]! ^ (1 << (v & 7));
    }
  }
  return Uint8Array.from(b);
}

/** Values of every MessagePack kind the payload could hold (and some it never does). */
export const arbAnyValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constant(null),
    fc.constantFrom('', 'buy', 'sell', 'limit', 'new', 'maker', 'warn', 'note', 'XNAS', '__proto__', '\uFEFFx', 'e\u0301'),
    fc.string({ maxLength: 20 }),
    fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }),
    fc.constantFrom(0, -1, -0, 1.5, -1.5, 2 ** 53, 2 ** 53 - 1, NaN, Infinity, -Infinity, 1e300),
    fc.double(),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    fc.boolean(),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 5 }), fc.constant('__proto__')), fc.oneof(fc.string({ maxLength: 5 }), fc.double(), fc.constant(null), fc.boolean()), { maxKeys: 3, noNullPrototype: true }),
    fc.array(fc.integer(), { maxLength: 2 }),
    fc.uint8Array({ maxLength: 3 }),
  );

