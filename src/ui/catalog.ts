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
import { readBacktestManifest, type BacktestManifest, type BacktestReport } from './backtest-report.js';
import { Deck } from './deck.js';
import { runJob } from './jobs.js';
import { Timeline, type TimelineParts } from './timeline.js';
import { VerifyJob } from './verify-job.js';

/** How deep `recordings/` is searched for recordings. */
const FIND_DEPTH = 3;

/** A value computed per version of a recording's files, once (concurrent askers share it). */
class Cached<T> {
  private sig: string | null = null;
  private value: Promise<T> | null = null;
  get(sig: string, compute: () => Promise<T>): Promise<T> {
    if (this.sig !== sig || this.value === null) {
      this.sig = sig;
      const v = compute();
      this.value = v;
      // A failure is not kept: the next ask computes again.
      v.catch(() => {
        if (this.value === v) this.value = null;
      });
    }
    return this.value;
  }
}

export class CatalogEntry {
  private readonly infoCache = new Cached<RecordingInfo>();
  private readonly timelineCache = new Cached<Timeline>();
  private readonly reportCache = new Cached<BacktestReport | null>();
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

  /** recordingInfo, read in a worker thread. */
  info(): Promise<RecordingInfo> {
    return this.infoCache.get(this.signature(), () => runJob<RecordingInfo>({ job: 'info', dir: this.dir }).result);
  }

  /** The timeline columns, built in a worker thread. */
  timeline(): Promise<Timeline> {
    return this.timelineCache.get(this.signature(), async () => Timeline.restore(await runJob<TimelineParts>({ job: 'timeline', dir: this.dir }).result));
  }

  /** The backtest manifest when this recording is a backtest output, else null (reads system events only). */
  backtest(): BacktestManifest | null {
    const sig = this.signature();
    if (this.manifestCache?.sig !== sig) this.manifestCache = { sig, m: readBacktestManifest(this.dir) };
    return this.manifestCache.m;
  }

  /** The backtest report (null when not a backtest), built in a worker thread. */
  report(inputs: () => Promise<Map<string, string>>): Promise<BacktestReport | null> {
    if (!this.backtest()) return Promise.resolve(null);
    return this.reportCache.get(this.signature(), async () => runJob<BacktestReport | null>({ job: 'report', dir: this.dir, inputs: [...(await inputs())] }).result);
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
  async byDigest(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const e of this.entries) {
      try {
        out.set((await e.info()).digest, e.dir);
      } catch {
        // an unreadable recording is no input to anything
      }
    }
    return out;
  }

  report(id: string): Promise<BacktestReport | null> {
    return this.get(id).report(() => this.byDigest());
  }

  async close(): Promise<void> {
    await Promise.all(this.entries.map((e) => e.close()));
  }
}
