export type TardisDataset = 'trades' | 'quotes' | 'book_snapshot' | 'incremental_book_L2';
export interface TardisLayout {
    dataset: TardisDataset;
    /** book_snapshot_N: N. */
    depth?: number;
    columns: ReadonlyMap<string, number>;
}
/** The dataset a header row names, or null when it is not a Tardis CSV header. */
export declare function detectTardis(header: readonly string[]): TardisLayout | null;
/** A draft event: what the recorder validates and stamps (runId, seq). */
export type Draft = Record<string, unknown> & {
    type: string;
    ts: bigint;
};
export interface TardisRow {
    localTs: bigint;
    symbol: string;
    drafts: Draft[];
}
/** Parses rows of one dataset into drafts; keeps the snapshot-run state of incremental_book_L2. */
export declare class TardisRows {
    readonly layout: TardisLayout;
    private readonly col;
    /** incremental_book_L2: the symbols whose snapshot run is in progress. */
    private readonly inSnapshot;
    constructor(layout: TardisLayout);
    row(cells: readonly string[], position: string): TardisRow;
}
/**
 * Groups consecutive rows with the same local_timestamp into one batch (one venue message) and
 * marks the last book event of each symbol in it with the last-in-message flag.
 */
export declare class TardisBatcher {
    private batch;
    private batchTs;
    /** Adds a row; returns the previous batch when this row starts a new one. */
    push(row: TardisRow): Draft[] | null;
    /** The batch in progress, finished (null when empty). */
    flush(): Draft[] | null;
}
