/**
 * `crcAhead: true` (CLI `--crc-ahead`): the max-speed Replayer checks frame CRCs in a worker thread
 * ahead of the read (log/crc-ahead.ts). Over a recording big enough to use it, the events
 * delivered, the lines written and the error raised at damage are those of one thread (the
 * default). Record-level equivalence (every policy, batches, torn tails, idle and racing workers)
 * is in log-frame-run.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lastValueFrom } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventBus } from '../src/bus/index.js';
import { CRC_AHEAD_MIN_BYTES } from '../src/log/index.js';
import { Replayer } from '../src/replay/index.js';
import { TapedeckError } from '../src/errors.js';
import { cliPath, flipByte, rm, segmentFiles, tmpDir } from './helpers/tmp.js';
import { makeRecording, tick } from './replay-fixtures.js';

async function replay(dir: string, crcAhead: boolean): Promise<{ seqs: number; last: string; error: string | null }> {
  const bus = new EventBus();
  let seqs = 0;
  let last = '';
  bus.subscribe((ev) => {
    seqs += ev.seq!;
    last = JSON.stringify(ev, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
  });
  let error: string | null = null;
  try {
    await lastValueFrom(new Replayer(dir, bus, { crcAhead }).start({ speed: 'max' }), { defaultValue: undefined });
  } catch (e) {
    if (!(e instanceof TapedeckError)) throw e;
    error = `${e.code}: ${e.message}`;
  }
  return { seqs, last, error };
}

/** `tapedeck replay DIR --max --stats -o FILE` (through the replayer), with `--crc-ahead` or not. */
function cli(dir: string, out: string, crcAhead: boolean): { status: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [cliPath, 'replay', dir, '--max', '--stats', '-o', out, ...(crcAhead ? ['--crc-ahead'] : [])], { encoding: 'utf8' });
  // The stats line's rates and times differ between runs; its event count does not.
  return { status: r.status, out: fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '', err: r.stderr.replace(/^replay: (\d+ events).*$/m, '$1') };
}

test('max-speed replay with the CRC-ahead worker and without (library and CLI): same events, same error at damage', async () => {
  const n = 110_000;
  const dir = await makeRecording((function* () {
    for (let i = 0; i < n; i++) yield tick(i, { symbol: `S${i % 7}`, bid: 100 + (i % 13), ask: 101 + (i % 13) });
  })());
  try {
    const f = path.join(dir, segmentFiles(dir)[0]!);
    const size = fs.statSync(f).size;
    assert.ok(size > CRC_AHEAD_MIN_BYTES + 64, `the recording (${size} bytes) is big enough for the worker`);
    const clean = await replay(dir, false);
    assert.is(clean.error, null);
    assert.is(clean.seqs, (n * (n - 1)) / 2);
    assert.equal(await replay(dir, true), clean);
    const outDir = tmpDir();
    try {
      const one = cli(dir, path.join(outDir, 'one.jsonl'), false);
      assert.is(one.status, 0, one.err);
      assert.match(one.err, `${n} events`);
      assert.equal(cli(dir, path.join(outDir, 'two.jsonl'), true), one);
    } finally {
      rm(outDir);
    }
    // Damage past the worker's first stretch: what it checked before it is trusted, the rest not.
    flipByte(f, size - 5000);
    const one = await replay(dir, false);
    assert.match(one.error ?? '', /^CORRUPT_FRAME: .*corrupt at byte \d+ /);
    assert.equal(await replay(dir, true), one);
  } finally {
    rm(dir);
  }
});

test.run();
