/**
 * `recordingInfo(dir)`: what a recording holds, in one read of every record: segments, counts by
 * type, run and symbol, the time range, the durable position, the digest, the rejects and gaps
 * recorded, records of unknown types, a torn tail, and how much smaller the log is than the same
 * events as canonical JSONL.
 *
 * The digest and the JSONL size come from the digest cache (verify/digest-cache.ts) when it holds
 * the recording's current state: then no event is hashed or converted to JSON. On a miss both are
 * computed in the same read and cached.
 */
import { decodePayload, eventToJson, isKnownTag } from '../events/index.js';
import { EVENT_TYPES, type EventType, type SystemEvent } from '../events/types.js';
import { keyframeStore } from '../book/keyframes.js';
import { openReader } from '../log/index.js';
import { StreamDigest } from '../verify/digest.js';
import { digestCacheKey, readDigestCache, writeDigestCache } from '../verify/digest-cache.js';
import { alignRows, formatBytes, formatCount, isoOrNull, requireDir, table } from './util.js';

export interface SegmentInfo {
  name: string;
  bytes: number;
  /** Sealed (footer written) or still the active segment of a writer (or of a crashed one). */
  sealed: boolean;
  records: number;
  firstSeq: number;
  /** null when the segment holds no records. */
  lastSeq: number | null;
  firstTs: bigint | null;
  lastTs: bigint | null;
}

export interface RunInfo {
  runId: string;
  events: number;
  firstTs: bigint;
  lastTs: bigint;
}

export interface SymbolInfo {
  symbol: string;
  events: number;
}

export interface SystemMark {
  seq: number;
  ts: bigint;
  tsIso: string;
  runId: string;
  message: string;
  data?: Record<string, string | number>;
}

export interface TornTailInfo {
  file: string;
  offsetBytes: number;
  bytes: number | null;
  seq: number | null;
  reason: string;
}

export interface RecordingInfo {
  dir: string;
  segmentCount: number;
  segments: SegmentInfo[];
  /** Records on disk (every type; a torn tail is not counted). */
  records: number;
  /** Records this version decodes as events. */
  events: number;
  /** Total bytes of the segment files. */
  bytes: number;
  firstSeq: number | null;
  /** The durable position: the last seq on disk (a torn tail excluded); null when empty. */
  durableSeq: number | null;
  firstTs: bigint | null;
  lastTs: bigint | null;
  firstTsIso: string | null;
  lastTsIso: string | null;
  durationNs: bigint | null;
  byType: Record<EventType, number>;
  /** In order of first appearance. */
  byRun: RunInfo[];
  /** Most events first (ties by name). */
  bySymbol: SymbolInfo[];
  /** Bytes of the same events as canonical JSONL (one line each, newline included). */
  jsonlBytes: number;
  /** jsonlBytes ÷ bytes; null for an empty log. */
  compressionRatio: number | null;
  /** The recording digest (see verify/digest.ts). */
  digest: string;
  /** System events of kind 'reject' (bad input kept) and 'gap' (a feed gap): counts and the first few. */
  rejects: { count: number; first: SystemMark[] };
  gaps: { count: number; first: SystemMark[] };
  /** Records of types this version does not know: skipped (they are still in the digest). */
  unknownSkipped: number;
  tornTail: TornTailInfo | null;
  /** True when the digest and jsonlBytes came from the digest cache (DIGEST.cache). */
  cached: boolean;
  /** Book keyframes beside the log (book/keyframes.ts); null when there is no keyframes directory. */
  keyframes: KeyframesInfo | null;
}

export interface KeyframesInfo {
  /** Valid keyframes. */
  count: number;
  /** Damaged or incomplete ones (never used). */
  damaged: number;
  bytes: number;
  firstSeq: number | null;
  lastSeq: number | null;
  firstTs: bigint | null;
  lastTs: bigint | null;
  /**
   * After a compaction: whether a keyframe as of the record just before the log's first one is
   * there (the books of the rest of the recording depend on it). null when nothing was compacted.
   */
  atCut: boolean | null;
}

export interface InfoOptions {
  /** How many rejects and gaps to list (default 10). */
  listMax?: number;
  /** Use and fill the digest cache (default true); false computes everything from the records. */
  cache?: boolean;
}

function mark(ev: SystemEvent): SystemMark {
  const m: SystemMark = { seq: ev.seq ?? -1, ts: ev.ts, tsIso: isoOrNull(ev.ts) ?? '', runId: ev.runId, message: ev.message };
  if (ev.data) m.data = ev.data;
  return m;
}

/** Reads the whole recording once (tolerating a torn tail, like every reader) and describes it. */
export function recordingInfo(dir: string, opts: InfoOptions = {}): RecordingInfo {
  requireDir(dir);
  const listMax = opts.listMax ?? 10;
  const key = opts.cache === false ? null : digestCacheKey(dir);
  const hit = key ? readDigestCache(dir, key) : null;
  const needDigest = hit === null;
  const needJsonl = hit?.jsonlBytes === undefined;
  const reader = openReader(dir, { policy: 'tolerate-tail' });
  const metas = reader.segments();
  const segments: SegmentInfo[] = metas.map((m) => ({
    name: m.name,
    bytes: m.sizeBytes,
    sealed: m.footer !== null,
    records: 0,
    firstSeq: m.firstSeq,
    lastSeq: null,
    firstTs: null,
    lastTs: null,
  }));
  const byType = Object.fromEntries(EVENT_TYPES.map((t) => [t, 0])) as Record<EventType, number>;
  const runs = new Map<string, RunInfo>();
  const symbols = new Map<string, number>();
  const rejects: SystemMark[] = [];
  const gaps: SystemMark[] = [];
  let rejectCount = 0;
  let gapCount = 0;
  let records = 0;
  let events = 0;
  let unknown = 0;
  let jsonlBytes = 0;
  let firstSeq: number | null = null;
  let lastSeq: number | null = null;
  let firstTs: bigint | null = null;
  let lastTs: bigint | null = null;
  let segIdx = 0;
  const digest = new StreamDigest();

  const result = reader.scan({}, (r) => {
    if (needDigest) digest.updateAt(r.tsNs, r.type, r.chunk, r.payloadStart, r.payloadEnd);
    records++;
    firstSeq ??= r.seq;
    lastSeq = r.seq;
    firstTs ??= r.tsNs;
    lastTs = r.tsNs;
    // Segments are in seq order: move to the one holding this seq.
    while (segIdx + 1 < segments.length && segments[segIdx + 1]!.firstSeq <= r.seq) segIdx++;
    const seg = segments[segIdx];
    if (seg) {
      seg.records++;
      seg.lastSeq = r.seq;
      seg.firstTs ??= r.tsNs;
      seg.lastTs = r.tsNs;
    }
    if (!isKnownTag(r.type)) {
      unknown++;
      return;
    }
    const ev = decodePayload(r.type, r.payload, r.seq, r.tsNs);
    events++;
    byType[ev.type]++;
    if (needJsonl) jsonlBytes += Buffer.byteLength(eventToJson(ev)) + 1;
    const run = runs.get(ev.runId);
    if (run) {
      run.events++;
      run.lastTs = ev.ts;
    } else runs.set(ev.runId, { runId: ev.runId, events: 1, firstTs: ev.ts, lastTs: ev.ts });
    if ('symbol' in ev && ev.symbol !== undefined) symbols.set(ev.symbol, (symbols.get(ev.symbol) ?? 0) + 1);
    if (ev.type === 'system') {
      if (ev.kind === 'reject') {
        rejectCount++;
        if (rejects.length < listMax) rejects.push(mark(ev));
      } else if (ev.kind === 'gap') {
        gapCount++;
        if (gaps.length < listMax) gaps.push(mark(ev));
      }
    }
  });

  const torn = result.problems.find((p) => p.kind === 'torn');
  const digestHex = hit ? hit.digest : digest.hex();
  if (!needJsonl) jsonlBytes = hit!.jsonlBytes!;
  if (key && (needDigest || needJsonl) && !torn) writeDigestCache(dir, key, { digest: digestHex, records, jsonlBytes });
  const bytes = segments.reduce((n, s) => n + s.bytes, 0);
  const bySymbol = [...symbols].map(([symbol, n]) => ({ symbol, events: n }));
  bySymbol.sort((a, b) => b.events - a.events || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  const ft = firstTs as bigint | null;
  const lt = lastTs as bigint | null;
  return {
    dir,
    segmentCount: segments.length,
    segments,
    records,
    events,
    bytes,
    firstSeq,
    durableSeq: lastSeq,
    firstTs: ft,
    lastTs: lt,
    firstTsIso: isoOrNull(ft),
    lastTsIso: isoOrNull(lt),
    durationNs: ft !== null && lt !== null ? lt - ft : null,
    byType,
    byRun: [...runs.values()],
    bySymbol,
    jsonlBytes,
    compressionRatio: bytes > 0 && events > 0 ? jsonlBytes / bytes : null,
    digest: digestHex,
    rejects: { count: rejectCount, first: rejects },
    gaps: { count: gapCount, first: gaps },
    unknownSkipped: unknown,
    tornTail: torn
      ? { file: torn.file, offsetBytes: torn.offsetBytes, bytes: torn.bytes ?? null, seq: torn.seq ?? null, reason: torn.reason }
      : null,
    cached: !needDigest && !needJsonl,
    keyframes: keyframesInfo(dir, metas[0]?.firstSeq ?? 0),
  };
}

function keyframesInfo(dir: string, logFirstSeq: number): KeyframesInfo | null {
  const store = keyframeStore(dir);
  if (!store.exists()) return null;
  const all = store.list();
  const ok = all.filter((l) => l.meta);
  return {
    count: ok.length,
    damaged: all.length - ok.length,
    bytes: all.reduce((n, l) => n + l.bytes, 0),
    firstSeq: ok[0]?.seq ?? null,
    lastSeq: ok[ok.length - 1]?.seq ?? null,
    firstTs: ok[0]?.meta!.tsNs ?? null,
    lastTs: ok[ok.length - 1]?.meta!.tsNs ?? null,
    atCut: logFirstSeq > 0 ? ok.some((l) => l.seq === logFirstSeq - 1) : null,
  };
}

function keyframesLine(k: KeyframesInfo | null): string {
  if (k === null) return 'none (tapedeck keyframe <dir> writes them)';
  const damaged = k.damaged > 0 ? `, ${k.damaged} damaged (ignored; --rebuild derives them again)` : '';
  const range = k.count > 0 ? `, seq ${k.firstSeq}..${k.lastSeq}, ${isoOrNull(k.firstTs) ?? k.firstTs} .. ${isoOrNull(k.lastTs) ?? k.lastTs}` : '';
  const cut = k.atCut === null ? '' : k.atCut ? '; one at the compaction cut (the books survive it)' : '; NONE at the compaction cut: books after it are incomplete';
  return `${k.count} (${formatBytes(k.bytes)})${range}${damaged}${cut}`;
}

function tsLine(ts: bigint | null): string {
  return ts === null ? '-' : `${ts}  ${isoOrNull(ts) ?? ''}`.trimEnd();
}

function fmtDuration(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  if (ms < 1000) return `${Number(ns) / 1e6} ms`;
  const s = ms / 1000;
  if (s < 120) return `${s.toFixed(3)} s`;
  const m = Math.floor(s / 60);
  if (m < 120) return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** The human report: aligned, short; lists are cut at `maxRows` lines (default 10). */
export function formatInfo(info: RecordingInfo, opts: { maxRows?: number } = {}): string {
  const max = opts.maxRows ?? 10;
  const out: string[] = [info.dir];
  const rows: [string, string][] = [
    ['segments', `${info.segmentCount} (${info.segments.filter((s) => s.sealed).length} sealed, ${info.segments.filter((s) => !s.sealed).length} active)`],
    ['records', `${formatCount(info.records)}${info.unknownSkipped ? ` (${formatCount(info.unknownSkipped)} of unknown types, skipped)` : ''}`],
    ['bytes', `${formatCount(info.bytes)} (${formatBytes(info.bytes)})`],
    ['first ts', tsLine(info.firstTs)],
    ['last ts', tsLine(info.lastTs)],
  ];
  if (info.durationNs !== null) rows.push(['duration', fmtDuration(info.durationNs)]);
  rows.push(['seq', info.firstSeq === null ? '-' : `${info.firstSeq}..${info.durableSeq}`]);
  rows.push(['durable seq', info.durableSeq === null ? '-' : String(info.durableSeq)]);
  rows.push([
    'compression',
    info.compressionRatio === null ? '-' : `${info.compressionRatio.toFixed(2)}x (${formatBytes(info.jsonlBytes)} as JSONL)`,
  ]);
  rows.push(['digest', info.digest]);
  rows.push(['rejects', formatCount(info.rejects.count)]);
  rows.push(['gaps', formatCount(info.gaps.count)]);
  const t = info.tornTail;
  rows.push(['keyframes', keyframesLine(info.keyframes)]);
  rows.push(['torn tail', t ? `${t.file} at byte ${t.offsetBytes}${t.bytes !== null ? `, ${t.bytes} bytes` : ''} (${t.reason}); the next writer drops it` : 'none']);
  out.push(...alignRows(rows));

  const types = EVENT_TYPES.filter((ty) => info.byType[ty] > 0).map((ty) => [ty, formatCount(info.byType[ty])]);
  if (types.length > 0) {
    out.push('events by type');
    out.push(...table(types, [false, true], '  '));
  }
  const cut = <T>(xs: readonly T[], f: (x: T) => string[]): string[][] => xs.slice(0, max).map(f);
  const more = (n: number) => (n > max ? [`  … ${n - max} more`] : []);
  if (info.byRun.length > 0) {
    out.push('events by run');
    out.push(...table(cut(info.byRun, (r) => [r.runId, formatCount(r.events), `${isoOrNull(r.firstTs) ?? r.firstTs}  ..  ${isoOrNull(r.lastTs) ?? r.lastTs}`]), [false, true, false]));
    out.push(...more(info.byRun.length));
  }
  if (info.bySymbol.length > 0) {
    out.push('events by symbol');
    out.push(...table(cut(info.bySymbol, (s) => [s.symbol, formatCount(s.events)]), [false, true]));
    out.push(...more(info.bySymbol.length));
  }
  out.push('segments');
  out.push(
    ...table(
      cut(info.segments, (s) => [
        s.name,
        formatBytes(s.bytes),
        s.sealed ? 'sealed' : 'active',
        `${formatCount(s.records)} rec`,
        s.lastSeq === null ? '-' : `seq ${s.firstSeq}..${s.lastSeq}`,
      ]),
      [false, true, false, true, false],
    ),
  );
  out.push(...more(info.segments.length));
  const marks = (label: string, m: { count: number; first: SystemMark[] }) => {
    if (m.count === 0) return;
    out.push(`${label} (first ${m.first.length} of ${m.count})`);
    out.push(...table(m.first.map((x) => [`seq ${x.seq}`, x.tsIso, x.message.replace(/\s+/g, ' ').slice(0, 100)]), [false, false, false]));
  };
  marks('rejects', info.rejects);
  marks('gaps', info.gaps);
  return out.join('\n') + '\n';
}
