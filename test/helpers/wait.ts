/**
 * The one way tests wait for a state they cannot be told about by an event: poll `cond` until it
 * holds. The outcome is the state's, never the clock's: the deadline only turns a hang into a
 * failure that says what never happened, and it is generous because a loaded 2-core machine
 * (several suites, browsers, servers) can slow a step that takes milliseconds alone to seconds.
 * Loops bounded by a count of short sleeps (2-4 s in all) and then falling through to an assertion
 * were the pattern this replaces.
 */
export const WAIT_TIMEOUT_MS_DEFAULT = 30_000;

export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = WAIT_TIMEOUT_MS_DEFAULT, pollMs = 10): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
