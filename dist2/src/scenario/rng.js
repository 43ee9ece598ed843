/**
 * The seeded random source of scenarios. Wraps seedrandom's Alea generator, chosen over the default
 * ARC4 because it is several times faster (generation draws a few numbers per tick, for hundreds of
 * thousands of ticks), passes BigCrush, and is plain double arithmetic, so a seed gives the same
 * sequence in every process and on every platform. Never Math.random.
 */
import seedrandom from 'seedrandom';
import { TapedeckError } from '../errors.js';
export class Rng {
    /** The seed string this source was created from (forks append `/label`). */
    seed;
    prng;
    constructor(seed) {
        this.seed = String(seed);
        this.prng = seedrandom.alea(this.seed);
    }
    /**
     * An independent source derived from this one's seed and a label, not from its state: a
     * generator's draws then do not depend on how many numbers other generators drew before it.
     */
    fork(label) {
        return new Rng(`${this.seed}/${label}`);
    }
    /** Uniform in [lo, hi) (default [0, 1)), with 53 bits of randomness. */
    uniform(lo = 0, hi = 1) {
        return lo + (hi - lo) * this.prng.double();
    }
    /** True with probability p. */
    chance(p) {
        return this.prng.double() < p;
    }
    /**
     * Normal(mean, sd) by Box-Muller in Marsaglia's polar form: it needs only log and sqrt (no
     * sin/cos), and draws no cached spare, so the result depends only on the sequence of draws.
     */
    normal(mean = 0, sd = 1) {
        let u;
        let v;
        let s;
        do {
            u = 2 * this.prng.double() - 1;
            v = 2 * this.prng.double() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s === 0);
        return mean + sd * u * Math.sqrt((-2 * Math.log(s)) / s);
    }
    /** Exponential with the given rate (mean 1/rate); always finite and >= 0. */
    exponential(rate) {
        if (!(rate > 0) || !Number.isFinite(rate)) {
            throw new TapedeckError('BAD_ARGUMENT', `exponential rate must be a positive number (got ${rate})`, { rate });
        }
        // 1 - u is in (0, 1], so the log is finite.
        return -Math.log(1 - this.prng.double()) / rate;
    }
    /** A uniform integer in [lo, hi], both ends included. */
    int(lo, hi) {
        if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) {
            throw new TapedeckError('BAD_ARGUMENT', `int(lo, hi) needs integers with lo <= hi (got ${lo}, ${hi})`, { lo, hi });
        }
        return lo + Math.floor(this.prng.double() * (hi - lo + 1));
    }
    /** A uniformly chosen element. */
    pick(items) {
        if (items.length === 0)
            throw new TapedeckError('BAD_ARGUMENT', 'pick() from an empty list');
        return items[Math.floor(this.prng.double() * items.length)];
    }
}
export function createRng(seed) {
    return new Rng(seed);
}
//# sourceMappingURL=rng.js.map