/**
 * The `npm test` runner's two decisions (scripts/run-tests.ts): every test file lands in exactly
 * one shard, longest first onto the least-loaded one; and a shard's result is read from uvu's
 * own summary, a shard without one never counting as passed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseSummary, planShards } from '../scripts/run-tests.js';

test('run-tests - every file in exactly one shard; the heavy files spread over the shards', () => {
  const files = ['readme-snippets.test.js', 'sweep-nats.test.js', 'a.test.js', 'b.test.js', 'c.test.js', 'sweep-cli.test.js'];
  const two = planShards(files, 2);
  assert.is(two.length, 2);
  assert.equal(two.flatMap((s) => s.files).sort(), [...files].sort());
  const shardOf = (f: string) => two.findIndex((s) => s.files.includes(f));
  assert.is.not(shardOf('readme-snippets.test.js'), shardOf('sweep-nats.test.js'), 'the two longest files run at once');
  assert.ok(Math.abs(two[0]!.loadS - two[1]!.loadS) <= 70, `${two[0]!.loadS} vs ${two[1]!.loadS}`);
  assert.equal(planShards(files, 1)[0]!.files.sort(), [...files].sort());
  assert.is(planShards(['a.test.js'], 4).length, 1, 'no empty shards');
});

test('run-tests - the summary is uvu last Total/Passed/Skipped, colour codes and all; none is null', () => {
  const out = 'x.test.js\n  Total:     3\n  Passed:    3\n\n  Total:     \x1b[31m845\x1b[39m\n  Passed:    \x1b[31m844\x1b[39m\n  Skipped:   0\n  Duration:  1.00ms\n';
  assert.equal(parseSummary(out), { total: 845, passed: 844, skipped: 0 });
  assert.is(parseSummary('TypeError: boom\n    at x.js:1:1\n'), null);
  assert.is(parseSummary('  Total:     3\n'), null, 'a summary without Passed is no summary');
});

test.run();
