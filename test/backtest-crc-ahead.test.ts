/**
 * `crcAhead: true` (CLI `backtest --crc-ahead`): the inputs' frame CRCs are checked in a worker
 * thread ahead of the read (log/crc-ahead.ts). Over an input big enough to use it, the output
 * recording is the one of one thread, byte for byte (its digest), and damage in the input raises
 * the same error. Record-level equivalence (policies, torn tails, idle and racing workers) is in
 * log-frame-run; the replayer's in replay-crc-ahead.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backtestRecordings } from '../src/backtest/index.js';
import { TapedeckError } from '../src/errors.js';
import { CRC_AHEAD_MIN_BYTES } from '../src/log/index.js';
import { MA_JS } from './helpers/backtest-inputs.js';
import { runCli } from './helpers/cli.js';
import { flipByte, rm, segmentFiles, tmpDir } from './helpers/tmp.js';
import { makeRecording, tick } from './replay-fixtures.js';

async function run(input: string, out: string, crcAhead: boolean): Promise<string> {
  try {
    const r = await backtestRecordings([input], { strategyPath: MA_JS, out, force: true, crcAhead });
    return `${r.digest} ${r.records} ${r.summary.trades}`;
  } catch (e) {
    if (!(e instanceof TapedeckError)) throw e;
    return `${e.code}: ${e.message}`;
  }
}

test('backtest with the CRC-ahead worker and without (library and CLI): the same output recording, the same error at damage', async () => {
  const n = 80_000;
  const input = await makeRecording((function* () {
    for (let i = 0; i < n; i++) {
      const px = 100 + Math.round(10 * Math.sin(i / 40)) / 100;
      yield tick(i, { symbol: `S${i % 3}`, bid: px, ask: px + 0.01 });
    }
  })());
  const root = tmpDir('tapedeck-bt-crc-');
  try {
    const f = path.join(input, segmentFiles(input)[0]!);
    const size = fs.statSync(f).size;
    assert.ok(size > CRC_AHEAD_MIN_BYTES + 64, `the input (${size} bytes) is big enough for the worker`);
    const one = await run(input, path.join(root, 'one'), false);
    assert.match(one, /^[0-9a-f]{64} \d+ [1-9]\d*$/, 'a run that trades');
    assert.is(await run(input, path.join(root, 'two'), true), one);
    const cli = await runCli(['backtest', input, '--strategy', MA_JS, '--out', path.join(root, 'three'), '--crc-ahead', '--json']);
    assert.is(cli.code, 0, cli.stderr);
    assert.is((JSON.parse(cli.stdout) as { digest: string }).digest, one.split(' ')[0]);
    const paced = await runCli(['backtest', input, '--strategy', MA_JS, '--out', path.join(root, 'four'), '--crc-ahead', '--speed', '10']);
    assert.is(paced.code, 2);
    assert.match(paced.stderr, '--crc-ahead needs --speed max');
    // Damage past the worker's first stretch: what it checked before it is trusted, the rest not.
    flipByte(f, size - 5000);
    const bad = await run(input, path.join(root, 'one'), false);
    assert.match(bad, /^CORRUPT_FRAME: .*corrupt at byte \d+ /);
    assert.is(await run(input, path.join(root, 'two'), true), bad);
  } finally {
    rm(root);
    rm(input);
  }
});

test.run();
