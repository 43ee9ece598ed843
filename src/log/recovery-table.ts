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
export const RECOVERY_POLICIES: readonly RecoveryPolicy[] = ['tolerate-tail', 'absolute', 'point-in-time', 'skip'];

/** What the last segment looks like when a writer opens a recording. */
export type LastSegment = 'none' | 'sealed' | 'unsealed';
/** How the scan of the unsealed tail ended (the scanner's ending; 'n/a' when nothing was scanned). */
export type TailEnding = 'n/a' | 'end' | 'torn' | 'corrupt';

export type WriterAction =
  /** No segment yet: create segment 0. */
  | 'create-first'
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
  when: { [K in keyof I]?: readonly I[K][] };
  action: A;
}

export interface WriterInput {
  last: LastSegment;
  ending: TailEnding;
  policy: RecoveryPolicy;
}

const ALL_POLICIES = RECOVERY_POLICIES;

export const WRITER_TABLE: readonly Row<WriterInput, WriterAction>[] = [
  { label: 'W1 empty directory', when: { last: ['none'], ending: ['n/a'] }, action: 'create-first' },
  { label: 'W2 last segment sealed (clean close, or crash after sealing)', when: { last: ['sealed'], ending: ['n/a'] }, action: 'create-next' },
  { label: 'W3 tail ends after a complete unit', when: { last: ['unsealed'], ending: ['end'] }, action: 'resume' },
  { label: 'W4 torn tail, lenient policy: cut it', when: { last: ['unsealed'], ending: ['torn'], policy: ['tolerate-tail', 'point-in-time', 'skip'] }, action: 'cut-and-resume' },
  { label: 'W5 torn tail, absolute: refuse', when: { last: ['unsealed'], ending: ['torn'], policy: ['absolute'] }, action: 'refuse-torn' },
  { label: 'W6 corruption in the tail, salvage policy: cut from the last complete unit', when: { last: ['unsealed'], ending: ['corrupt'], policy: ['point-in-time', 'skip'] }, action: 'cut-and-resume' },
  { label: 'W7 corruption in the tail, strict policy: refuse', when: { last: ['unsealed'], ending: ['corrupt'], policy: ['tolerate-tail', 'absolute'] }, action: 'refuse-corrupt' },
  // Inputs that cannot occur (a scan ending without a tail to scan, or no scan of a tail) are rows
  // too, so the enumeration is total and an impossible input fails loudly.
  { label: 'W8 impossible: no tail scanned but an ending given, or a tail not scanned', when: { last: ['none', 'sealed'], ending: ['end', 'torn', 'corrupt'] }, action: 'refuse-corrupt' },
  { label: 'W9 impossible: unsealed tail without a scan', when: { last: ['unsealed'], ending: ['n/a'] }, action: 'refuse-corrupt' },
];

export const WRITER_INPUTS = {
  last: ['none', 'sealed', 'unsealed'] as const,
  ending: ['n/a', 'end', 'torn', 'corrupt'] as const,
  policy: ALL_POLICIES,
};

/** What a reader does at a scan ending. */
export type ReaderAction =
  /** The segment is done: go on to the next (or end the log). */
  | 'next-segment'
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

export const READER_TABLE: readonly Row<ReaderInput, ReaderAction>[] = [
  { label: 'R1 clean end of a segment', when: { ending: ['end'] }, action: 'next-segment' },
  { label: 'R2 following a live tail: no more data yet', when: { ending: ['pause'] }, action: 'wait' },
  { label: 'R3 torn tail, lenient policy', when: { ending: ['torn'], policy: ['tolerate-tail', 'point-in-time', 'skip'] }, action: 'end-torn' },
  { label: 'R4 torn tail, absolute', when: { ending: ['torn'], policy: ['absolute'] }, action: 'throw-torn' },
  { label: 'R5 corruption, strict policy', when: { ending: ['corrupt'], policy: ['tolerate-tail', 'absolute'] }, action: 'throw-corrupt' },
  { label: 'R6 corruption, point-in-time', when: { ending: ['corrupt'], policy: ['point-in-time'] }, action: 'end-corrupt' },
  { label: 'R7 corruption, skip', when: { ending: ['corrupt'], policy: ['skip'] }, action: 'skip' },
];

export const READER_INPUTS = {
  ending: ['end', 'pause', 'torn', 'corrupt'] as const,
  policy: ALL_POLICIES,
};

/** Every row whose conditions all hold (a well-formed table yields exactly one). */
export function matchingRows<I extends object, A>(table: readonly Row<I, A>[], input: I): Row<I, A>[] {
  return table.filter((row) =>
    (Object.keys(row.when) as (keyof I)[]).every((k) => (row.when[k] as readonly unknown[]).includes(input[k])),
  );
}

function decide<I extends object, A>(table: readonly Row<I, A>[], input: I, what: string): A {
  const rows = matchingRows(table, input);
  if (rows.length !== 1) {
    // An assertion, not an operating error: the table itself is wrong.
    throw new Error(`${what} decision table: ${rows.length} rows match ${JSON.stringify(input)}`);
  }
  return rows[0]!.action;
}

export function decideWriter(input: WriterInput): WriterAction {
  return decide(WRITER_TABLE, input, 'writer recovery');
}

export function decideReader(input: ReaderInput): ReaderAction {
  return decide(READER_TABLE, input, 'reader');
}
