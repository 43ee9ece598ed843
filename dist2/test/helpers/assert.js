import * as assert from 'uvu/assert';
/** Asserts that `fn` rejects (or throws) with an error whose message matches, or that satisfies a predicate. */
export async function rejects(fn, expect) {
    try {
        await fn();
    }
    catch (err) {
        const ok = expect instanceof RegExp ? expect.test(err instanceof Error ? err.message : String(err)) : expect(err);
        assert.ok(ok, `unexpected error: ${err instanceof Error ? err.message : String(err)}`);
        return err;
    }
    assert.unreachable('expected a rejection');
}
//# sourceMappingURL=assert.js.map