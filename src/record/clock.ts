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
export function defaultClocks(): ClockSources {
  return {
    wallClock: () => BigInt(Date.now()) * 1_000_000n,
    monotonic: () => process.hrtime.bigint(),
  };
}

export class ReceiveClock {
  private readonly anchorWall: bigint;
  private readonly anchorMono: bigint;
  private last = -1n;

  constructor(private readonly sources: ClockSources) {
    this.anchorWall = sources.wallClock();
    this.anchorMono = sources.monotonic();
  }

  /** The wall time at the anchor (ns since epoch). */
  get anchor(): bigint {
    return this.anchorWall;
  }

  /** ns since epoch; never goes back, even if an injected monotonic source does. */
  now(): bigint {
    const t = this.anchorWall + (this.sources.monotonic() - this.anchorMono);
    if (t > this.last) this.last = t;
    return this.last;
  }
}
