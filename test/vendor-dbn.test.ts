/**
 * DBN codec: every test file of Databento's `dbn` repository (v1, v2, v3; plain and zstd) decodes
 * with the counts and field values below, and re-encodes to the same bytes; streaming in any
 * chunking gives the same records; truncation and corruption fail with the byte offset.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openBytes } from '../src/vendor/bytes.js';
import { DbnDecoder } from '../src/vendor/dbn/decoder.js';
import { recordBytes, type DbnVersion, type RecordKind } from '../src/vendor/dbn/layout.js';
import { decodeMetadata, encodeMetadata, type DbnMetadata } from '../src/vendor/dbn/metadata.js';
import { encodeRecord, encodedBytes, type DbnRecord } from '../src/vendor/dbn/record.js';
import { SymbolMap } from '../src/vendor/dbn/symbology.js';
import { TapedeckError } from '../src/errors.js';
import { fixture, SHARED_DATA } from './record-helpers.js';

const FIX = fixture('dbn');
const SHARED_DBN = path.join(SHARED_DATA, 'dbn');

async function readAll(file: string): Promise<{ bytes: Buffer; compression: string }> {
  const inp = openBytes(file);
  const parts: Buffer[] = [];
  for await (const c of inp.chunks()) parts.push(Buffer.from(c));
  return { bytes: Buffer.concat(parts), compression: inp.compression };
}

function decodeChunked(bytes: Uint8Array, chunkBytes: number, name = 'x'): { md: DbnMetadata; recs: DbnRecord[]; d: DbnDecoder } {
  const d = new DbnDecoder(name);
  const recs: DbnRecord[] = [];
  for (let i = 0; i < bytes.length; i += chunkBytes) recs.push(...d.push(bytes.subarray(i, i + chunkBytes)));
  d.end();
  return { md: d.metadata!, recs, d };
}

function reencode(md: DbnMetadata, recs: DbnRecord[]): Buffer {
  const parts = [encodeMetadata(md)];
  for (const r of recs) {
    const b = Buffer.alloc(encodedBytes(r.kind, md.version, md.tsOut));
    encodeRecord(r, md.version, md.tsOut, b, 0);
    parts.push(b);
  }
  return Buffer.concat(parts);
}

/** What each test file holds: schema → record kind and count (status exists from v2 on). */
const EXPECTED: Record<string, { kind: RecordKind; count: number }> = {
  mbo: { kind: 'mbo', count: 2 },
  'mbp-1': { kind: 'mbp1', count: 2 },
  'mbp-10': { kind: 'mbp10', count: 2 },
  tbbo: { kind: 'mbp1', count: 2 },
  trades: { kind: 'trade', count: 2 },
  'ohlcv-1s': { kind: 'ohlcv', count: 2 },
  status: { kind: 'status', count: 4 },
  definition: { kind: 'definition', count: 2 },
  imbalance: { kind: 'imbalance', count: 2 },
  statistics: { kind: 'statistics', count: 2 },
};


test('layout sizes equal the sizes the dbn crate pins in its layout tests', () => {
  const sizes: [RecordKind, DbnVersion, number][] = [
    ['mbo', 3, 56],
    ['trade', 3, 48],
    ['mbp1', 3, 80],
    ['mbp10', 3, 368],
    ['bbo', 3, 80],
    ['cmbp1', 3, 80],
    ['cbbo', 3, 80],
    ['ohlcv', 3, 56],
    ['status', 3, 40],
    ['imbalance', 3, 112],
    ['definition', 1, 360],
    ['definition', 2, 400],
    ['definition', 3, 520],
    ['statistics', 1, 64],
    ['statistics', 2, 64],
    ['statistics', 3, 80],
    ['error', 1, 80],
    ['error', 3, 320],
    ['symbol_mapping', 1, 80],
    ['symbol_mapping', 2, 176],
    ['system', 1, 80],
    ['system', 2, 320],
  ];
  for (const [k, v, n] of sizes) assert.is(recordBytes(k, v), n, `${k} v${v}`);
});

for (const [label, dir] of [
  ['fixtures', FIX],
  ['../shared/data/dbn', SHARED_DBN],
] as const) {
  test(`every DBN test file in ${label}: version, schema, counts; decode → encode is byte-identical`, async () => {
    if (!fs.existsSync(dir)) {
      console.log(`\n  SKIPPED: DBN files of ${label} (no ${dir}: the samples are read from ../shared/data beside the checkout)`);
      return;
    }
    const files = fs.readdirSync(dir).filter((f) => f.startsWith('test_data.'));
    assert.ok(files.length >= 40, `expected the 40 test files, found ${files.length}`);
    for (const f of files) {
      const m = /^test_data\.([a-z0-9-]+?)(?:\.v([123]))?\.dbn(\.zst)?$/.exec(f)!;
      assert.ok(m, f);
      const schema = m[1]!;
      const { bytes, compression } = await readAll(path.join(dir, f));
      assert.is(compression, m[3] ? 'zstd' : 'none', f);
      const { md, recs } = decodeChunked(bytes, 1 << 20, f);
      assert.is(md.version, m[2] ? Number(m[2]) : schema === 'mbo' && f.includes('v3') ? 3 : 2, f);
      assert.is(md.schema, schema, f);
      const exp = EXPECTED[schema]!;
      assert.is(recs.length, exp.count, f);
      for (const r of recs) assert.is(r.kind, exp.kind, f);
      assert.ok(reencode(md, recs).equals(bytes), `${f}: re-encoding differs`);
    }
  });
}

test('MBO: exact field values (v1, v2, v3 agree); symbology maps 5482 → ESH1 on 2020-12-28', async () => {
  for (const f of ['test_data.mbo.v1.dbn.zst', 'test_data.mbo.v2.dbn.zst', 'test_data.mbo.v3.dbn.zst', 'test_data.mbo.v3.dbn']) {
    const { md, recs } = decodeChunked((await readAll(path.join(FIX, f))).bytes, 7);
    assert.is(md.dataset, 'GLBX.MDP3');
    assert.equal(md.symbols, ['ESH1']);
    assert.is(md.stypeIn, 'raw_symbol');
    assert.is(md.stypeOut, 'instrument_id');
    const r = recs[0]!;
    assert.is(r.rtype, 0xa0);
    assert.is(r.publisher_id, 1);
    assert.is(r.instrument_id, 5482);
    assert.is(r.ts_event, 1609160400000429831n);
    assert.is(r.order_id, 647784973705n);
    assert.is(r.price, 3722750000000n);
    assert.is(r.size, 1);
    assert.is(r.flags, 128);
    assert.is(r.action, 'C');
    assert.is(r.side, 'A');
    assert.is(r.ts_recv, 1609160400000704060n);
    assert.is(r.ts_in_delta, 22993);
    assert.is(r.sequence, 1170352);
    assert.is(SymbolMap.fromMetadata(md).get(5482, r.ts_recv as bigint), 'ESH1');
    assert.is(SymbolMap.fromMetadata(md).get(5482, r.ts_recv as bigint + 86_400_000_000_000n), undefined);
  }
});

test('MBP-10: ten levels; definition: v1/v2/v3 layouts carry the same instrument', async () => {
  const { recs } = decodeChunked((await readAll(path.join(FIX, 'test_data.mbp-10.v3.dbn.zst'))).bytes, 1000);
  const levels = recs[0]!.levels as { bid_px: bigint; ask_px: bigint; bid_sz: number }[];
  assert.is(levels.length, 10);
  assert.ok(levels[0]!.bid_px < levels[0]!.ask_px);
  assert.ok(levels[9]!.bid_px < levels[0]!.bid_px);
  for (const v of [1, 2, 3]) {
    const { md, recs: defs } = decodeChunked((await readAll(path.join(FIX, `test_data.definition.v${v}.dbn.zst`))).bytes, 100);
    assert.is(md.version, v);
    assert.is(defs[0]!.raw_symbol, 'MSFT');
    assert.is(defs[0]!.exchange, 'XNAS');
    assert.is(defs[0]!.instrument_class, 'K');
    assert.is(defs[0]!.min_price_increment, 0x7fff_ffff_ffff_ffffn); // UNDEF_PRICE in this sample
    assert.is(defs[0]!.min_lot_size_round_lot, 100);
    assert.is(defs[0]!.group, 'pxnas-1');
    assert.is(defs[0]!.security_update_action, 'A');
  }
});

test('the glbx MBO excerpt: a clear, snapshot adds, then live actions (counts by action)', async () => {
  const { md, recs } = decodeChunked((await readAll(path.join(FIX, 'glbx-esm4-mbo-20240508.excerpt595.dbn.zst'))).bytes, 4096);
  assert.is(md.version, 1);
  assert.is(recs.length, 595);
  const byAction: Record<string, number> = {};
  for (const r of recs.slice(400)) byAction[r.action as string] = (byAction[r.action as string] ?? 0) + 1;
  assert.equal(byAction, { A: 78, C: 80, M: 27, F: 5, T: 5 });
  assert.is(recs[0]!.action, 'R');
  assert.is(recs.slice(1, 400).filter((r) => r.action === 'A' && ((r.flags as number) & 0x20) !== 0).length, 399);
});

test('the full glbx MBO sample: 13,796 records as SOURCES.md counts them', async () => {
  const file = path.join(SHARED_DBN, 'glbx-esm4-mbo-20240508T000000-2s.dbn.zst');
  if (!fs.existsSync(file)) {
    console.log(`\n  SKIPPED: the full glbx MBO sample (no ${file}: the samples are read from ../shared/data beside the checkout)`);
    return;
  }
  const { recs } = decodeChunked((await readAll(file)).bytes, 65536);
  const counts: Record<string, number> = {};
  for (const r of recs) {
    const k = `${r.action}${((r.flags as number) & 0x20) !== 0 ? '/snapshot' : ''}`;
    counts[k] = (counts[k] ?? 0) + 1;
  }
  assert.equal(counts, { 'R/snapshot': 1, 'A/snapshot': 13_600, A: 78, C: 80, M: 27, F: 5, T: 5 });
});

test('every chunking gives the same records (1 byte to the whole file)', async () => {
  const { bytes } = await readAll(path.join(FIX, 'test_data.definition.v3.dbn.zst'));
  const whole = decodeChunked(bytes, bytes.length).recs;
  for (const n of [1, 3, 16, 100, 521]) assert.equal(decodeChunked(bytes, n).recs, whole, `chunk ${n}`);
});

function expectBadInput(f: () => unknown, offset: number | null, re: RegExp): void {
  try {
    f();
  } catch (e) {
    assert.instance(e, TapedeckError);
    assert.is((e as TapedeckError).code, 'BAD_INPUT');
    if (offset !== null) assert.is((e as TapedeckError).details.offsetBytes, offset);
    assert.match((e as Error).message, re);
    return;
  }
  assert.unreachable('expected a BAD_INPUT error');
}

test('truncation at every length fails as truncated, never decodes a wrong record', async () => {
  const { bytes } = await readAll(path.join(FIX, 'test_data.mbo.v3.dbn'));
  const mdEnd = 8 + bytes.readUInt32LE(4);
  for (let cut = 0; cut < bytes.length; cut++) {
    const d = new DbnDecoder('cut');
    let recs: DbnRecord[] = [];
    try {
      recs = d.push(bytes.subarray(0, cut));
      d.end();
    } catch (e) {
      assert.is((e as TapedeckError).code, 'BAD_INPUT', `cut ${cut}`);
      if (cut > mdEnd && (cut - mdEnd) % 56 !== 0) assert.match((e as Error).message, /ends inside a record/);
      continue;
    }
    // Only cuts on a record boundary end cleanly, with exactly the whole records before the cut.
    assert.ok(cut >= mdEnd && (cut - mdEnd) % 56 === 0, `cut ${cut} ended cleanly`);
    assert.is(recs.length, (cut - mdEnd) / 56);
  }
});

test('corruption: bad magic, newer version, a record length under the header, a short record', async () => {
  const { bytes } = await readAll(path.join(FIX, 'test_data.mbo.v3.dbn'));
  const mdEnd = 8 + bytes.readUInt32LE(4);
  const bad = Buffer.from(bytes);
  bad[0] = 0x45;
  expectBadInput(() => new DbnDecoder('f').push(bad), 0, /not a DBN file/);
  const v9 = Buffer.from(bytes);
  v9[3] = 9;
  expectBadInput(() => new DbnDecoder('f').push(v9), 3, /version 9 is newer/);
  const zero = Buffer.from(bytes);
  zero[mdEnd + 56] = 0;
  // The good record before the bad one comes out first; the error follows on the next call.
  const dz = new DbnDecoder('f');
  assert.is(dz.push(zero).length, 1);
  expectBadInput(() => dz.end(), mdEnd + 56, /shorter than the 16-byte header/);
  expectBadInput(() => dz.push(new Uint8Array(0)), mdEnd + 56, /shorter than the 16-byte header/);
  const short = Buffer.from(bytes);
  short[mdEnd] = 10; // 40 bytes: an MBO record needs 56
  expectBadInput(() => new DbnDecoder('f').push(short), mdEnd, /mbo record .* of 40 bytes; DBN v3 needs 56/);
});

test('records of an rtype without a layout are skipped by their length and counted', async () => {
  const { bytes } = await readAll(path.join(FIX, 'test_data.mbo.v3.dbn'));
  const mdEnd = 8 + bytes.readUInt32LE(4);
  const odd = Buffer.from(bytes);
  odd[mdEnd + 1] = 0x77;
  const d = new DbnDecoder('f');
  const recs = d.push(odd);
  d.end();
  assert.is(recs.length, 1);
  assert.equal([...d.skipped], [[0x77, 1]]);
});

test('metadata: decode(encode(m)) = m for v1, v2, v3 with mappings; v3 pads to 8 bytes', () => {
  for (const version of [1, 2, 3] as const) {
    const m: DbnMetadata = {
      version,
      dataset: 'XNAS.ITCH',
      schema: 'trades',
      start: 1n,
      end: null,
      limit: 5n,
      stypeIn: 'raw_symbol',
      stypeOut: 'instrument_id',
      tsOut: true,
      symbolCstrLen: version === 1 ? 22 : 71,
      symbols: ['AAPL', 'MSFT'],
      partial: [],
      notFound: ['NOPE'],
      mappings: [{ rawSymbol: 'AAPL', intervals: [{ startDate: 20240101, endDate: 20240102, symbol: '32' }] }],
    };
    const b = encodeMetadata(m);
    if (version === 3) assert.is((b.length - 8) % 8, 0);
    assert.equal(decodeMetadata(version, b.subarray(8), 'm'), m);
  }
});

test.run();
