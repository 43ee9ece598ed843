export declare class Rng {
    /** The seed string this source was created from (forks append `/label`). */
    readonly seed: string;
    private readonly prng;
    constructor(seed: string | number);
    /**
     * An independent source derived from this one's seed and a label, not from its state: a
     * generator's draws then do not depend on how many numbers other generators drew before it.
     */
    fork(label: string): Rng;
    /** Uniform in [lo, hi) (default [0, 1)), with 53 bits of randomness. */
    uniform(lo?: number, hi?: number): number;
    /** True with probability p. */
    chance(p: number): boolean;
    /**
     * Normal(mean, sd) by Box-Muller in Marsaglia's polar form: it needs only log and sqrt (no
     * sin/cos), and draws no cached spare, so the result depends only on the sequence of draws.
     */
    normal(mean?: number, sd?: number): number;
    /** Exponential with the given rate (mean 1/rate); always finite and >= 0. */
    exponential(rate: number): number;
    /** A uniform integer in [lo, hi], both ends included. */
    int(lo: number, hi: number): number;
    /** A uniformly chosen element. */
    pick<T>(items: readonly T[]): T;
}
export declare function createRng(seed: string | number): Rng;
