/** collectGarbage: a full collection on demand, with no global gc left behind. */
import { setImmediate as turn } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { collectGarbage } from '../src/util/gc.js';

test('runs a full collection (an unreachable object is gone), and leaves no global gc behind', async () => {
  const hadGc = typeof (globalThis as { gc?: unknown }).gc === 'function';
  const ref = new WeakRef({ big: new Array(1000).fill(1) });
  // A WeakRef's target lives to the end of the job that made or read it.
  await turn();
  assert.is(collectGarbage(), true);
  assert.is(ref.deref(), undefined, 'the unreachable object was collected');
  assert.is(collectGarbage(), true, 'again');
  assert.is(typeof (globalThis as { gc?: unknown }).gc === 'function', hadGc, 'no global gc appeared');
});

test.run();
