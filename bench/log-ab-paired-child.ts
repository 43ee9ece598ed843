/**
 * The paired form of the log A/B (bench/log-ab.ts): ONE fresh process loads the builds of two
 * revisions side by side (`<rootA>` and `<rootB>` are checkouts whose dist/ holds each build) and
 * alternates the same workload between them in chunks of `<chunk>` records (10,000 by default):
 * chunk 1 of A, chunk 1 of B, chunk 2 of B, chunk 2 of A, … each on its own log. The CPU time
 * (user + system) of every chunk is charged to the build that ran it.
 *
 * Why: on a loaded machine the CPU time of a fresh process swings by ±30% from run to run (other
 * processes share the caches and cores), so a 10% difference needs dozens of fresh-process runs to
 * show. Chunks milliseconds apart see the same machine, and the noise cancels in the pairs. The
 * price: one heap for both (each build's garbage may be collected in the other's chunk) and one
 * thread pool (an fdatasync may finish in the other's chunk); both fall on either side alike.
 *
 *   node dist/bench/log-ab-paired-child.js <rootA> <rootB> <work> <dir> <n> [chunk]
 *     work: write-async | write-batched | append-batched | event-append (as in log-ab-child.ts)
 *
 * Prints one JSON line: {"aCpuMs","bCpuMs","records","pairs","bFaster"}: CPU of all chunks per
 * build, records per build, and in how many of the pairs B's chunk took less CPU than A's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BATCH, writeBatch } from './log-ab-batch.js';
import { payloadPool } from './data.js';

const [rootA, rootB, work, dir, nArg, chunkArg] = process.argv.slice(2);
const WORKS = ['write-async', 'write-batched', 'append-batched', 'event-append'];
if (!rootA || !rootB || !work || !dir || !nArg || !WORKS.includes(work)) {
  process.stderr.write(`usage: log-ab-paired-child.js <rootA> <rootB> ${WORKS.join('|')} <dir> <n> [chunk]\n`);
  process.exit(2);
}
const n = Number(nArg);
const CHUNK = Number(chunkArg ?? 10_000);
if (!(CHUNK >= BATCH && CHUNK % BATCH === 0 && n % CHUNK === 0)) {
  process.stderr.write(`chunk must be a multiple of ${BATCH} dividing n (n ${n}, chunk ${CHUNK})\n`);
  process.exit(2);
}

interface Side {
  recording: any;
  lg: any;
  cpuUs: number;
  chunks: number[];
}

async function open(root: string, name: string): Promise<Side> {
  const recording = await import(pathToFileURL(path.join(root, 'dist', 'src', 'events', 'recording.js')).href);
  const logDir = path.join(dir!, name);
  fs.rmSync(logDir, { recursive: true, force: true });
  const lg = await recording.openEventLog(logDir, { durability: work === 'write-async' ? 'async' : 'batched' });
  return { recording, lg, cpuUs: 0, chunks: [] };
}

async function main(): Promise<void> {
  const pool = payloadPool();
  const sides = [await open(rootA!, 'a'), await open(rootB!, 'b')];
  const run = async (s: Side, from: number): Promise<void> => {
    for (let i = from; i < from + CHUNK; i += BATCH) {
      await writeBatch(work!, s.recording, s.lg, pool, i, i + BATCH);
    }
  };
  for (let from = 0, k = 0; from < n; from += CHUNK, k++) {
    for (const s of k % 2 === 0 ? sides : [sides[1]!, sides[0]!]) {
      const c0 = process.cpuUsage();
      await run(s, from);
      const c = process.cpuUsage(c0);
      s.cpuUs += c.user + c.system;
      s.chunks.push(c.user + c.system);
    }
  }
  for (const s of sides) {
    await s.lg.sync();
    await s.lg.close();
  }
  fs.rmSync(dir!, { recursive: true, force: true });
  const [a, b] = sides as [Side, Side];
  let bFaster = 0;
  for (let i = 0; i < a.chunks.length; i++) if (b.chunks[i]! < a.chunks[i]!) bFaster++;
  process.stdout.write(`${JSON.stringify({ aCpuMs: a.cpuUs / 1000, bCpuMs: b.cpuUs / 1000, records: n, pairs: a.chunks.length, bFaster })}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
