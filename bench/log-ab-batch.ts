/**
 * One batch of a log A/B write workload (records `from` .. `to` of the payload pool), shared by
 * the fresh-process child (log-ab-child.ts) and the paired child (log-ab-paired-child.ts) so both
 * time exactly the same calls. `recording` and `lg` come from the build under test (its
 * events/recording.js and the log it opened), hence untyped.
 */
import { POOL_MASK, TICK_TAG, tsOf, type Pool } from './data.js';

export const BATCH = 1000;

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

export async function writeBatch(work: string, recording: any, lg: any, pool: Pool, from: number, to: number): Promise<void> {
  const ps = pool.payloads;
  if (work === 'append-batched') {
    const proms: Promise<number>[] = [];
    for (let j = from; j < to; j++) proms.push(lg.append(TICK_TAG, tsOf(j), ps[j & POOL_MASK]!));
    await Promise.all(proms);
  } else if (work === 'event-append') {
    const evs = pool.events;
    for (let j = from; j < to; j++) {
      const ev = evs[j & POOL_MASK]!;
      ev.ts = tsOf(j);
      recording.writeEvent(lg, ev);
    }
    await tick();
  } else {
    for (let j = from; j < to; j++) lg.write(TICK_TAG, tsOf(j), ps[j & POOL_MASK]!);
    await tick();
  }
}
