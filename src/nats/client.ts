/**
 * The replay service's client: `replayFrom(nc, { recording, … })` asks a service for a replay and
 * returns the events in order as an async iterator (or an Observable with `toObservable`). It
 * acknowledges as it consumes (the service's credit window: a slow consumer slows its own replay),
 * checks continuity by origin sequence (a missing event is a gap: by default an error with code
 * GAP, or a system `gap` event in its place), drops duplicates, and can be cancelled.
 */
import type { Msg, NatsConnection } from '@nats-io/transport-node';
import { Observable } from 'rxjs';
import { TapedeckError } from '../errors.js';
import { decodePayload } from '../events/codec.js';
import type { SystemEvent, TapeEvent } from '../events/types.js';
import { ContinuityTracker } from './continuity.js';
import {
  END_HEADER,
  ERROR_HEADER,
  SERVICE_PREFIX_DEFAULT,
  serviceSubjects,
  type EndReason,
  type ListReply,
  replayRequest,
  type ReplayReply,
  type ReplaySelection,
  WINDOW_EVENTS_DEFAULT,
} from './service-protocol.js';
import { HEADER, readEventMessage } from './wire.js';
import { natsCore } from '../util/lazy-deps.js';

export interface ReplayFromOptions extends ReplaySelection {
  /** Subject prefix of the service (default `tapedeck`). */
  prefix?: string;
  /** Unacknowledged events at most (default 1000): the client's memory bound. */
  windowEvents?: number;
  /** What a gap does: 'error' (default: the iterator throws a GAP error) or 'event' (a system gap event takes its place). */
  onGap?: 'error' | 'event';
  /** How long to wait for the service to answer the request (default 5000 ms). */
  requestTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface ReplayStream extends AsyncIterable<TapeEvent> {
  /** The service's id for this replay. */
  readonly id: string;
  /** Counters so far. */
  readonly stats: { events: number; gaps: number; missing: number; duplicates: number; end: EndReason | null };
  /** Ask the service to stop; the iterator ends once the service confirms. */
  cancel(): void;
}

/** Asks the service for the recordings it serves. */
export async function listServed(nc: NatsConnection, opts: { prefix?: string; timeoutMs?: number } = {}): Promise<ListReply['recordings']> {
  const m = await nc.request(serviceSubjects(opts.prefix ?? SERVICE_PREFIX_DEFAULT).list, '{}', { timeout: opts.timeoutMs ?? 5000 });
  return (JSON.parse(m.string()) as ListReply).recordings;
}

export async function replayFrom(nc: NatsConnection, options: ReplayFromOptions): Promise<ReplayStream> {
  const subjects = serviceSubjects(options.prefix ?? SERVICE_PREFIX_DEFAULT);
  const windowEvents = options.windowEvents ?? WINDOW_EVENTS_DEFAULT;
  const inbox = natsCore().createInbox();
  // Subscribed before asking, so no event can arrive before there is somewhere to put it.
  const sub = nc.subscribe(inbox);
  const req = replayRequest(options, inbox, windowEvents);
  let reply: ReplayReply;
  try {
    const m = await nc.request(subjects.replay, JSON.stringify(req), { timeout: options.requestTimeoutMs ?? 5000 });
    reply = JSON.parse(m.string()) as ReplayReply;
  } catch (err) {
    sub.unsubscribe();
    if (err instanceof TapedeckError) throw err;
    throw new TapedeckError('IO', `replay service on ${subjects.replay} did not answer: ${(err as Error).message}`, { subject: subjects.replay }, { cause: err });
  }
  if (!reply.ok || !reply.id) {
    sub.unsubscribe();
    const code = reply.code === 'NOT_FOUND' || reply.code === 'BAD_ARGUMENT' ? reply.code : 'IO';
    throw new TapedeckError(code, `replay service refused (${reply.code ?? "error"}): ${reply.error ?? ""}`, { serviceCode: reply.code });
  }
  const id = reply.id;
  const stats: ReplayStream['stats'] = { events: 0, gaps: 0, missing: 0, duplicates: 0, end: null };
  const tracker = new ContinuityTracker();
  const ackEvery = Math.max(1, Math.floor(windowEvents / 2));
  let lastSeq = -1;
  let unacked = 0;
  let cancelled = false;
  const cancel = (): void => {
    if (cancelled) return;
    cancelled = true;
    nc.publish(subjects.cancel(id), '');
  };
  options.signal?.addEventListener('abort', cancel, { once: true });
  if (options.signal?.aborted) cancel();

  async function* events(): AsyncGenerator<TapeEvent> {
    try {
      for await (const m of sub as AsyncIterable<Msg>) {
        const get = (k: string): string | undefined => m.headers?.get(k) || undefined;
        const end = get(END_HEADER);
        if (end !== undefined) {
          stats.end = end as EndReason;
          const count = Number(get(HEADER.count));
          if (Number.isSafeInteger(count) && count > lastSeq + 1 && options.onGap !== 'event') {
            throw new TapedeckError('CHECK_FAILED', `replay ${id}: ${count - lastSeq - 1} event(s) at the end never arrived`, { code: 'GAP', id });
          }
          if (end === 'error' || end === 'timeout') throw new TapedeckError('IO', `replay ${id} ended with ${end}: ${get(ERROR_HEADER) ?? ''}`.trim(), { id, reason: end });
          return;
        }
        const w = readEventMessage(m.subject, get, m.data);
        const c = tracker.feed(w.origin, w.originSeq);
        if (c.kind === 'duplicate') {
          stats.duplicates++;
          continue;
        }
        if (c.kind === 'gap') {
          stats.gaps++;
          stats.missing += c.missing;
          if (options.onGap !== 'event') {
            throw new TapedeckError('CHECK_FAILED', `replay ${id}: gap: ${c.missing} event(s) never arrived (origin seq ${c.fromSeq}..${c.toSeq})`, {
              code: 'GAP',
              id,
              fromSeq: c.fromSeq,
              toSeq: c.toSeq,
            });
          }
          const gap: SystemEvent = {
            type: 'system',
            ts: w.tsNs,
            runId: w.runId,
            kind: 'gap',
            message: `${c.missing} event(s) missing from the replay`,
            data: { fromSeq: c.fromSeq, toSeq: c.toSeq, missing: c.missing },
          };
          yield gap;
        }
        lastSeq = w.originSeq;
        stats.events++;
        yield decodePayload(w.tag, w.payload, w.seq, w.tsNs);
        // Acknowledged once the consumer has taken it (the generator resumes only then).
        if (++unacked >= ackEvery) {
          unacked = 0;
          nc.publish(subjects.ack(id), JSON.stringify({ originSeq: lastSeq }));
        }
      }
    } finally {
      // Broken out of early (or failed): the service need not go on.
      if (stats.end === null) cancel();
      sub.unsubscribe();
      options.signal?.removeEventListener('abort', cancel);
    }
  }

  const gen = events();
  return {
    id,
    stats,
    cancel,
    [Symbol.asyncIterator]: () => gen,
  };
}

/** The stream as an Observable (unsubscribing cancels the replay). */
export function toObservable(stream: ReplayStream): Observable<TapeEvent> {
  return new Observable<TapeEvent>((subscriber) => {
    let stopped = false;
    void (async () => {
      try {
        for await (const ev of stream) {
          if (stopped) break;
          subscriber.next(ev);
        }
        subscriber.complete();
      } catch (err) {
        subscriber.error(err);
      }
    })();
    return () => {
      stopped = true;
      stream.cancel();
    };
  });
}
