/**
 * The seeded random source of a backtest (latency draws and ctx.random()): seedrandom's Alea, kept
 * state-bearing (`{ state: true }`), so an engine snapshot saves where the sequence stands and a
 * restored run draws exactly the numbers the uninterrupted run would have drawn next.
 *
 * Alea's state is four numbers (c: an integer carry, s0..s2: doubles in [0, 1)); JSON writes
 * doubles in their shortest round-trip form, so a state read back is the state written.
 */
import seedrandom from 'seedrandom';
import { TapedeckError } from '../errors.js';

export interface SeededRandomState {
  c: number;
  s0: number;
  s1: number;
  s2: number;
}

export class SeededRandom {
  private prng: seedrandom.StatefulPRNG<seedrandom.State.Alea>;

  /** The same sequence as seedrandom.alea(String(seed)): runs recorded before stay byte-identical. */
  constructor(seed: string | number) {
    this.prng = seedrandom.alea(String(seed), { state: true });
  }

  /** Uniform in [0, 1). */
  double(): number {
    return this.prng.double();
  }

  /** Where the sequence stands (a copy). */
  state(): SeededRandomState {
    return this.prng.state() as SeededRandomState;
  }

  /** Continues from a saved state (BAD_ARGUMENT when it is not one). */
  restore(state: unknown): void {
    const s = state as Partial<SeededRandomState> | null;
    const ok =
      typeof s === 'object' && s !== null && Number.isSafeInteger(s.c) &&
      [s.s0, s.s1, s.s2].every((x) => typeof x === 'number' && x >= 0 && x < 1);
    if (!ok) throw new TapedeckError('BAD_ARGUMENT', `not a random source state: ${JSON.stringify(state)}`, {});
    this.prng = seedrandom.alea('', { state: { c: s!.c!, s0: s!.s0!, s1: s!.s1!, s2: s!.s2! } });
  }
}
