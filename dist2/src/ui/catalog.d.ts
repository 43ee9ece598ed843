import { type RecordingInfo } from '../ops/info.js';
import { StatsTracker } from '../ops/stats.js';
import { type BacktestManifest, type BacktestReport } from './backtest-report.js';
import { Deck } from './deck.js';
import { Timeline } from './timeline.js';
import { VerifyJob } from './verify-job.js';
export declare class CatalogEntry {
    readonly id: string;
    /** The directory as given (shown to the user). */
    readonly name: string;
    readonly dir: string;
    private infoCache;
    private timelineCache;
    private manifestCache;
    private deckValue;
    readonly verify: VerifyJob;
    readonly stats: StatsTracker;
    constructor(id: string, 
    /** The directory as given (shown to the user). */
    name: string, dir: string);
    /** Names, sizes and mtimes of the segment files: what changes when the recording does. */
    signature(): string;
    info(): RecordingInfo;
    timeline(): Timeline;
    /** The backtest manifest when this recording is a backtest output, else null. */
    backtest(): BacktestManifest | null;
    deck(): Deck;
    live(): import("../ops/stats.js").StatsView;
    close(): Promise<void>;
}
/** Recording directories under `root` (depth-first, sorted, at most FIND_DEPTH levels down). */
export declare function findRecordings(root: string, depth?: number): string[];
export declare class Catalog {
    readonly entries: CatalogEntry[];
    private readonly byId;
    /** `dirs` as given on the command line; each must be an existing directory. */
    constructor(dirs: readonly string[]);
    /** The entry of an id from a request; NOT_FOUND for anything else (never a path). */
    get(id: string): CatalogEntry;
    /** Served recordings by digest (for a backtest's inputs). Computes info of each as needed. */
    byDigest(): Map<string, string>;
    report(id: string): BacktestReport | null;
    close(): Promise<void>;
}
