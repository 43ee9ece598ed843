import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openEventLog, writeEvent } from '../src/events/recording.js';
import { repair } from '../src/log/recovery.js';
import { compactRecording } from '../src/ops/compact.js';
import { recordingInfo } from '../src/ops/info.js';
import { digestRecordingDetailed } from '../src/verify/digest.js';
import { cachedDigest, DIGEST_CACHE_NAME, digestCacheKey, readDigestCache, writeDigestCache } from '../src/verify/digest-cache.js';
import { verifyRecording } from '../src/verify/integrity.js';
import { cli, fixtureEvents, MS, T0, writeRecording } from './ops-fixtures.js';
import { flipByte, rm, segmentFiles, tmpDir } from './helpers/tmp.js';

const OLD = new Date('2020-01-01T00:00:00Z');
const FAKE = 'f'.repeat(64);

let base = '';
let n = 0;
test.before(() => {
  base = tmpDir('tapedeck-digest-cache-');
});
test.after(() => rm(base));

/** A closed (all sealed) recording whose segments were last modified long ago: cacheable. */
async function agedRecording(): Promise<string> {
  const dir = path.join(base, `rec${n++}`);
  await writeRecording(dir);
  age(dir);
  return dir;
}

function age(dir: string): void {
  for (const f of segmentFiles(dir)) fs.utimesSync(path.join(dir, f), OLD, OLD);
}

const cacheFile = (dir: string) => path.join(dir, DIGEST_CACHE_NAME);

/** Replaces the cached digest with FAKE, key untouched: a later FAKE result proves a cache hit. */
function fakeCachedDigest(dir: string): void {
  const c = JSON.parse(fs.readFileSync(cacheFile(dir), 'utf8')) as { digest: string };
  c.digest = FAKE;
  fs.writeFileSync(cacheFile(dir), JSON.stringify(c));
}

test('cache: a miss computes and stores; a hit gives the same digest without reading', async () => {
  const dir = await agedRecording();
  const truth = digestRecordingDetailed(dir);
  assert.not.ok(fs.existsSync(cacheFile(dir)));
  assert.equal(cachedDigest(dir), truth);
  assert.ok(fs.existsSync(cacheFile(dir)), 'the cache was written');
  assert.equal(cachedDigest(dir), truth);
  fakeCachedDigest(dir);
  assert.is(cachedDigest(dir).digest, FAKE, 'served from the cache');
  // The digest itself never reads the cache.
  assert.is(digestRecordingDetailed(dir).digest, truth.digest);
});

test('cache: verify always recomputes (library and CLI), whatever the cache says', async () => {
  const dir = await agedRecording();
  const truth = cachedDigest(dir).digest;
  fakeCachedDigest(dir);
  assert.is(verifyRecording(dir).digest, truth);
  // The fixture holds a recorded feed gap: intact, exit 3 (verify-cli tests that verdict).
  const r = await cli(['verify', dir, '--json']);
  assert.is(r.code, 3, r.stderr);
  assert.is((JSON.parse(r.stdout) as { digest: string; status: string }).status, 'gaps');
  assert.is((JSON.parse(r.stdout) as { digest: string }).digest, truth);
});

test('cache: an append invalidates', async () => {
  const dir = await agedRecording();
  cachedDigest(dir);
  fakeCachedDigest(dir);
  const log = await openEventLog(dir, { durability: 'async' });
  writeEvent(log, { ...fixtureEvents()[0]!, ts: T0 + 100n * MS });
  await log.close();
  const got = cachedDigest(dir);
  assert.equal(got, digestRecordingDetailed(dir));
  assert.is(got.records, fixtureEvents().length + 1);
});

test('cache: a byte flipped in a sealed segment (size unchanged) invalidates, even with its mtime restored', async () => {
  const dir = await agedRecording();
  cachedDigest(dir);
  const seg = path.join(dir, segmentFiles(dir)[1]!);
  const key = digestCacheKey(dir)!;
  flipByte(seg, 80);
  assert.not.equal(digestCacheKey(dir)!.key, key.key, 'mtime changed');
  fs.utimesSync(seg, OLD, OLD);
  assert.not.equal(digestCacheKey(dir)!.key, key.key, 'ctime changed');
  assert.throws(() => cachedDigest(dir), /CRC|corrupt/i, 'recomputed: the corruption is found, not the cached digest returned');
});

test('cache: compaction invalidates', async () => {
  const dir = await agedRecording();
  cachedDigest(dir);
  fakeCachedDigest(dir);
  const report = await compactRecording(dir, { before: T0 + 30n * MS });
  assert.ok(report.removed.length > 0, 'compaction removed segments');
  const got = cachedDigest(dir);
  assert.not.equal(got.digest, FAKE);
  assert.equal(got, digestRecordingDetailed(dir));
});

test('cache: a sealed segment cut short invalidates (the manifest then reports the truncation)', async () => {
  const dir = await agedRecording();
  cachedDigest(dir);
  fakeCachedDigest(dir);
  const files = segmentFiles(dir);
  const last = path.join(dir, files[files.length - 1]!);
  fs.truncateSync(last, fs.statSync(last).size - 7);
  fs.utimesSync(last, OLD, OLD);
  assert.is(digestCacheKey(dir), null, 'no footer: not cacheable');
  assert.throws(() => cachedDigest(dir), /truncated/);
});

test('cache: an active segment with a torn tail is never cached; repair (which only touches it) leaves nothing stale', async () => {
  const dir = path.join(base, `rec${n++}`);
  const log = await openEventLog(dir, { durability: 'async', segmentBytes: 2048 });
  try {
    for (const ev of fixtureEvents().slice(0, 40)) writeEvent(log, ev);
    await log.sync();
    const files = segmentFiles(dir);
    fs.appendFileSync(path.join(dir, files[files.length - 1]!), Buffer.from([1, 2, 3, 4, 5, 6, 7]));
    age(dir);
    assert.is(digestCacheKey(dir), null);
    assert.equal(cachedDigest(dir), digestRecordingDetailed(dir));
    const info = recordingInfo(dir);
    assert.ok(info.tornTail);
    assert.is(info.cached, false);
    assert.not.ok(fs.existsSync(cacheFile(dir)), 'nothing cached');
  } finally {
    await log.close().catch(() => {});
  }
  // Closed: all sealed now, and cacheable once aged.
  age(dir);
  assert.equal(cachedDigest(dir), digestRecordingDetailed(dir));
  assert.ok(fs.existsSync(cacheFile(dir)));
  assert.is(repair(dir).cut, null, 'repair of a sealed recording changes nothing');
  assert.equal(cachedDigest(dir), digestRecordingDetailed(dir));
});

test('cache: a corrupt or foreign cache file is ignored and replaced', async () => {
  const dir = await agedRecording();
  const truth = digestRecordingDetailed(dir);
  for (const junk of ['', 'not json', '{"version":1}', 'null', JSON.stringify({ version: 99, key: digestCacheKey(dir)!.key, digest: FAKE, records: 1 })]) {
    fs.writeFileSync(cacheFile(dir), junk);
    assert.equal(cachedDigest(dir), truth, `junk ${JSON.stringify(junk)}`);
    assert.ok(readDigestCache(dir, digestCacheKey(dir)!), 'replaced by a valid entry');
  }
  const c = JSON.parse(fs.readFileSync(cacheFile(dir), 'utf8')) as { digest: string };
  c.digest = 'xyz';
  fs.writeFileSync(cacheFile(dir), JSON.stringify(c));
  assert.equal(cachedDigest(dir), truth, 'a malformed digest is a miss');
});

test('cache: racy state is not written (segments modified within the margin)', async () => {
  const dir = path.join(base, `rec${n++}`);
  await writeRecording(dir);
  assert.equal(cachedDigest(dir), digestRecordingDetailed(dir));
  assert.not.ok(fs.existsSync(cacheFile(dir)), 'fresh segments: no entry');
  assert.not.ok(writeDigestCache(dir, digestCacheKey(dir)!, digestRecordingDetailed(dir)));
  assert.ok(fs.readdirSync(dir).every((f) => !f.endsWith('.tmp')), 'no temporary file left');
});

test('cache: other files beside the recording (keyframes, sidecars) do not change the key', async () => {
  const dir = await agedRecording();
  const key = digestCacheKey(dir)!.key;
  fs.writeFileSync(path.join(dir, 'keyframes.tdkf'), 'x');
  fs.mkdirSync(path.join(dir, 'keyframes'));
  cachedDigest(dir);
  assert.is(digestCacheKey(dir)!.key, key);
});

test('info: digest and compression from the cache on a hit; --no-cache recomputes', async () => {
  const dir = await agedRecording();
  const fresh = recordingInfo(dir, { cache: false });
  assert.is(fresh.cached, false);
  assert.not.ok(fs.existsSync(cacheFile(dir)), 'cache: false neither reads nor writes');
  const first = recordingInfo(dir);
  assert.is(first.cached, false);
  const second = recordingInfo(dir);
  assert.is(second.cached, true);
  assert.equal({ ...second, cached: false }, fresh);
  // A digest-only entry (from backtest) still gets its JSONL size computed, then cached.
  fs.rmSync(cacheFile(dir));
  cachedDigest(dir);
  const partial = recordingInfo(dir);
  assert.is(partial.cached, false);
  assert.is(partial.jsonlBytes, fresh.jsonlBytes);
  assert.is(readDigestCache(dir, digestCacheKey(dir)!)!.jsonlBytes, fresh.jsonlBytes);
  fakeCachedDigest(dir);
  assert.is(recordingInfo(dir).digest, FAKE);
  const r = await cli(['info', dir, '--json', '--no-cache']);
  assert.is(r.code, 0, r.stderr);
  assert.is((JSON.parse(r.stdout) as { digest: string }).digest, fresh.digest);
  const r2 = await cli(['info', dir, '--json']);
  assert.is((JSON.parse(r2.stdout) as { cached: boolean }).cached, true);
});

test.run();
