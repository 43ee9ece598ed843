/** One hand-written event of every type (validated form), shared by the events tests. */
import type { TapeEvent } from '../src/events/types.js';
export declare const SAMPLES: readonly TapeEvent[];
export declare const sample: <T extends TapeEvent["type"]>(type: T) => Extract<TapeEvent, {
    type: T;
}>;
