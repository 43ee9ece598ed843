export type CaptureLine = {
    kind: 'message';
    ts: bigint;
    message: string;
} | {
    kind: 'connect';
    ts: bigint;
    url: string;
} | {
    kind: 'sent';
    ts: bigint;
    url: string;
    message: string;
};
/** "1618677817.0618958" → ns (fractions past 9 digits are truncated: below a ns). */
export declare function secondsToNs(whole: string, frac: string | undefined): bigint;
export declare function parseCaptureLine(text: string, position?: string): CaptureLine;
