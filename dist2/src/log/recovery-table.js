/**
 * The recovery decision tables, as code (docs/FORMAT.md §12 and §13 describe them in prose).
 * Each table is a list of labelled rows; a decision is the one row whose conditions match. The
 * test in test/log-scanner.test.ts enumerates every combination of inputs and checks that exactly
 * one row matches each, so a gap or an overlap in the rules is a test failure, not a surprise.
 */
export const RECOVERY_POLICIES = ['tolerate-tail', 'absolute', 'point-in-time', 'skip'];
const ALL_POLICIES = RECOVERY_POLICIES;
export const WRITER_TABLE = [
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
    last: ['none', 'sealed', 'unsealed'],
    ending: ['n/a', 'end', 'torn', 'corrupt'],
    policy: ALL_POLICIES,
};
export const READER_TABLE = [
    { label: 'R1 clean end of a segment', when: { ending: ['end'] }, action: 'next-segment' },
    { label: 'R2 following a live tail: no more data yet', when: { ending: ['pause'] }, action: 'wait' },
    { label: 'R3 torn tail, lenient policy', when: { ending: ['torn'], policy: ['tolerate-tail', 'point-in-time', 'skip'] }, action: 'end-torn' },
    { label: 'R4 torn tail, absolute', when: { ending: ['torn'], policy: ['absolute'] }, action: 'throw-torn' },
    { label: 'R5 corruption, strict policy', when: { ending: ['corrupt'], policy: ['tolerate-tail', 'absolute'] }, action: 'throw-corrupt' },
    { label: 'R6 corruption, point-in-time', when: { ending: ['corrupt'], policy: ['point-in-time'] }, action: 'end-corrupt' },
    { label: 'R7 corruption, skip', when: { ending: ['corrupt'], policy: ['skip'] }, action: 'skip' },
];
export const READER_INPUTS = {
    ending: ['end', 'pause', 'torn', 'corrupt'],
    policy: ALL_POLICIES,
};
/** Every row whose conditions all hold (a well-formed table yields exactly one). */
export function matchingRows(table, input) {
    return table.filter((row) => Object.keys(row.when).every((k) => row.when[k].includes(input[k])));
}
function decide(table, input, what) {
    const rows = matchingRows(table, input);
    if (rows.length !== 1) {
        // An assertion, not an operating error: the table itself is wrong.
        throw new Error(`${what} decision table: ${rows.length} rows match ${JSON.stringify(input)}`);
    }
    return rows[0].action;
}
export function decideWriter(input) {
    return decide(WRITER_TABLE, input, 'writer recovery');
}
export function decideReader(input) {
    return decide(READER_TABLE, input, 'reader');
}
//# sourceMappingURL=recovery-table.js.map