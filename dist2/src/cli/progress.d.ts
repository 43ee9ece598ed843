import type { Writable } from 'node:stream';
export interface ProgressOptions {
    /** What is being done, shown first (e.g. "import"). */
    label?: string;
    /** Total bytes, when known (files); enables % and ETA. */
    totalBytes?: number;
    /** Default process.stderr. */
    stream?: Writable & {
        isTTY?: boolean;
        columns?: number;
    };
    /** Force on/off; default: on when the stream is a TTY. */
    enabled?: boolean;
    /** Minimum ms between redraws (default 100). */
    intervalMs?: number;
}
export interface ProgressState {
    bytes: number;
    events: number;
    totalBytes?: number;
}
export interface Progress {
    readonly enabled: boolean;
    update(s: ProgressState): void;
    /** Clears the bar (call before printing a summary). */
    done(): void;
}
export declare function formatBytes(n: number): string;
export declare function formatCount(n: number): string;
export declare function formatDuration(s: number): string;
/** The bar's text for a state, `elapsedS` seconds in (pure: easy to test). */
export declare function renderProgress(label: string, s: ProgressState, elapsedS: number, width: number): string;
export declare function createProgress(opts?: ProgressOptions & {
    json?: boolean;
}): Progress;
