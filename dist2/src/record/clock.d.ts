/**
 * The recorder's clocks. The receive clock is a monotonic nanosecond counter anchored to the wall
 * clock once, at start: wall time is read exactly once, so an NTP step mid-session can never make
 * ts go back. Both sources are injectable; the real ones are read only in defaultClocks().
 */
export interface ClockSources {
    /** Wall clock, ns since the Unix epoch. Read once per session. */
    wallClock: () => bigint;
    /** Monotonic ns with an arbitrary origin. */
    monotonic: () => bigint;
}
/** The real clocks: Date.now() (ms, scaled to ns) and process.hrtime.bigint(). */
export declare function defaultClocks(): ClockSources;
export declare class ReceiveClock {
    private readonly sources;
    private readonly anchorWall;
    private readonly anchorMono;
    private last;
    constructor(sources: ClockSources);
    /** The wall time at the anchor (ns since epoch). */
    get anchor(): bigint;
    /** ns since epoch; never goes back, even if an injected monotonic source does. */
    now(): bigint;
}
