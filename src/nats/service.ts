/**
 * The replay service: answers replay requests over NATS (protocol in service-protocol.ts). Each
 * request gets its own Replayer, paced at the requested speed over the requested range and
 * filters, publishing to the client's subject through a FlowPublisher (bounded by the server's
 * confirmation) and a credit window (bounded by the client's acknowledgements): several
 * concurrent requests, each bounded in memory, each cancellable. Requests are taken in a queue
 * group, so several service instances share the load.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { lastValueFrom } from 'rxjs';
import { EventBus } from '../bus/index.js';
import { TapedeckError } from '../errors.js';
import { encodeEvent } from '../events/codec.js';
import { openRecording } from '../events/recording.js';
import type { TapeEvent } from '../events/types.js';
import { Replayer, recordingSpan, type ReplayerOptions } from '../replay/index.js';
import { FlowPublisher } from './publisher.js';
import {
  END_HEADER,
  ERROR_HEADER,
  SERVICE_PREFIX_DEFAULT,
  WINDOW_EVENTS_DEFAULT,
  parseReplayRequest,
  serviceSubjects,
  type EndReason,
  type ListReply,
  type ParsedReplayRequest,
  type ReplayReply,
} from './service-protocol.js';
import { HEADER, eventHeaderEntries } from './wire.js';

export interface ServedRecording {
  name: string;
  dir: string;
}

export interface ReplayServiceOptions {
  /** Subject prefix (default `tapedeck`): requests on `<prefix>.svc.replay`. */
  prefix?: string;
  /** Concurrent replays at most; more are refused with code BUSY (default 16). */
  concurrentMax?: number;
  /** The largest credit window a client may ask for (default 10 000 events). */
  windowEventsMax?: number;
  /** Unconfirmed bytes per replay towards the server (default 256 KiB). */
  windowBytes?: number;
  /** A replay waiting for a silent client ends after this long (default 30 s). */
  idleTimeoutMs?: number;
  /** Queue group name (default `tapedeck-serve`). */
  queue?: string;
  /** One line per request and per finished replay. */
  onLog?: (line: string) => void;
  replayer?: ReplayerOptions;
}

export interface ReplaySessionSummary {
  id: string;
  recording: string;
  events: number;
  reason: EndReason;
  error?: string;
}

/** `name=dir` or `dir` (named by its last path component); names must be unique. */
export function servedRecordings(specs: readonly string[]): ServedRecording[] {
  const out: ServedRecording[] = [];
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const name = eq > 0 ? spec.slice(0, eq) : path.basename(path.resolve(spec));
    const dir = eq > 0 ? spec.slice(eq + 1) : spec;
    if (out.some((r) => r.name === name)) throw new TapedeckError('BAD_ARGUMENT', `two recordings are named "${name}"; name them: name=dir`, { name });
    out.push({ name, dir });
  }
  return out;
}

class Session {
  readonly id = randomBytes(6).toString('hex');
  events = 0;
  private acked = -1;
  private creditWaiter: (() => void) | null = null;
  private reason: EndReason | null = null;
  private errorText: string | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  readonly replayer: Replayer;
  private readonly publisher: FlowPublisher;
  private readonly bus = new EventBus();

  constructor(
    private readonly nc: NatsConnection,
    private readonly rec: ServedRecording,
    private readonly req: ParsedReplayRequest,
    private readonly opts: Required<Pick<ReplayServiceOptions, 'windowBytes' | 'idleTimeoutMs'>> & ReplayServiceOptions,
  ) {
    this.replayer = new Replayer(rec.dir, this.bus, opts.replayer);
    this.publisher = new FlowPublisher(nc, { windowBytes: opts.windowBytes });
    this.bus.events$.subscribe((ev) => this.publish(ev));
  }

  async run(): Promise<ReplaySessionSummary> {
    const r = this.req;
    let fromTs = r.fromTs;
    if (r.fromSeq !== undefined) {
      // A seq range starts at that record's ts (events before it at the same ts are skipped in publish).
      const c = openRecording(this.rec.dir).cursor({ fromSeq: r.fromSeq });
      const first = c.next();
      c.close();
      if (first === null) fromTs = undefined;
      else if (fromTs === undefined || first.ts > fromTs) fromTs = first.ts;
      if (first === null) {
        return this.end('end');
      }
    }
    try {
      await lastValueFrom(
        this.replayer.start({ from: fromTs, to: r.toTs, types: r.types, symbols: r.symbols, venues: r.venues, runId: r.runId, speed: r.speed }),
        { defaultValue: undefined },
      );
    } catch (err) {
      this.reason ??= 'error';
      this.errorText ??= err instanceof Error ? err.message : String(err);
    }
    return this.end(this.reason ?? 'end');
  }

  private publish(ev: TapeEvent): void {
    const r = this.req;
    if (this.reason !== null) return;
    if (r.fromSeq !== undefined && (ev.seq ?? 0) < r.fromSeq) return;
    if (r.toSeq !== undefined && (ev.seq ?? 0) > r.toSeq) {
      this.replayer.stop();
      return;
    }
    const e = encodeEvent(ev);
    const wait = this.publisher.send({
      subject: r.deliverTo,
      payload: e.payload,
      headers: eventHeaderEntries({ tag: e.type, tsNs: e.tsNs, seq: ev.seq ?? 0, source: this.rec.name, runId: ev.runId, origin: this.id, originSeq: this.events }),
    });
    this.events++;
    const waits: Promise<unknown>[] = [];
    if (wait) waits.push(wait);
    if (this.events - (this.acked + 1) >= r.windowEvents) waits.push(this.waitCredit());
    if (waits.length > 0) {
      this.replayer.hold(
        Promise.all(waits).catch((err: unknown) => {
          this.stop('error', err instanceof Error ? err.message : String(err));
        }),
      );
    }
  }

  private waitCredit(): Promise<void> {
    return new Promise((resolve) => {
      this.creditWaiter = resolve;
      this.idleTimer = setTimeout(() => this.stop('timeout'), this.opts.idleTimeoutMs);
    });
  }

  /** The client has everything up to `originSeq`. */
  ack(originSeq: number): void {
    if (!(originSeq > this.acked)) return;
    this.acked = originSeq;
    if (this.creditWaiter && this.events - (this.acked + 1) < this.req.windowEvents) {
      if (this.idleTimer) clearTimeout(this.idleTimer);
      this.idleTimer = null;
      const w = this.creditWaiter;
      this.creditWaiter = null;
      w();
    }
  }

  stop(reason: EndReason, error?: string): void {
    if (this.reason !== null) return;
    this.reason = reason;
    this.errorText = error;
    this.replayer.stop();
    // A replay held for credit is released so it can see it was stopped.
    const w = this.creditWaiter;
    this.creditWaiter = null;
    w?.();
  }

  private async end(reason: EndReason): Promise<ReplaySessionSummary> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const headers: [string, string][] = [
      [HEADER.origin, this.id],
      [HEADER.count, String(this.events)],
      [END_HEADER, reason],
    ];
    if (this.errorText) headers.push([ERROR_HEADER, this.errorText.slice(0, 500)]);
    try {
      const wait = this.publisher.send({ subject: this.req.deliverTo, payload: new Uint8Array(0), headers });
      if (wait) await wait;
      await this.publisher.settle();
    } catch {
      // The connection is gone: the client will see its subscription end.
    }
    this.publisher.close();
    const s: ReplaySessionSummary = { id: this.id, recording: this.rec.name, events: this.events, reason };
    if (this.errorText) s.error = this.errorText;
    return s;
  }
}

export class ReplayService {
  readonly prefix: string;
  private readonly sessions = new Map<string, Session>();
  private readonly subs: Subscription[] = [];
  private readonly finished: Promise<ReplaySessionSummary>[] = [];
  private readonly opts: ReplayServiceOptions & Required<Pick<ReplayServiceOptions, 'windowBytes' | 'idleTimeoutMs'>>;
  private readonly byName: Map<string, ServedRecording>;
  private closed = false;
  /** Every finished replay, in order of ending. */
  readonly history: ReplaySessionSummary[] = [];

  constructor(
    private readonly nc: NatsConnection,
    recordings: readonly ServedRecording[],
    options: ReplayServiceOptions = {},
  ) {
    this.prefix = options.prefix ?? SERVICE_PREFIX_DEFAULT;
    this.opts = { windowBytes: 256 * 1024, idleTimeoutMs: 30_000, ...options };
    this.byName = new Map(recordings.map((r) => [r.name, r]));
    for (const r of recordings) openRecording(r.dir); // a missing or unreadable recording fails now, not per request
    const s = serviceSubjects(this.prefix);
    const queue = options.queue ?? 'tapedeck-serve';
    const on = (subject: string, fn: (m: Msg) => void, group?: string): void => {
      const callback = (err: Error | null, m: Msg): void => {
        if (!err) fn(m);
      };
      this.subs.push(nc.subscribe(subject, group === undefined ? { callback } : { queue: group, callback }));
    };
    on(s.replay, (m) => this.onReplay(m), queue);
    on(s.list, (m) => this.onList(m), queue);
    // Acks and cancels reach every instance; only the one running that replay acts on them.
    on(s.ackAll, (m) => this.onAck(m));
    on(s.cancelAll, (m) => this.onCancel(m));
  }

  /** Resolves once the server has the subscriptions: requests from now on are answered. */
  ready(): Promise<void> {
    return this.nc.flush();
  }

  get active(): number {
    return this.sessions.size;
  }

  private log(line: string): void {
    this.opts.onLog?.(line);
  }

  private onReplay(m: Msg): void {
    const reply = (r: ReplayReply): void => {
      m.respond(JSON.stringify(r));
    };
    if (this.closed) return reply({ ok: false, code: 'UNAVAILABLE', error: 'the service is stopping' });
    let req: ParsedReplayRequest;
    try {
      req = parseReplayRequest(m.string(), this.opts.windowEventsMax ?? 10_000);
    } catch (err) {
      return reply({ ok: false, code: (err as TapedeckError).code ?? 'BAD_ARGUMENT', error: (err as Error).message });
    }
    const rec = this.byName.get(req.recording);
    if (!rec) return reply({ ok: false, code: 'NOT_FOUND', error: `no recording named "${req.recording}" (serving ${[...this.byName.keys()].join(', ')})` });
    if (this.sessions.size >= (this.opts.concurrentMax ?? 16)) return reply({ ok: false, code: 'BUSY', error: `${this.sessions.size} replays running; try again later` });
    let session: Session;
    try {
      session = new Session(this.nc, rec, req, this.opts);
    } catch (err) {
      return reply({ ok: false, code: (err as TapedeckError).code ?? 'IO', error: (err as Error).message });
    }
    this.sessions.set(session.id, session);
    reply({ ok: true, id: session.id });
    this.log(`replay ${session.id}: ${rec.name} to ${req.deliverTo} at ${req.speed === 'max' ? 'max speed' : `${req.speed}x`}, window ${req.windowEvents} events`);
    const done = session.run().then((summary) => {
      this.sessions.delete(session.id);
      this.history.push(summary);
      this.log(`replay ${summary.id}: ${summary.reason}, ${summary.events} events${summary.error ? ` (${summary.error})` : ''}`);
      return summary;
    });
    this.finished.push(done);
  }

  private onList(m: Msg): void {
    const recordings = [...this.byName.values()].map((r) => {
      const rec = openRecording(r.dir);
      const span = recordingSpan(rec);
      let events = 0;
      rec.reader.scan({}, () => {
        events++;
      });
      return { name: r.name, events, firstTs: span ? span.firstTs.toString() : null, lastTs: span ? span.lastTs.toString() : null };
    });
    const reply: ListReply = { ok: true, recordings };
    m.respond(JSON.stringify(reply));
  }

  private onAck(m: Msg): void {
    const id = m.subject.split('.').at(-1)!;
    const s = this.sessions.get(id);
    if (!s) return;
    try {
      const v = JSON.parse(m.string()) as { originSeq?: unknown };
      if (Number.isSafeInteger(v.originSeq)) s.ack(v.originSeq as number);
    } catch {
      // A malformed ack is ignored; the idle timeout ends a replay whose client never acks properly.
    }
  }

  private onCancel(m: Msg): void {
    const id = m.subject.split('.').at(-1)!;
    this.sessions.get(id)?.stop('cancelled');
  }

  /** Stops taking requests, cancels running replays (their clients get an end marker), waits for them. */
  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.subs) s.unsubscribe();
    for (const s of this.sessions.values()) s.stop('cancelled');
    await Promise.all(this.finished);
  }
}
