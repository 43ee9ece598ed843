import type { TapeEvent } from '../src/events/types.js';
/** One unit of writing: a single event, or an atomic batch (Log.writeBatch). */
export type FixtureUnit = TapeEvent | {
    batch: TapeEvent[];
};
export interface FixtureSpec {
    /** Directory name under recordings/fixtures/. */
    name: string;
    description: string;
    segmentBytes: number;
    indexEveryBytes: number;
    units: FixtureUnit[];
}
export declare const T0 = 1700000000000000000n;
export declare function fixtureSpecs(): FixtureSpec[];
/** The events of a spec in log order (batches flattened), validated, each with the seq the log assigns. */
export declare function fixtureEvents(spec: FixtureSpec): TapeEvent[];
/** Writes one fixture into `root/<name>` (which must not exist) and returns the directory. */
export declare function writeFixture(spec: FixtureSpec, root: string): Promise<string>;
export declare function writeFixtures(root: string): Promise<string[]>;
