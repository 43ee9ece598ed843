/**
 * The recordings a UI server serves, fixed when it starts: the directories given, or every
 * recording found under `recordings/`. The browser names them by id (r0, r1, …) only; no path
 * from a request ever reaches the file system. Per recording the catalog keeps what is costly to
 * compute (info, the timeline, a backtest report) until the recording's files change, and the
 * long-lived parts (the deck, the verify job, the live stats tracker).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TapedeckError } from '../errors.js';
import { SEGMENT_SUFFIX } from '../log/names.js';
import { recordingInfo, type RecordingInfo } from '../ops/info.js';
import { readStats, StatsTracker } from '../ops/stats.js';
import { backtestReport, readBacktestManifest, type BacktestManifest, type BacktestReport } from './backtest-report.js';
import { Deck } from './deck.js';
import { Timeline } from './timeline.js';
import { VerifyJob } from './verify-job.js';

/** How deep `recordings/` is searched for recordings. */
const FIND_DEPTH = 3;

export class CatalogEntry {
  private infoCache: { sig: string; info: RecordingInfo } | null = null;
  private timelineCache: { sig: string; tl: Timeline } | null = null;
  private manifestCache: { sig: string; m: BacktestManifest | null } | null = null;
  private deckValue: Deck | null = null;
  readonly verify: VerifyJob;
  readonly stats = new StatsTracker();

  constructor(
    readonly id: string,
    /** The directory as given (shown to the user). */
    readonly name: string,
    readonly dir: string,
  ) {
    this.verify = new VerifyJob(dir);
  }

  /** Names, sizes and mtimes of the segment files: what changes when the recording does. */
  signature(): string {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir).filter((n) => n.endsWith(SEGMENT_SUFFIX)).sort();
    } catch {
      return 'gone';
    }
    return names
      .map((n) => {
        try {
          const st = fs.statSync(path.join(this.dir, n));
          return `${n}:${st.size}:${st.mtimeMs}`;
        } catch {
          return `${n}:-`;
        }
      })
      .join('|');
  }

  info(): RecordingInfo {
    const sig = this.signature();
    if (this.infoCache?.sig !== sig) this.infoCache = { sig, info: recordingInfo(this.dir) };
    return this.infoCache.info;
  }

  timeline(): Timeline {
    const sig = this.signature();
    if (this.timelineCache?.sig !== sig) this.timelineCache = { sig, tl: Timeline.build(this.dir) };
    return this.timelineCache.tl;
  }

  /** The backtest manifest when this recording is a backtest output, else null. */
  backtest(): BacktestManifest | null {
    const sig = this.signature();
    if (this.manifestCache?.sig !== sig) this.manifestCache = { sig, m: readBacktestManifest(this.dir) };
    return this.manifestCache.m;
  }

  deck(): Deck {
    this.deckValue ??= new Deck(this.dir, () => this.timeline());
    return this.deckValue;
  }

  live() {
    return this.stats.next(readStats(this.dir));
  }

  async close(): Promise<void> {
    this.deckValue?.close();
    await this.verify.close();
  }
}

function isRecordingDir(dir: string): boolean {
  try {
    return fs.readdirSync(dir).some((n) => n.endsWith(SEGMENT_SUFFIX));
  } catch {
    return false;
  }
}

/** Recording directories under `root` (depth-first, sorted, at most FIND_DEPTH levels down). */
export function findRecordings(root: string, depth = FIND_DEPTH): string[] {
  if (isRecordingDir(root)) return [root];
  if (depth === 0) return [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(root, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort()
    .flatMap((n) => findRecordings(path.join(root, n), depth - 1));
}

export class Catalog {
  readonly entries: CatalogEntry[];
  private readonly byId: Map<string, CatalogEntry>;

  /** `dirs` as given on the command line; each must be an existing directory. */
  constructor(dirs: readonly string[]) {
    const seen = new Set<string>();
    this.entries = [];
    for (const d of dirs) {
      let st: fs.Stats;
      try {
        st = fs.statSync(d);
      } catch {
        throw new TapedeckError('NOT_FOUND', `${d}: no such recording`, { path: d });
      }
      if (!st.isDirectory()) throw new TapedeckError('NOT_FOUND', `${d}: not a recording directory`, { path: d });
      const real = fs.realpathSync(d);
      if (seen.has(real)) continue;
      seen.add(real);
      this.entries.push(new CatalogEntry(`r${this.entries.length}`, d, real));
    }
    this.byId = new Map(this.entries.map((e) => [e.id, e]));
  }

  /** The entry of an id from a request; NOT_FOUND for anything else (never a path). */
  get(id: string): CatalogEntry {
    const e = this.byId.get(id);
    if (!e) throw new TapedeckError('NOT_FOUND', "no such recording id (the ids are in /api/recordings)", {});
    return e;
  }

  /** Served recordings by digest (for a backtest's inputs). Computes info of each as needed. */
  byDigest(): Map<string, string> {
    const out = new Map<string, string>();
    for (const e of this.entries) {
      try {
        out.set(e.info().digest, e.dir);
      } catch {
        // an unreadable recording is no input to anything
      }
    }
    return out;
  }

  report(id: string): BacktestReport | null {
    const e = this.get(id);
    if (!e.backtest()) return null;
    return backtestReport(e.dir, this.byDigest());
  }

  async close(): Promise<void> {
    await Promise.all(this.entries.map((e) => e.close()));
  }
}
