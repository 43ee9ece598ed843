/**
 * The recorder's clocks. The receive clock is a monotonic nanosecond counter anchored to the wall
 * clock once, at start: wall time is read exactly once, so an NTP step mid-session can never make
 * ts go back. Both sources are injectable; the real ones are read only in defaultClocks().
 */
/** The real clocks: Date.now() (ms, scaled to ns) and process.hrtime.bigint(). */
export function defaultClocks() {
    return {
        wallClock: () => BigInt(Date.now()) * 1000000n,
        monotonic: () => process.hrtime.bigint(),
    };
}
export class ReceiveClock {
    sources;
    anchorWall;
    anchorMono;
    last = -1n;
    constructor(sources) {
        this.sources = sources;
        this.anchorWall = sources.wallClock();
        this.anchorMono = sources.monotonic();
    }
    /** The wall time at the anchor (ns since epoch). */
    get anchor() {
        return this.anchorWall;
    }
    /** ns since epoch; never goes back, even if an injected monotonic source does. */
    now() {
        const t = this.anchorWall + (this.sources.monotonic() - this.anchorMono);
        if (t > this.last)
            this.last = t;
        return this.last;
    }
}
//# sourceMappingURL=clock.js.map