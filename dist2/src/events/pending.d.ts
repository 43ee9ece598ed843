/**
 * Order intents left open: after a crash, a process that logged `new` before acting asks which
 * orders never reached a terminal state. Pure over an iterable, so it works on any event source.
 */
import { type Recording } from './recording.js';
import type { OrderEvent, TapeEvent } from './types.js';
export interface PendingOptions {
    /** Only consider events of this run. */
    runId?: string;
}
export interface PendingOrder {
    /** The `new` event that opened the intent. */
    order: OrderEvent;
    /** Quantity the order currently asks for (a `replace` may change it). */
    qty: number;
    /** Sum of fills seen so far. */
    filledQty: number;
}
/**
 * Orders whose `new` was seen with no later terminal event for the same (runId, orderId): a
 * cancel, reject or expire, or fills summing to the whole qty. A repeated `new` for an open
 * orderId replaces the earlier intent. Result in the order the `new` events appeared.
 */
export declare function pendingOrders(source: Iterable<TapeEvent> | Recording | string, options?: PendingOptions): PendingOrder[];
