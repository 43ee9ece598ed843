/**
 * One workload of the log A/B (bench/log-ab.ts), run in a fresh process against the build of
 * one revision: `<root>` is a checkout whose `dist/` holds that revision's compiled sources.
 * The records are the same in every build: this file's own payload pool (bench/data.ts).
 *
 *   node dist/bench/log-ab-child.js <root> write-batched <dir> <n>   write() ×1000, yield, …; sync; close
 *   node dist/bench/log-ab-child.js <root> write-async <dir> <n>     the same with async durability
 *   node dist/bench/log-ab-child.js <root> append-batched <dir> <n>  append() ×1000, await all, …
 *   node dist/bench/log-ab-child.js <root> event-append <dir> <n>    writeEvent() of tick objects (encode + log), batched
 *   node dist/bench/log-ab-child.js <root> scan <dir>                openReader(dir).scan() of a log written above
 *
 * Prints one JSON line: {"ms","cpuMs","records","bytes"}: wall and CPU (user + system) time of
 * the workload alone (module loading and the pool are outside the clock).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BATCH, writeBatch } from './log-ab-batch.js';
import { payloadPool, POOL_MASK } from './data.js';

const [root, work, dir, nArg] = process.argv.slice(2);
const WORKS = ['write-batched', 'write-async', 'append-batched', 'event-append', 'scan'];
if (!root || !work || !dir || !WORKS.includes(work)) {
  process.stderr.write(`usage: log-ab-child.js <root> ${WORKS.join('|')} <dir> [n]\n`);
  process.exit(2);
}
const n = Number(nArg ?? 0);

const load = (rel: string): Promise<any> => import(pathToFileURL(path.join(root!, 'dist', 'src', rel)).href);

async function main(): Promise<void> {
  const recording = await load('events/recording.js');
  const logMod = await load('log/index.js');
  const pool = payloadPool();
  const ps = pool.payloads;
  let records = 0;
  let bytes = 0;
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  if (work === 'scan') {
    const reader = logMod.openReader(dir);
    reader.scan({}, (rec: { payload: Uint8Array }) => {
      records++;
      bytes += rec.payload.length;
    });
  } else {
    const durability = work === 'write-async' ? 'async' : 'batched';
    const lg = await recording.openEventLog(dir, { durability });
    for (let i = 0; i < n; i += BATCH) {
      const to = Math.min(n, i + BATCH);
      await writeBatch(work, recording, lg, pool, i, to);
      for (let j = i; j < to; j++) bytes += ps[j & POOL_MASK]!.length;
    }
    records = n;
    await lg.sync();
    await lg.close();
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const c = process.cpuUsage(c0);
  process.stdout.write(`${JSON.stringify({ ms, cpuMs: (c.user + c.system) / 1000, records, bytes })}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
