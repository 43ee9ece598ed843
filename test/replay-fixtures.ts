/** Shared helpers of the replay tests: small recordings in temp dirs, and a bus that logs when. */
import { VirtualTimeScheduler, type SchedulerLike } from 'rxjs';
import { EventBus } from '../src/bus/index.js';
import { openEventLog, writeEvent } from '../src/events/recording.js';
import type { SystemEvent, TapeEvent, TickEvent } from '../src/events/types.js';
import { tmpDir } from './helpers/tmp.js';

export const T0 = 1_700_000_000_000_000_000n;
export const MS = 1_000_000n;

export function tick(offsetMs: number | bigint, o: Partial<TickEvent> = {}): TickEvent {
  return {
    type: 'tick',
    ts: T0 + BigInt(offsetMs) * MS,
    runId: 'run-1',
    venue: 'XNAS',
    symbol: 'AAPL',
    bid: 100,
    ask: 100.5,
    ...o,
  };
}

export function sys(offsetMs: number | bigint, kind: SystemEvent['kind'], o: Partial<SystemEvent> = {}): SystemEvent {
  return { type: 'system', ts: T0 + BigInt(offsetMs) * MS, runId: 'run-1', kind, message: kind, ...o };
}

/** A recording in a fresh temp dir holding `events` (seq from 0, in order). */
export async function makeRecording(events: Iterable<TapeEvent>, dir = tmpDir('tapedeck-replay-')): Promise<string> {
  const log = await openEventLog(dir, { durability: 'async' });
  for (const ev of events) writeEvent(log, ev);
  await log.close();
  return dir;
}

export interface Seen {
  at: number;
  ts: bigint;
  seq: number | undefined;
  symbol: string | undefined;
  type: string;
}

/** A bus whose events are logged with the scheduler time they arrived at. */
export function watchedBus(sched: SchedulerLike): { bus: EventBus; seen: Seen[] } {
  const bus = new EventBus();
  const seen: Seen[] = [];
  bus.events$.subscribe((e) => seen.push({ at: sched.now(), ts: e.ts, seq: e.seq, symbol: e.type === 'system' ? undefined : e.symbol, type: e.type }));
  return { bus, seen };
}

export function virtual(): VirtualTimeScheduler {
  return new VirtualTimeScheduler();
}

/** Offsets (ms from T0) of what was seen. */
export const offsets = (seen: Seen[]): number[] => seen.map((s) => Number((s.ts - T0) / MS));
export const times = (seen: Seen[]): number[] => seen.map((s) => s.at);
