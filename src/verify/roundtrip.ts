/**
 * The replay round trip, tapedeck's original definition of done: replay a recording onto the bus,
 * re-record what the bus carries with the source clock, and prove the copy identical to the
 * source (same events, same digest).
 */
import { lastValueFrom, VirtualTimeScheduler, type SchedulerLike } from 'rxjs';
import { EventBus } from '../bus/index.js';
import type { TapeEvent } from '../events/index.js';
import { Recorder, type RecorderOptions, type RecordSummary } from '../record/recorder.js';
import { Replayer, type ReplaySpeed } from '../replay/index.js';
import { digestRecording } from './digest.js';

/**
 * Records everything published on `bus` into `dir`, exactly: the source clock, the events' own
 * runIds, and no session events of the recorder's own. Returns a stop function that closes it.
 */
export async function rerecordBus(
  bus: EventBus,
  dir: string,
  opts: Omit<RecorderOptions, 'clock' | 'sessionEvents'> = {},
): Promise<{ recorder: Recorder; stop: () => Promise<RecordSummary> }> {
  const recorder = await Recorder.open(dir, { durability: 'batched', deterministic: true, source: 'bus', ...opts, clock: 'source', sessionEvents: false });
  let failure: unknown = null;
  const sub = bus.events$.subscribe((ev) => {
    if (failure) return;
    try {
      const { seq: _seq, ...event } = ev;
      // Strict: an event the bus carried but the log refuses is a failed round trip, not a reject.
      recorder.write(event as TapeEvent);
    } catch (err) {
      failure = err;
    }
  });
  return {
    recorder,
    stop: async () => {
      sub.unsubscribe();
      const summary = await recorder.close();
      if (failure) throw failure;
      return summary;
    },
  };
}

export interface RoundTripOptions {
  speed?: ReplaySpeed;
  from?: bigint;
  to?: bigint;
  /** Default: a VirtualTimeScheduler, so a paced replay runs in virtual time (deterministic, fast). */
  scheduler?: SchedulerLike;
  segmentBytes?: number;
}

export interface RoundTripResult {
  events: number;
  sourceDigest: string;
  copyDigest: string;
  identical: boolean;
}

/** Replays `source` (a range of it, optionally) into a new recording `copy` and compares digests. */
export async function replayRoundTrip(source: string, copy: string, opts: RoundTripOptions = {}): Promise<RoundTripResult> {
  const bus = new EventBus();
  const { stop } = await rerecordBus(bus, copy, { segmentSize: opts.segmentBytes });
  const scheduler = opts.scheduler ?? new VirtualTimeScheduler();
  const replayer = new Replayer(source, bus, { scheduler });
  let events = 0;
  const counter = bus.events$.subscribe(() => events++);
  const done = lastValueFrom(replayer.start({ speed: opts.speed ?? 1000, from: opts.from, to: opts.to }));
  if (scheduler instanceof VirtualTimeScheduler) scheduler.flush();
  try {
    await done;
  } finally {
    counter.unsubscribe();
    await stop();
  }
  const sourceDigest = digestRecording(source, { fromTs: opts.from, toTs: opts.to });
  const copyDigest = digestRecording(copy);
  return { events, sourceDigest, copyDigest, identical: sourceDigest === copyDigest };
}
