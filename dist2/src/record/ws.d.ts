import type { Recorder } from './recorder.js';
import { type VenueFormat } from './venues.js';
export type WsFormat = 'canonical' | VenueFormat;
export interface BackoffOptions {
    /** First retry delay (default 250 ms). */
    initialMs?: number;
    /** Cap (default 30 s). */
    maxMs?: number;
    /** Growth per failed attempt (default 2). */
    factor?: number;
}
export interface WsSourceOptions {
    url: string;
    /** 'canonical' (default): each message is one canonical JSON event. */
    format?: WsFormat;
    /** Messages sent after every (re)connect, e.g. a Coinbase subscribe request. */
    send?: readonly string[];
    backoff?: BackoffOptions;
    /** Give up after this many consecutive failed attempts (default: never). */
    maxAttempts?: number;
    /** Stops the feed: the socket is closed and the promise resolves. */
    signal?: AbortSignal;
    /** Connection status lines for a human (connected, lost, retrying). */
    onStatus?: (msg: string) => void;
}
export declare function backoffDelay(attempt: number, b?: BackoffOptions): number;
/** Records the feed until `signal` aborts (resolves) or strict bad input / an I/O error (rejects). */
export declare function recordWebSocket(rec: Recorder, opts: WsSourceOptions): Promise<void>;
