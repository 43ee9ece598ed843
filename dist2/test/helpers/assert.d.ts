/** Asserts that `fn` rejects (or throws) with an error whose message matches, or that satisfies a predicate. */
export declare function rejects(fn: () => Promise<unknown> | unknown, expect: RegExp | ((err: unknown) => boolean)): Promise<unknown>;
