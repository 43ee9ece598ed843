import type { InputSource } from './input.js';
import type { Recorder } from './recorder.js';
import { type VenueFormat } from './venues.js';
export interface LoopOptions {
    /** Stop early (SIGINT): the loop returns after the current batch. */
    signal?: AbortSignal;
    /** Called after each batch with the recorder's running counts. */
    onBatch?: () => void;
}
/** Canonical JSON lines; blank lines are skipped. */
export declare function recordJsonl(rec: Recorder, input: InputSource, opts?: LoopOptions): Promise<void>;
/** CSV with a header row of canonical field names. */
export declare function recordCsv(rec: Recorder, input: InputSource, opts?: LoopOptions): Promise<void>;
/**
 * A venue capture: each received message is mapped with the receive time as ts (the caller opens
 * the recorder with the source clock). Connect and sent lines are counted, not recorded. A receive
 * time that goes back is bad input, whatever kind of message the line holds.
 */
export declare function recordCapture(rec: Recorder, input: InputSource, format: VenueFormat, opts?: LoopOptions): Promise<void>;
/** Raw venue messages, one JSON per line (no capture prefix), stamped by the recorder's clock. */
export declare function recordVenueLines(rec: Recorder, input: InputSource, format: VenueFormat, opts?: LoopOptions): Promise<void>;
