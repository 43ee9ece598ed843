/**
 * The work of the goals section (bench/goals.ts), each in a fresh process so no measurement
 * runs in code another one warmed up. Every command prints one JSON line on stdout; `ms` is
 * timed inside the process (Node start-up excluded; the parent adds the whole-process wall time
 * where a user would start the work cold).
 *
 * tapedeck side:
 *   append <dir> <n> [v2]       n tick events built in memory first, then timed: writeEvent each
 *                               (encode + frame + log, batched durability), close (all fdatasynced)
 *   replay <dir>                Replayer (speed max) → EventBus → a counting subscriber
 *   replay-read <dir>           the same with a subscriber that reads every field of each event
 *   replay-crc <dir>            replay with `crcAhead: true` (frame CRCs checked in a worker thread)
 *   floor <dir>                 NOT a tapedeck path: the floor of the API contract. The recording is
 *                               decoded into columns first (untimed); timed: building each event
 *                               object of the exact replayed shape from the columns (BigInt ts,
 *                               numbers, interned strings) and publishing it on an EventBus to a
 *                               counting subscriber, as the replay row does
 *   seek <dir> <samples> <seed> per sample: openReader(dir) + cursor({ fromTs }).next(); prints
 *                               every sample's ms (the open is part of what a seek costs a reader)
 *   codec <n>                   v1 (float) vs v2 (decimal) tick encode and decode, interleaved loops
 *   book <n>                    BookBuilder over n L2 deltas (messages of 1-8 sets, the last flagged LAST)
 *   rss-replay <dir>            replay at max speed; prints maxRSS (KiB)
 *   rss-scan <dir>              digestRecording (a full read, decode and hash); prints maxRSS (KiB)
 *
 * Peers (the straightforward code a team would write instead, storing each event as JSON text):
 *   sqlite-append <db> <n>      better-sqlite3 WAL NORMAL, INSERT (seq, ts, type, json) in 1000-row
 *                               transactions, ts indexed
 *   sqlite-scan <db>            SELECT seq, ts, type, json ORDER BY seq: iterate the rows (no parse)
 *   sqlite-parse <db>           SELECT json ORDER BY seq + JSON.parse per row
 *   sqlite-export <db> <out>    SELECT json ORDER BY seq, one line per row into a file
 *   sqlite-ingest <jsonl> <db>  readline + JSON.parse per line, INSERT as sqlite-append does
 */
import fs from 'node:fs';
import readline from 'node:readline';
import type BetterSqlite3 from 'better-sqlite3';
import { lastValueFrom } from 'rxjs';
import { openReader } from '../src/log/index.js';
import { openEventLog, writeEvent } from '../src/events/recording.js';
import { Decimal, decodePayload, encodeEvent, BOOK_FLAG_LAST, type BookEvent, type TapeEvent, type TickEvent } from '../src/events/index.js';
import { importSrc } from './table.js';

const [cmd, a1, a2, a3] = process.argv.slice(2);

// The peers' library and the data generator are loaded only by the commands that use them: the
// replay and peak-RSS rows measure a process holding tapedeck alone (better-sqlite3's addon alone
// adds ~6 MiB of RSS to a process that never opens a database).
const lean = cmd === 'floor' || cmd === 'replay' || cmd === 'replay-read' || cmd === 'replay-crc' || cmd === 'rss-replay' || cmd === 'rss-scan';
const Database: typeof BetterSqlite3 = lean ? (null as never) : (await import('better-sqlite3')).default;
const seedrandom: typeof import('seedrandom') = lean ? (null as never) : (await import('seedrandom')).default;
const { RUN_ID, T0, tickStream, toV2 } = lean ? ({} as typeof import('./data.js')) : await import('./data.js');

const now = (): bigint => process.hrtime.bigint();
const msSince = (t0: bigint): number => Number(now() - t0) / 1e6;
/** CPU time (user + system) since `c0`, in ms: under load it moves far less than the wall time. */
const cpuMsSince = (c0: NodeJS.CpuUsage): number => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};
const out = (o: object): void => {
  process.stdout.write(JSON.stringify(o) + '\n');
};

function ticks(n: number, v2: boolean): TickEvent[] {
  const evs = [...tickStream(n)];
  return v2 ? evs.map(toV2) : evs;
}

/**
 * n tick objects for the append rows: 4096 generated ones, repeated with rising ts (cheap to
 * build, so a --cpu-prof of the run shows the append, not the bench's random generator).
 */
function appendTicks(n: number, v2: boolean): TickEvent[] {
  const pool = ticks(4096, v2);
  const evs: TickEvent[] = new Array<TickEvent>(n);
  for (let i = 0; i < n; i++) evs[i] = { ...pool[i & 4095]!, ts: T0 + BigInt(i) * 1000n };
  return evs;
}

const bigintJson = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? v.toString() : v);

function openDb(file: string): BetterSqlite3.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, ts INTEGER NOT NULL, type TEXT NOT NULL, json TEXT NOT NULL)');
  db.exec('CREATE INDEX IF NOT EXISTS events_ts ON events (ts)');
  return db;
}

async function append(dir: string, n: number, v2: boolean): Promise<void> {
  const evs = appendTicks(n, v2);
  const c0 = process.cpuUsage();
  const t0 = now();
  const log = await openEventLog(dir, { durability: 'batched' });
  for (let i = 0; i < n; i += 1000) {
    const to = Math.min(n, i + 1000);
    for (let j = i; j < to; j++) writeEvent(log, evs[j]!);
    await new Promise((r) => setImmediate(r));
  }
  await log.close();
  out({ ms: msSince(t0), cpuMs: cpuMsSince(c0), events: n });
}

function sqliteAppend(file: string, n: number): void {
  const evs = appendTicks(n, false);
  const c0 = process.cpuUsage();
  const t0 = now();
  const db = openDb(file);
  const ins = db.prepare('INSERT INTO events (seq, ts, type, json) VALUES (?, ?, ?, ?)');
  const tx = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const ev = evs[i]!;
      ins.run(i, ev.ts, ev.type, JSON.stringify(ev, bigintJson));
    }
  });
  for (let i = 0; i < n; i += 1000) tx(i, Math.min(n, i + 1000));
  db.close();
  out({ ms: msSince(t0), cpuMs: cpuMsSince(c0), events: n });
}

async function sqliteIngest(jsonl: string, file: string): Promise<void> {
  const t0 = now();
  const db = openDb(file);
  const ins = db.prepare('INSERT INTO events (seq, ts, type, json) VALUES (?, ?, ?, ?)');
  let rows: { ts: bigint; type: string; json: string }[] = [];
  let n = 0;
  const tx = db.transaction((rs: typeof rows) => {
    for (const r of rs) ins.run(n++, r.ts, r.type, r.json);
  });
  const rl = readline.createInterface({ input: fs.createReadStream(jsonl, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  for await (const line of rl) {
    const o = JSON.parse(line) as { type: string; ts: string };
    if (typeof o.type !== 'string' || typeof o.ts !== 'string') continue;
    rows.push({ ts: BigInt(o.ts), type: o.type, json: line });
    if (rows.length === 1000) {
      tx(rows);
      rows = [];
    }
  }
  if (rows.length) tx(rows);
  db.close();
  out({ ms: msSince(t0), events: n });
}

function sqliteScan(file: string, parse: boolean): void {
  const t0 = now();
  const db = new Database(file, { readonly: true });
  let n = 0;
  if (parse) {
    const st = db.prepare('SELECT json FROM events ORDER BY seq').pluck();
    for (const j of st.iterate() as IterableIterator<string>) if ((JSON.parse(j) as { type: string }).type) n++;
  } else {
    const st = db.prepare('SELECT seq, ts, type, json FROM events ORDER BY seq');
    for (const row of st.iterate() as IterableIterator<{ json: string }>) if (row.json) n++;
  }
  db.close();
  out({ ms: msSince(t0), events: n });
}

function sqliteExport(file: string, outFile: string): void {
  const t0 = now();
  const db = new Database(file, { readonly: true });
  const fd = fs.openSync(outFile, 'w');
  let buf = '';
  let n = 0;
  for (const j of db.prepare('SELECT json FROM events ORDER BY seq').pluck().iterate() as IterableIterator<string>) {
    buf += j + '\n';
    n++;
    if (buf.length >= 1 << 20) {
      fs.writeSync(fd, buf);
      buf = '';
    }
  }
  if (buf) fs.writeSync(fd, buf);
  fs.closeSync(fd);
  db.close();
  out({ ms: msSince(t0), events: n });
}

/** A price or size read: a v1 number as is, a Decimal by its mantissa. */
const num = (x: number | Decimal | undefined): number => (x === undefined ? 0 : typeof x === 'number' ? x : Number(x.mantissa));

async function replay(dir: string, readAll = false, crcAhead = false): Promise<void> {
  const R = await importSrc('src/replay/index.js');
  const B = await importSrc('src/bus/index.js');
  const bus = new B.EventBus();
  let n = 0;
  // readAll: every field of each event is read (a tick's by name, anything else by key), so an
  // event whose fields were only decoded when read could not look faster than it is.
  let strLen = 0;
  let sum = 0;
  let tsUp = 0;
  let lastTs = 0n;
  bus.subscribe(
    readAll
      ? (ev: TapeEvent) => {
          n++;
          if (ev.ts >= lastTs) tsUp++;
          lastTs = ev.ts;
          strLen += ev.runId.length + (ev.cause ?? 0) + (ev.seq ?? 0);
          if (ev.type === 'tick') {
            strLen += ev.venue.length + ev.symbol.length + (ev.aggressor?.length ?? 0) + (ev.tradeId?.length ?? 0) + (ev.venueSeq ?? 0);
            sum += num(ev.bid) + num(ev.ask) + num(ev.bidSize) + num(ev.askSize) + num(ev.last) + num(ev.lastSize) + num(ev.volume);
            if (ev.exchTs !== undefined && ev.exchTs > lastTs) tsUp++;
          } else for (const k of Object.keys(ev)) if ((ev as unknown as Record<string, unknown>)[k] !== undefined) strLen++;
        }
      : () => {
          n++;
        },
  );
  const c0 = process.cpuUsage();
  const t0 = now();
  const rp = new R.Replayer(dir, bus, { crcAhead });
  await lastValueFrom(rp.start({ speed: 'max' }), { defaultValue: undefined });
  out({ ms: msSince(t0), cpuMs: cpuMsSince(c0), events: n, maxRssKiB: process.resourceUsage().maxRSS, ...(readAll ? { read: strLen + sum + tsUp } : {}) });
}

/**
 * The floor of the max-speed replay's contract (see `floor` above): what a subscriber is owed per
 * event, an event object with its own data properties (a BigInt ts, numbers, strings), delivered
 * through the bus, without reading, checking or decoding anything. Columns per field: strings as
 * indexes into a table of interned strings, int32 values as Int32Array (small integers, as the
 * decoder makes them), other numbers as Float64Array, bigints as BigInt64Array. One object literal
 * per shape (the key order of the decoded events), generated once, so each event is built the
 * cheapest way V8 has.
 */
let floorLast: TapeEvent | null = null;

async function floor(dir: string): Promise<void> {
  const B = await importSrc('src/bus/index.js');
  type Col = { kind: 'str' | 'num' | 'big'; nums: Float64Array | null; bigs: BigInt64Array | null; idx: Uint32Array | null; table: string[]; ids: Map<string, number>; int: boolean };
  const r = openReader(dir);
  let total = 0;
  r.scan({}, () => {
    total++;
  });
  const cols = new Map<string, Col>();
  const shapeIds = new Map<string, number>();
  const shapes: string[][] = [];
  const shapeCol = new Uint8Array(total);
  let n = 0;
  r.scan({}, (rec) => {
    const ev = decodePayload(rec.type, rec.payload, rec.seq, rec.tsNs) as unknown as Record<string, unknown>;
    const keys = Object.keys(ev);
    const sk = keys.join(',');
    let id = shapeIds.get(sk);
    if (id === undefined) shapeIds.set(sk, (id = shapes.push(keys) - 1));
    if (id > 255) throw new Error(`floor: more than 256 event shapes in ${dir}`);
    shapeCol[n] = id;
    for (const k of keys) {
      const v = ev[k];
      const kind = typeof v === 'string' ? 'str' : typeof v === 'bigint' ? 'big' : typeof v === 'number' ? 'num' : null;
      if (kind === null) throw new Error(`floor: field ${k} of event ${n} is a ${typeof v}; the floor builds strings, numbers and bigints only`);
      let c = cols.get(k);
      if (c === undefined) {
        c = { kind, nums: kind === 'num' ? new Float64Array(total) : null, bigs: kind === 'big' ? new BigInt64Array(total) : null, idx: kind === 'str' ? new Uint32Array(total) : null, table: [], ids: new Map(), int: true };
        cols.set(k, c);
      }
      if (c.kind !== kind) throw new Error(`floor: field ${k} is a ${c.kind} and a ${kind}`);
      if (kind === 'num') {
        c.nums![n] = v as number;
        if (((v as number) | 0) !== v || Object.is(v, -0)) c.int = false;
      } else if (kind === 'big') c.bigs![n] = v as bigint;
      else {
        let sid = c.ids.get(v as string);
        if (sid === undefined) c.ids.set(v as string, (sid = c.table.push(v as string) - 1));
        c.idx![n] = sid;
      }
    }
    n++;
  });
  // Columns as typed arrays; int32 numbers as Int32Array, so they come out as small integers, as
  // the decoder makes them (a Float64Array would box them as heap numbers).
  const colList = [...cols.values()];
  const arrays: unknown[] = [];
  for (const c of colList) {
    if (c.kind === 'str') arrays.push(c.idx, c.table);
    else if (c.kind === 'big') arrays.push(c.bigs, null);
    else arrays.push(c.int ? Int32Array.from(c.nums!) : c.nums, null);
  }
  const colIdx = new Map([...cols.keys()].map((k, j) => [k, j]));
  const field = (k: string): string => {
    const j = colIdx.get(k)!;
    return colList[j]!.kind === 'str' ? `t${j}[a${j}[i]]` : `a${j}[i]`;
  };
  const literal = (keys: string[]): string => `({ ${keys.map((k) => `${JSON.stringify(k)}: ${field(k)}`).join(', ')} })`;
  const body =
    colList.map((_, j) => `const a${j} = A[${2 * j}], t${j} = A[${2 * j + 1}];`).join('\n') +
    `\nreturn (i) => {\n` +
    (shapes.length === 1 ? `return ${literal(shapes[0]!)};\n` : `switch (S[i]) {\n${shapes.map((ks, id) => `case ${id}: return ${literal(ks)};`).join('\n')}\n}\n`) +
    `};`;
  const build = new Function('A', 'S', body)(arrays, shapeCol) as (i: number) => TapeEvent;
  const bus = new B.EventBus();
  let count = 0;
  bus.subscribe(() => {
    count++;
  });
  const c0 = process.cpuUsage();
  const t0 = now();
  for (let i = 0; i < n; i++) {
    const ev = build(i);
    // Held where a subscriber could keep it: without the store, V8's escape analysis may never
    // allocate an event the counting subscriber does not read (measured: 27 ms for 1M), which no
    // replay can match, since its events come out of a decoder.
    floorLast = ev;
    bus.publish(ev);
  }
  out({ ms: msSince(t0), cpuMs: cpuMsSince(c0), events: count, shapes: shapes.length, last: floorLast === null ? null : (floorLast as { type: string }).type });
}

async function rssScan(dir: string): Promise<void> {
  const V = await importSrc('src/verify/index.js');
  const t0 = now();
  const r = V.digestRecordingDetailed(dir);
  out({ ms: msSince(t0), events: r.records, maxRssKiB: process.resourceUsage().maxRSS });
}

function seek(dir: string, samples: number, seed: string): void {
  // The ts range from one full open (not timed).
  const r0 = openReader(dir);
  const c0 = r0.cursor({});
  const first = c0.next();
  if (!first) throw new Error(`${dir} is empty`);
  c0.close();
  const firstTs = first.tsNs;
  let lastTs = firstTs;
  r0.scan({}, (rec) => {
    lastTs = rec.tsNs;
  });
  const span = Number(lastTs - firstTs);
  const rng = seedrandom(seed);
  const ms: number[] = [];
  for (let i = 0; i < samples; i++) {
    const ts = firstTs + BigInt(Math.floor(rng() * span));
    const t0 = now();
    const cur = openReader(dir).cursor({ fromTs: ts });
    const rec = cur.next();
    ms.push(msSince(t0));
    if (!rec || rec.tsNs < ts) throw new Error(`seek to ${ts} found ${rec?.tsNs}`);
    cur.close();
  }
  out({ ms, segments: fs.readdirSync(dir).filter((f) => f.endsWith('.tdseg')).length });
}

function codec(n: number): void {
  const v1 = ticks(4096, false);
  const v2 = v1.map(toV2);
  const enc1 = v1.map((e) => Buffer.from(encodeEvent(e).payload));
  const enc2 = v2.map((e) => Buffer.from(encodeEvent(e).payload));
  const rounds = 7;
  const res = { encV1: [] as number[], encV2: [] as number[], decV1: [] as number[], decV2: [] as number[] };
  let sink = 0;
  const rate = (t0: bigint): number => (n / msSince(t0)) * 1000;
  for (let r = 0; r < rounds; r++) {
    let t0 = now();
    for (let i = 0; i < n; i++) sink += encodeEvent(v1[i & 4095]!).payload.length;
    res.encV1.push(rate(t0));
    t0 = now();
    for (let i = 0; i < n; i++) sink += encodeEvent(v2[i & 4095]!).payload.length;
    res.encV2.push(rate(t0));
    t0 = now();
    for (let i = 0; i < n; i++) sink += decodePayload(1, enc1[i & 4095]!, i, T0).type.length;
    res.decV1.push(rate(t0));
    t0 = now();
    for (let i = 0; i < n; i++) sink += decodePayload(1, enc2[i & 4095]!, i, T0).type.length;
    res.decV2.push(rate(t0));
  }
  const bytes = (bs: Buffer[]): number => bs.reduce((s, b) => s + b.length, 0) / bs.length;
  out({ ...res, bytesV1: bytes(enc1), bytesV2: bytes(enc2), sink });
}

function bookDeltas(n: number): BookEvent[] {
  const rng = seedrandom('book-bench');
  const evs: BookEvent[] = [];
  let ts = T0;
  while (evs.length < n) {
    const k = 1 + Math.floor(rng() * 8);
    for (let j = 0; j < k && evs.length < n; j++) {
      const side = rng() < 0.5 ? 'bid' : 'ask';
      const off = 1 + Math.floor(rng() * 50);
      const mant = side === 'bid' ? 6_000_000 - off : 6_000_000 + off;
      const size = rng() < 0.2 ? 0 : Math.floor(rng() * 100000);
      evs.push({
        type: 'book',
        ts,
        runId: RUN_ID,
        venue: 'BINANCE',
        symbol: 'BTCUSDT',
        action: 'set',
        side,
        price: new Decimal(mant, -2),
        size: new Decimal(size, -4),
        flags: j === k - 1 || evs.length === n - 1 ? BOOK_FLAG_LAST : 0,
      } as BookEvent);
    }
    ts += 1000n;
  }
  return evs;
}

async function book(n: number): Promise<void> {
  const Bk = await importSrc('src/book/index.js');
  const evs = bookDeltas(n);
  const rates: number[] = [];
  for (let r = 0; r < 5; r++) {
    const bb = new Bk.BookBuilder();
    const t0 = now();
    for (let i = 0; i < evs.length; i++) bb.push(evs[i]!);
    rates.push((evs.length / msSince(t0)) * 1000);
    if (bb.applied !== evs.length) throw new Error(`book: applied ${bb.applied} of ${evs.length}`);
  }
  out({ rates, deltas: evs.length });
}

switch (cmd) {
  case 'append':
    await append(a1!, Number(a2), a3 === 'v2');
    break;
  case 'replay':
  case 'rss-replay':
    await replay(a1!);
    break;
  case 'replay-read':
    await replay(a1!, true);
    break;
  case 'replay-crc':
    await replay(a1!, false, true);
    break;
  case 'floor':
    await floor(a1!);
    break;
  case 'rss-scan':
    await rssScan(a1!);
    break;
  case 'seek':
    seek(a1!, Number(a2), a3 ?? 'seek');
    break;
  case 'codec':
    codec(Number(a1));
    break;
  case 'book':
    await book(Number(a1));
    break;
  case 'sqlite-append':
    sqliteAppend(a1!, Number(a2));
    break;
  case 'sqlite-scan':
    sqliteScan(a1!, false);
    break;
  case 'sqlite-parse':
    sqliteScan(a1!, true);
    break;
  case 'sqlite-export':
    sqliteExport(a1!, a2!);
    break;
  case 'sqlite-ingest':
    await sqliteIngest(a1!, a2!);
    break;
  default:
    process.stderr.write(`goals-child: unknown command ${cmd}\n`);
    process.exit(2);
}
