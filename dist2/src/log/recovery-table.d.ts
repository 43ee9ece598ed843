/**
 * The recovery decision tables, as code (docs/FORMAT.md §12 and §13 describe them in prose).
 * Each table is a list of labelled rows; a decision is the one row whose conditions match. The
 * test in test/log-scanner.test.ts enumerates every combination of inputs and checks that exactly
 * one row matches each, so a gap or an overlap in the rules is a test failure, not a surprise.
 */
/**
 * How a reader treats a bad frame, after RocksDB's WAL recovery modes:
 * - 'tolerate-tail' (kTolerateCorruptedTailRecords, the default): an incomplete or garbage tail of
 *   the last, unsealed segment is the expected result of a crash and ends the log; corruption
 *   anywhere else is an error.
 * - 'absolute' (kAbsoluteConsistency): any bad byte, a torn tail included, is an error.
 * - 'point-in-time' (kPointInTimeRecovery): stop at the first bad record, keep everything before.
 * - 'skip' (kSkipAnyCorruptedRecords): salvage: skip each bad unit whole, report it, read on.
 */
export type RecoveryPolicy = 'tolerate-tail' | 'absolute' | 'point-in-time' | 'skip';
export declare const RECOVERY_POLICIES: readonly RecoveryPolicy[];
/** What the last segment looks like when a writer opens a recording. */
export type LastSegment = 'none' | 'sealed' | 'unsealed';
/** How the scan of the unsealed tail ended (the scanner's ending; 'n/a' when nothing was scanned). */
export type TailEnding = 'n/a' | 'end' | 'torn' | 'corrupt';
export type WriterAction = 
/** No segment yet: create segment 0. */
'create-first'
/** The last segment is sealed: create the next one. */
 | 'create-next'
/** The tail ends after a complete unit: append there. */
 | 'resume'
/** Cut goodEnd..EOF into a side file, truncate, append at goodEnd. */
 | 'cut-and-resume'
/** Refuse to open: TORN_TAIL, nothing modified. */
 | 'refuse-torn'
/** Refuse to open: CORRUPT_FRAME, nothing modified. */
 | 'refuse-corrupt';
interface Row<I, A> {
    label: string;
    when: {
        [K in keyof I]?: readonly I[K][];
    };
    action: A;
}
export interface WriterInput {
    last: LastSegment;
    ending: TailEnding;
    policy: RecoveryPolicy;
}
export declare const WRITER_TABLE: readonly Row<WriterInput, WriterAction>[];
export declare const WRITER_INPUTS: {
    last: readonly ["none", "sealed", "unsealed"];
    ending: readonly ["n/a", "end", "torn", "corrupt"];
    policy: readonly RecoveryPolicy[];
};
/** What a reader does at a scan ending. */
export type ReaderAction = 
/** The segment is done: go on to the next (or end the log). */
'next-segment'
/** Wait for more data (follow). */
 | 'wait'
/** End the log here, reporting a torn tail (records before it were delivered). */
 | 'end-torn'
/** End the log here, reporting the corruption (records before it were delivered). */
 | 'end-corrupt'
/** Report a skipped unit and read on after it. */
 | 'skip'
/** Throw TORN_TAIL. */
 | 'throw-torn'
/** Throw CORRUPT_FRAME. */
 | 'throw-corrupt';
export interface ReaderInput {
    ending: 'end' | 'pause' | 'torn' | 'corrupt';
    policy: RecoveryPolicy;
}
export declare const READER_TABLE: readonly Row<ReaderInput, ReaderAction>[];
export declare const READER_INPUTS: {
    ending: readonly ["end", "pause", "torn", "corrupt"];
    policy: readonly RecoveryPolicy[];
};
/** Every row whose conditions all hold (a well-formed table yields exactly one). */
export declare function matchingRows<I extends object, A>(table: readonly Row<I, A>[], input: I): Row<I, A>[];
export declare function decideWriter(input: WriterInput): WriterAction;
export declare function decideReader(input: ReaderInput): ReaderAction;
export {};
