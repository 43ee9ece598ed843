/**
 * Order intents left open: after a crash, a process that logged `new` before acting asks which
 * orders never reached a terminal state. Pure over an iterable, so it works on any event source.
 */
import { openRecording } from './recording.js';
const TERMINAL_ACTIONS = new Set(['cancel', 'reject', 'expire']);
/**
 * Fills are summed in floating point, so "the whole qty" allows a relative error of 1e-9: 0.1 +
 * 0.2 fills close a 0.3 order.
 */
function isFilled(filled, qty) {
    return filled >= qty - Math.abs(qty) * 1e-9;
}
/**
 * Orders whose `new` was seen with no later terminal event for the same (runId, orderId): a
 * cancel, reject or expire, or fills summing to the whole qty. A repeated `new` for an open
 * orderId replaces the earlier intent. Result in the order the `new` events appeared.
 */
export function pendingOrders(source, options = {}) {
    // A recording directory (or an open one) is read for its order and fill events only.
    const events = typeof source === 'string' || isRecording(source)
        ? (typeof source === 'string' ? openRecording(source) : source).events({ types: ['order', 'fill'], runId: options.runId })
        : source;
    const open = new Map();
    for (const ev of events) {
        if (options.runId !== undefined && ev.runId !== options.runId)
            continue;
        if (ev.type !== 'order' && ev.type !== 'fill')
            continue;
        // orderIds are scoped to their run; JSON keeps the pair unambiguous whatever the strings hold.
        const key = JSON.stringify([ev.runId, ev.orderId]);
        if (ev.type === 'order') {
            if (ev.action === 'new') {
                open.delete(key); // re-insert so the result follows the latest `new`
                open.set(key, { order: ev, qty: ev.qty, filledQty: 0 });
                continue;
            }
            const p = open.get(key);
            if (!p)
                continue;
            if (TERMINAL_ACTIONS.has(ev.action))
                open.delete(key);
            else if (ev.action === 'replace') {
                p.qty = ev.qty;
                if (isFilled(p.filledQty, p.qty))
                    open.delete(key);
            }
        }
        else {
            const p = open.get(key);
            if (!p)
                continue;
            p.filledQty += ev.qty;
            if (isFilled(p.filledQty, p.qty))
                open.delete(key);
        }
    }
    return [...open.values()];
}
function isRecording(x) {
    return typeof x === 'object' && x !== null && 'reader' in x && typeof x.events === 'function';
}
//# sourceMappingURL=pending.js.map