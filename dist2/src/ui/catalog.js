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
import { recordingInfo } from '../ops/info.js';
import { readStats, StatsTracker } from '../ops/stats.js';
import { backtestReport, readBacktestManifest } from './backtest-report.js';
import { Deck } from './deck.js';
import { Timeline } from './timeline.js';
import { VerifyJob } from './verify-job.js';
/** How deep `recordings/` is searched for recordings. */
const FIND_DEPTH = 3;
export class CatalogEntry {
    id;
    name;
    dir;
    infoCache = null;
    timelineCache = null;
    manifestCache = null;
    deckValue = null;
    verify;
    stats = new StatsTracker();
    constructor(id, 
    /** The directory as given (shown to the user). */
    name, dir) {
        this.id = id;
        this.name = name;
        this.dir = dir;
        this.verify = new VerifyJob(dir);
    }
    /** Names, sizes and mtimes of the segment files: what changes when the recording does. */
    signature() {
        let names;
        try {
            names = fs.readdirSync(this.dir).filter((n) => n.endsWith(SEGMENT_SUFFIX)).sort();
        }
        catch {
            return 'gone';
        }
        return names
            .map((n) => {
            try {
                const st = fs.statSync(path.join(this.dir, n));
                return `${n}:${st.size}:${st.mtimeMs}`;
            }
            catch {
                return `${n}:-`;
            }
        })
            .join('|');
    }
    info() {
        const sig = this.signature();
        if (this.infoCache?.sig !== sig)
            this.infoCache = { sig, info: recordingInfo(this.dir) };
        return this.infoCache.info;
    }
    timeline() {
        const sig = this.signature();
        if (this.timelineCache?.sig !== sig)
            this.timelineCache = { sig, tl: Timeline.build(this.dir) };
        return this.timelineCache.tl;
    }
    /** The backtest manifest when this recording is a backtest output, else null. */
    backtest() {
        const sig = this.signature();
        if (this.manifestCache?.sig !== sig)
            this.manifestCache = { sig, m: readBacktestManifest(this.dir) };
        return this.manifestCache.m;
    }
    deck() {
        this.deckValue ??= new Deck(this.dir, () => this.timeline());
        return this.deckValue;
    }
    live() {
        return this.stats.next(readStats(this.dir));
    }
    async close() {
        this.deckValue?.close();
        await this.verify.close();
    }
}
function isRecordingDir(dir) {
    try {
        return fs.readdirSync(dir).some((n) => n.endsWith(SEGMENT_SUFFIX));
    }
    catch {
        return false;
    }
}
/** Recording directories under `root` (depth-first, sorted, at most FIND_DEPTH levels down). */
export function findRecordings(root, depth = FIND_DEPTH) {
    if (isRecordingDir(root))
        return [root];
    if (depth === 0)
        return [];
    let entries;
    try {
        entries = fs.readdirSync(root, { withFileTypes: true });
    }
    catch {
        return [];
    }
    return entries
        .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
        .map((e) => e.name)
        .sort()
        .flatMap((n) => findRecordings(path.join(root, n), depth - 1));
}
export class Catalog {
    entries;
    byId;
    /** `dirs` as given on the command line; each must be an existing directory. */
    constructor(dirs) {
        const seen = new Set();
        this.entries = [];
        for (const d of dirs) {
            let st;
            try {
                st = fs.statSync(d);
            }
            catch {
                throw new TapedeckError('NOT_FOUND', `${d}: no such recording`, { path: d });
            }
            if (!st.isDirectory())
                throw new TapedeckError('NOT_FOUND', `${d}: not a recording directory`, { path: d });
            const real = fs.realpathSync(d);
            if (seen.has(real))
                continue;
            seen.add(real);
            this.entries.push(new CatalogEntry(`r${this.entries.length}`, d, real));
        }
        this.byId = new Map(this.entries.map((e) => [e.id, e]));
    }
    /** The entry of an id from a request; NOT_FOUND for anything else (never a path). */
    get(id) {
        const e = this.byId.get(id);
        if (!e)
            throw new TapedeckError('NOT_FOUND', "no such recording id (the ids are in /api/recordings)", {});
        return e;
    }
    /** Served recordings by digest (for a backtest's inputs). Computes info of each as needed. */
    byDigest() {
        const out = new Map();
        for (const e of this.entries) {
            try {
                out.set(e.info().digest, e.dir);
            }
            catch {
                // an unreadable recording is no input to anything
            }
        }
        return out;
    }
    report(id) {
        const e = this.get(id);
        if (!e.backtest())
            return null;
        return backtestReport(e.dir, this.byDigest());
    }
    async close() {
        await Promise.all(this.entries.map((e) => e.close()));
    }
}
//# sourceMappingURL=catalog.js.map