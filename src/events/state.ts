/**
 * The snapshot contract: what a stateful consumer of a recording (a book builder, a backtest, an
 * intent tracker) implements so its state can be saved as of a seq and restored, then brought up
 * to date by applying the log from seq + 1 (docs/FORMAT.md §20).
 *
 * - captureState() takes a consistent copy of the state NOW (synchronously, cheaply) and returns
 *   the bytes as chunks produced lazily from that copy, so the owner may keep changing its state
 *   while the chunks are written. Same state → same bytes: a deterministic encoding.
 * - restoreState(bytes) replaces the state with the one captured (CORRUPT_SNAPSHOT on bytes it
 *   cannot read; the store has already checked their checksum).
 *
 * The encoding helpers here write JSON lines: a header line naming the format, then one line per
 * row, so a capture yields every `rowsPerChunk` rows and never builds one huge string. Parts with
 * many rows (books, the ledger) use the binary layout of events/state-binary.ts instead.
 */
import { TapedeckError } from '../errors.js';
import type { LoadedSnapshot, SnapshotMeta, SnapshotStore } from '../log/index.js';

export interface Stateful {
  /** The data file this state is kept in within a snapshot (e.g. "books.bin"). */
  readonly stateFile: string;
  /**
   * The name the data file had in an older encoding (e.g. "books.jsonl"): read when a snapshot
   * has no `stateFile`, so restoreState must tell the encodings apart (binary ones by their magic,
   * events/state-binary.ts).
   */
  readonly legacyStateFile?: string;
  captureState(): Iterable<Uint8Array>;
  restoreState(bytes: Uint8Array): void;
}

/**
 * Rows per chunk of a capture: each chunk is encoded in one turn of the event loop, so a chunk must
 * stay ~1 ms. 2,048 rows of the 100K-order bench took 10-20 ms of CPU per chunk under load; 512 keep
 * a turn to a few ms there (bench/keyframes.ts, "longest stall").
 */
export const ROWS_PER_CHUNK = 512;

/**
 * JSON lines from a header and the rows: copied by the caller, or read lazily from a consistent
 * capture (events/lazy-capture.ts); this only encodes. bigint values in the header are written as
 * decimal strings (the reader knows which fields they are); rows hold none.
 */
export function* jsonLines(header: unknown, rows: Iterable<unknown>, rowsPerChunk = ROWS_PER_CHUNK): Generator<Uint8Array> {
  yield Buffer.from(JSON.stringify(header, bigintText) + '\n');
  // Rows may be read lazily from live state (lazy-capture.ts): one chunk's worth per turn.
  let s = '';
  let n = 0;
  for (const r of rows) {
    // No replacer for rows (it makes JSON.stringify several times slower): rows hold no bigint
    // (their owners write ns as strings); a bigint here throws, it is never written wrongly.
    s += JSON.stringify(r) + '\n';
    if (++n === rowsPerChunk) {
      yield Buffer.from(s);
      s = '';
      n = 0;
    }
  }
  if (n > 0) yield Buffer.from(s);
}

/** Reads what jsonLines wrote: the header and the rows. */
export function readJsonLines(bytes: Uint8Array, what: string, format: string): { header: Record<string, unknown>; rows: unknown[] } {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let header: Record<string, unknown>;
  const rows: unknown[] = [];
  try {
    header = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    for (let i = 1; i < lines.length; i++) rows.push(JSON.parse(lines[i]!));
  } catch (e) {
    throw new TapedeckError('CORRUPT_SNAPSHOT', `${what}: not JSON lines: ${e instanceof Error ? e.message : String(e)}`, { file: what });
  }
  if (header?.format !== format) throw new TapedeckError('CORRUPT_SNAPSHOT', `${what}: format ${JSON.stringify(header?.format)}, expected ${format}`, { file: what });
  return { header, rows };
}

function bigintText(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}

/** Saves every part's state as one snapshot as of `seq` (whose record has ts `tsNs`). */
export function takeSnapshot(store: SnapshotStore, seq: number, tsNs: bigint, parts: readonly Stateful[], info: Record<string, string | number> = {}) {
  // Every capture happens now, before the first byte is written: the parts are copied at one instant.
  const files = parts.map((p) => ({ name: p.stateFile, data: p.captureState() }));
  return store.write(seq, tsNs, files, info);
}

/**
 * Restores every part from the newest valid snapshot `accept` accepts; returns its metadata (the
 * log is then to be applied from meta.seq + 1), or null when there is none (start from nothing).
 * A snapshot whose parts cannot be read is skipped like a damaged one (parts are restored again
 * from the next older one). `within`, when given, is a bound that holds for every snapshot up to
 * some seq and for none after (e.g. tsNs ≤ T): the store finds the newest such one by binary
 * search (SnapshotStore.newestWithin) instead of looking at every newer one.
 */
export function restoreSnapshot(
  store: SnapshotStore,
  parts: readonly Stateful[],
  accept: (meta: SnapshotMeta) => boolean = () => true,
  onWarning?: (name: string, problem: string) => void,
  within: (meta: SnapshotMeta) => boolean = () => true,
): SnapshotMeta | null {
  let bound = Infinity;
  for (;;) {
    const snap: LoadedSnapshot | null = store.newestWithin((m) => m.seq < bound && within(m), accept);
    if (!snap) return null;
    try {
      const has = new Set(snap.meta.files.map((f) => f.name));
      for (const p of parts) p.restoreState(snap.file(!has.has(p.stateFile) && p.legacyStateFile !== undefined && has.has(p.legacyStateFile) ? p.legacyStateFile : p.stateFile));
      return snap.meta;
    } catch (e) {
      if (!(e instanceof TapedeckError) || e.code !== 'CORRUPT_SNAPSHOT') throw e;
      onWarning?.(snap.name, e.message);
      bound = snap.meta.seq;
    }
  }
}
