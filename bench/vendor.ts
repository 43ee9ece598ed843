/**
 * Issue 14: vendor files. A synthetic MBO day (adds, cancels, modifies, trades with their fills,
 * on a book that stays near its mid) is generated here as DBN v3, written plain and zstd; the same
 * data as canonical JSONL is what tapedeck's own export makes of the imported recording. Measured:
 * `importFile` of each (records/s and input MB/s, in-process: decoding, mapping, validation,
 * encoding, the log with batched durability) and `exportDbn` plain and zstd. Median of BENCH_RUNS.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CONFIG, fmtBytes, fmtCount, fmtMs, fmtRate, importSrc, log, med, need, rmrf, scratch, type SectionResult } from './table.js';

/** Deterministic 32-bit LCG (bench data must not change between runs). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** n MBO records (56 bytes each) after a v3 metadata header naming one instrument. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function syntheticMbo(V: any, n: number): Buffer {
  const start = 1_715_126_400_000_000_000n;
  const md = {
    version: 3,
    dataset: 'GLBX.MDP3',
    schema: 'mbo',
    start,
    end: start + 86_400_000_000_000n,
    limit: null,
    stypeIn: 'raw_symbol',
    stypeOut: 'instrument_id',
    tsOut: false,
    symbolCstrLen: 71,
    symbols: ['ESM4'],
    partial: [],
    notFound: [],
    mappings: [{ rawSymbol: 'ESM4', intervals: [{ startDate: 20240508, endDate: 20240509, symbol: '5602' }] }],
  };
  const head: Buffer = V.encodeMetadata(md);
  const body = Buffer.alloc(n * 56);
  const rnd = lcg(14);
  const live: { id: bigint; side: string; price: bigint; size: number }[] = [];
  let nextId = 1n;
  let ts = start;
  let seq = 1;
  const mid = 5_214_000_000_000n;
  const tick = 250_000_000n;
  for (let i = 0; i < n; i++) {
    ts += BigInt(1 + Math.floor(rnd() * 200_000));
    const u = rnd();
    let r: Record<string, unknown>;
    if (live.length < 50 || u < 0.5) {
      const side = rnd() < 0.5 ? 'B' : 'A';
      const off = BigInt(1 + Math.floor(rnd() * 20)) * tick;
      const o = { id: nextId++, side, price: side === 'B' ? mid - off : mid + off, size: 1 + Math.floor(rnd() * 20) };
      live.push(o);
      r = { action: 'A', order_id: o.id, side, price: o.price, size: o.size };
    } else {
      const k = Math.floor(rnd() * live.length);
      const o = live[k]!;
      if (u < 0.85) {
        live[k] = live[live.length - 1]!;
        live.pop();
        r = { action: 'C', order_id: o.id, side: o.side, price: o.price, size: o.size };
      } else if (u < 0.95) {
        o.size = 1 + Math.floor(rnd() * 20);
        r = { action: 'M', order_id: o.id, side: o.side, price: o.price, size: o.size };
      } else {
        r = { action: 'T', order_id: nextId++, side: o.side === 'B' ? 'A' : 'B', price: o.price, size: 1 };
      }
    }
    V.encodeRecord(
      { kind: 'mbo', rtype: 0xa0, publisher_id: 1, instrument_id: 5602, ts_event: ts - 150_000n, flags: 128, channel_id: 0, ts_recv: ts, ts_in_delta: 12_000, sequence: seq++, ...r },
      3,
      false,
      body,
      i * 56,
    );
  }
  return Buffer.concat([head, body]);
}

export async function benchVendor(): Promise<SectionResult> {
  const N = CONFIG.records;
  const RUNS = CONFIG.runs;
  const V = await importSrc('src/vendor/index.js');
  const I = await importSrc('src/record/importer.js');
  const X = await importSrc('src/ops/dbn-export.js');
  const E = await importSrc('src/ops/export.js');
  need(V, 'src/vendor', 'encodeRecord');
  need(I, 'src/record/importer', 'importFile');
  need(X, 'src/ops/dbn-export', 'exportDbn');
  const work = scratch('vendor');
  const plain = path.join(work, 'mbo.dbn');
  const zst = path.join(work, 'mbo.dbn.zst');
  const jsonl = path.join(work, 'mbo.jsonl');
  const raw = syntheticMbo(V, N);
  fs.writeFileSync(plain, raw);
  const zw = await V.ZstdFrameWriter.create();
  const frames: Uint8Array[] = [];
  for (let i = 0; i < raw.length; i += 1 << 20) frames.push(...zw.write(raw.subarray(i, i + (1 << 20))));
  frames.push(zw.flush());
  fs.writeFileSync(zst, Buffer.concat(frames));
  // The same data as canonical JSONL: tapedeck's own export of the imported recording.
  const seedDir = path.join(work, 'seed');
  await I.importFile(plain, seedDir, { deterministic: true, onWarning: () => {} });
  const out = fs.openSync(jsonl, 'w');
  await E.exportRecording(seedDir, { format: 'jsonl' }, (_s: string, text: string) => {
    fs.writeSync(out, text);
  });
  fs.closeSync(out);
  const sizes = { plain: fs.statSync(plain).size, zst: fs.statSync(zst).size, jsonl: fs.statSync(jsonl).size };
  log(`vendor: ${fmtCount(N)} MBO records: DBN ${fmtBytes(sizes.plain)}, zstd ${fmtBytes(sizes.zst)}, JSONL ${fmtBytes(sizes.jsonl)}`);

  const time = async (fn: () => Promise<unknown>): Promise<number> => {
    const t0 = process.hrtime.bigint();
    await fn();
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const rows: { plain: number; zst: number; jsonl: number; expPlain: number; expZst: number }[] = [];
  for (let r = 0; r < RUNS; r++) {
    log(`vendor: run ${r + 1}/${RUNS}`);
    const dirs = ['p', 'z', 'j'].map((x) => path.join(work, `${x}${r}`));
    const quiet = { deterministic: true, onWarning: () => {} };
    const row = {
      plain: await time(() => I.importFile(plain, dirs[0], quiet)),
      zst: await time(() => I.importFile(zst, dirs[1], quiet)),
      jsonl: await time(() => I.importFile(jsonl, dirs[2], quiet)),
      expPlain: await time(() => X.exportDbn(dirs[0], path.join(work, `e${r}.dbn`), {})),
      expZst: await time(() => X.exportDbn(dirs[0], path.join(work, `e${r}.dbn.zst`), { zstd: true })),
    };
    rows.push(row);
    for (const d of dirs) rmrf(d);
  }
  rmrf(work);
  const line = (what: string, ms: number, bytes: number, note: string): string[] => [what, fmtMs(ms), fmtRate((N / ms) * 1000, 'rec/s'), `${((bytes / ms) * 1000 / 1e6).toFixed(1)} MB/s`, note];
  const m = (f: (x: (typeof rows)[number]) => number) => med(rows, f);
  return {
    id: 'vendor',
    title: 'Vendor files: DBN import and export (issue 14)',
    intro: `${fmtCount(N)} synthetic MBO records (one instrument; adds, cancels, modifies, trades) as DBN v3 (${fmtBytes(sizes.plain)}), zstd in 1 MiB frames (${fmtBytes(sizes.zst)}), and the same data as canonical JSONL (${fmtBytes(sizes.jsonl)}, tapedeck's export of the imported recording). In-process \`importFile\` into a fresh recording (batched durability), then \`exportDbn\` of it. MB/s counts the input (import) or output (export) file bytes. Median of ${RUNS} runs.`,
    tables: [
      {
        header: ['measurement', 'time', 'records/s', 'MB/s', 'note'],
        rows: [
          line('import DBN (plain)', m((x) => x.plain), sizes.plain, 'decode, map to book events, validate, encode, log'),
          line('import DBN (zstd)', m((x) => x.zst), sizes.zst, 'the same plus fzstd (pure JS) decompression'),
          line('import JSONL (same events)', m((x) => x.jsonl), sizes.jsonl, 'the baseline: canonical JSON lines of the same data'),
          line('export DBN v3 (plain)', m((x) => x.expPlain), sizes.plain, 'two passes over the recording (metadata, then records)'),
          line('export DBN v3 (zstd)', m((x) => x.expZst), sizes.zst, 'the same plus wasm zstd level 3, 1 MiB frames'),
        ],
      },
    ],
  };
}
