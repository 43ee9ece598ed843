/**
 * The six event types of a trading session. `ts` is exact integer nanoseconds since the Unix
 * epoch (a bigint: int64 does not fit a double); `seq` is assigned by the log when stored.
 */
export const EVENT_TYPES = ['tick', 'order', 'fill', 'signal', 'risk', 'system'];
/** The log record type tag of each event type (u8 in the frame). 0 is never used. */
export const TYPE_TAG = {
    tick: 1,
    order: 2,
    fill: 3,
    signal: 4,
    risk: 5,
    system: 6,
};
export const TAG_TYPE = new Map(Object.entries(TYPE_TAG).map(([t, n]) => [n, t]));
/** The payload schema version this code writes; stored in every segment header. */
export const SCHEMA_VERSION = 1;
//# sourceMappingURL=types.js.map