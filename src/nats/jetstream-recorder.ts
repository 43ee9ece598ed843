/**
 * Recording from a JetStream stream through a durable pull consumer, exactly once.
 *
 * Each batch: fetch up to `batchMessages` messages, plan their records, make the plan durable in
 * the cursor (cursor.ts), write the records and make them durable in the log (strict or batched),
 * and only then acknowledge the messages. A redelivered message whose stream sequence the
 * recording already holds is acknowledged and dropped; a resent message whose origin sequence it
 * already holds (a publisher that resent its window after a reconnect) too. Whenever delivery may
 * have been interrupted (the recorder starts, the connection comes back, a fetch fails) the durable
 * consumer is re-created to deliver from the recording's committed position, so what the server
 * redelivers, and in which order, never depends on acknowledgements lost on the way.
 *
 * Messages: tapedeck event messages (wire.ts: the canonical payload is written as is, so a replay
 * published with `replay --to` and recorded here digests like its source), or canonical JSON
 * events (anything without the Tapedeck headers; ts defaults to the stream's receive time, runId to
 * `nats:<stream>`). Bad input becomes a system `reject` event (or, strict, stops the run after what
 * came before it is committed). An origin-sequence gap becomes a system `gap` event; a reconnect a
 * system `reconnect` event, except in a copy of a recording (one that began with the source's own
 * session-start), which holds only what the source held, and gaps.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { JetStreamManager, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { TapedeckError, ValidationError } from '../errors.js';
import { decodePayload, encodeEvent, isCanonicalPayload } from '../events/codec.js';
import { openEventLog } from '../events/recording.js';
import { parseTs } from '../events/ts.js';
import type { FlatMap, SystemKind } from '../events/types.js';
import { validateEvent } from '../events/validate.js';
import type { Durability, Log, LogOptions } from '../log/index.js';
import { connectNats, parseNatsUrl, type NatsConnectOptions } from '../transport/index.js';
import { ContinuityTracker } from './continuity.js';
import { emptyCursor, readCursor, reconcile, writeCursor, type CursorStep, type NatsCursor } from './cursor.js';
import { HEADER, isControlSubject, readEventMessage, typeOfTag } from './wire.js';
import { natsCore, natsJetStream } from '../util/lazy-deps.js';

export interface JetStreamRecordOptions extends NatsConnectOptions {
  /** The subjects to record (a NATS pattern, e.g. `tapedeck.>`). */
  subject: string;
  /** The stream; default: the stream that holds `subject`, or a new stream `TAPEDECK` for it. */
  stream?: string;
  /** The durable consumer's name; default derived from the subject and the recording's path. */
  consumer?: string;
  /** Log durability: strict or batched (a message is acknowledged only once durable either way). */
  durability?: Durability;
  segmentBytes?: number;
  /** Messages per batch at most (default 256). */
  batchMessages?: number;
  /** The consumer's ack wait (default 10 s). */
  ackWaitMs?: number;
  /** How long one fetch waits for messages (default 1000 ms, the server's minimum). */
  fetchExpiresMs?: number;
  /** Stop once an end-of-replay marker has been recorded. */
  untilEnd?: boolean;
  /** Stop (after the batch under way is committed). */
  signal?: AbortSignal;
  /** Bad input stops the run (ValidationError) instead of becoming a reject event. */
  strict?: boolean;
  /** A line for a human: reconnects, gaps, rejects. */
  onNote?: (text: string) => void;
  /** Test hook: called at each phase of a batch commit. */
  onPhase?: (phase: 'fetched' | 'intent' | 'durable' | 'acked', batch: number) => void;
  /** Called once the stream and the consumer are in place: messages published from now on are recorded. */
  onReady?: (info: { stream: string; consumer: string; fromStreamSeq: number }) => void;
  /** Test hook: the log's segment rotation steps. */
  onLogStep?: LogOptions['onStep'];
  /**
   * Each batch's records once they are durable in the log (before they are acknowledged), with
   * their log seqs: what `record --from nats --keyframes` feeds its keyframe writer.
   */
  onDurable?: (records: readonly DurableRecord[]) => void;
}

/** A record the recorder wrote, durable: its log seq, type tag, ts and payload bytes. */
export interface DurableRecord {
  seq: number;
  tag: number;
  tsNs: bigint;
  payload: Uint8Array;
}

export interface JetStreamRecordSummary {
  dir: string;
  stream: string;
  consumer: string;
  subject: string;
  /** Messages fetched (deliveries, duplicates included). */
  messages: number;
  /** Records written from messages. */
  events: number;
  /** Records of the recorder's own (gap, reconnect). */
  notes: number;
  rejects: number;
  /** Deliveries dropped because the recording already holds their stream sequence. */
  redelivered: number;
  /** Messages dropped because their origin sequence was already recorded (publisher resends). */
  resent: number;
  gaps: number;
  /** Origin sequences never received, summed over gaps. */
  missing: number;
  reconnects: number;
  ends: number;
  batches: number;
  /** The stream sequence the recording holds everything up to. */
  committedStreamSeq: number;
  /** The log's next seq after the run. */
  nextSeq: number;
  passthrough: boolean;
}

interface Planned {
  tag: number;
  tsNs: bigint;
  payload: Uint8Array;
}

const REJECT_RAW_CHARS = 1024;

export function defaultConsumerName(subject: string, dir: string): string {
  return `tapedeck-${createHash('sha256').update(`${subject}\n${path.resolve(dir)}`).digest('hex').slice(0, 16)}`;
}

/** Records from JetStream into `dir` until stopped (signal, untilEnd) or a failure. */
export async function recordFromJetStream(dir: string, url: string, options: JetStreamRecordOptions): Promise<JetStreamRecordSummary> {
  const endpoint = parseNatsUrl(url);
  if (!options.subject) throw new TapedeckError('BAD_ARGUMENT', 'recording from NATS needs a subject pattern (--subject)');
  const log = await openEventLog(dir, { durability: options.durability ?? 'batched', segmentBytes: options.segmentBytes, onStep: options.onLogStep });
  let nc: NatsConnection | null = null;
  try {
    let cursor = readCursor(dir);
    if (cursor) {
      cursor = reconcile(cursor, log.nextSeq - 1);
      if (cursor.subject !== options.subject) {
        throw new TapedeckError('BAD_ARGUMENT', `${dir} was recorded from subject "${cursor.subject}", not "${options.subject}"`, { path: dir });
      }
      if (options.stream && cursor.stream !== options.stream) {
        throw new TapedeckError('BAD_ARGUMENT', `${dir} was recorded from stream "${cursor.stream}", not "${options.stream}"`, { path: dir });
      }
    } else if (log.nextSeq > 0) {
      throw new TapedeckError('BAD_ARGUMENT', `${dir} already holds a recording that was not made from NATS; record into a new directory`, { path: dir });
    }
    nc = await connectNats(endpoint, { name: 'tapedeck record', ...options });
    const jsm = await natsJetStream().jetstreamManager(nc);
    const stream = cursor?.stream ?? (await ensureStream(jsm, options.stream, options.subject));
    const consumer = cursor?.consumer ?? options.consumer ?? defaultConsumerName(options.subject, dir);
    cursor ??= emptyCursor(stream, consumer, options.subject);
    writeCursor(dir, cursor);
    const run = new JetStreamRun(dir, log, nc, jsm, cursor, options);
    return await run.run();
  } finally {
    await log.close().catch(() => {});
    if (nc) await nc.close().catch(() => {});
  }
}

async function ensureStream(jsm: JetStreamManager, name: string | undefined, subject: string): Promise<string> {
  if (name) {
    try {
      await jsm.streams.info(name);
      return name;
    } catch (err) {
      if (!/not found/i.test(String((err as Error).message))) throw err;
    }
    await jsm.streams.add({ name, subjects: [subject] });
    return name;
  }
  try {
    return await jsm.streams.find(subject);
  } catch {
    await jsm.streams.add({ name: 'TAPEDECK', subjects: [subject] });
    return 'TAPEDECK';
  }
}

class JetStreamRun {
  private readonly summary: JetStreamRecordSummary;
  private tracker: ContinuityTracker;
  private needReset = true;
  private reconnectPending = 0;
  private stopping = false;
  private ready = false;
  private readonly batchMessages: number;
  private readonly runId: string;

  constructor(
    private readonly dir: string,
    private readonly log: Log,
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private cursor: NatsCursor,
    private readonly options: JetStreamRecordOptions,
  ) {
    this.batchMessages = Math.max(1, options.batchMessages ?? 256);
    this.tracker = new ContinuityTracker(Object.entries(cursor.committed.origins));
    this.runId = `nats:${cursor.stream}`;
    this.summary = {
      dir,
      stream: cursor.stream,
      consumer: cursor.consumer,
      subject: cursor.subject,
      messages: 0,
      events: 0,
      notes: 0,
      rejects: 0,
      redelivered: 0,
      resent: 0,
      gaps: 0,
      missing: 0,
      reconnects: 0,
      ends: 0,
      batches: 0,
      committedStreamSeq: cursor.committed.streamSeq,
      nextSeq: log.nextSeq,
      passthrough: cursor.passthrough === true,
    };
  }

  async run(): Promise<JetStreamRecordSummary> {
    const signal = this.options.signal;
    const onAbort = (): void => {
      this.stopping = true;
    };
    signal?.addEventListener('abort', onAbort);
    if (signal?.aborted) this.stopping = true;
    // Until an end marker: one recorded by an earlier run (killed before it could exit) counts.
    if (this.options.untilEnd && this.cursor.committed.ends > 0) this.stopping = true;
    const status = this.nc.status();
    void (async () => {
      for await (const s of status) {
        if (s.type === 'reconnect') {
          this.summary.reconnects++;
          this.reconnectPending++;
          this.needReset = true;
          this.options.onNote?.(`reconnected to ${s.server}`);
        } else if (s.type === 'disconnect') {
          this.options.onNote?.(`disconnected from ${s.server}; reconnecting`);
        }
      }
    })();
    try {
      while (!this.stopping) {
        if (this.needReset) {
          try {
            await this.resetConsumer();
            this.needReset = false;
            if (!this.ready) {
              this.ready = true;
              this.options.onReady?.({ stream: this.cursor.stream, consumer: this.cursor.consumer, fromStreamSeq: this.cursor.committed.streamSeq + 1 });
            }
          } catch (err) {
            if (this.nc.isClosed()) throw err;
            await pause(200);
            continue;
          }
        }
        const batch = await this.fetch();
        if (batch.length === 0) continue;
        await this.commit(batch);
      }
      return this.finish();
    } catch (err) {
      // What is durable stays committed in the cursor (a failed log has nothing more to add).
      try {
        this.finish();
      } catch {
        // The cursor is settled again on the next open.
      }
      throw err;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      (status as { stop?: () => void }).stop?.();
    }
  }

  private finish(): JetStreamRecordSummary {
    this.cursor = reconcile(this.cursor, this.log.nextSeq - 1);
    writeCursor(this.dir, this.cursor);
    this.summary.committedStreamSeq = this.cursor.committed.streamSeq;
    this.summary.nextSeq = this.log.nextSeq;
    this.summary.passthrough = this.cursor.passthrough === true;
    return { ...this.summary };
  }

  /** The durable consumer, re-created to deliver from the first stream sequence not yet recorded. */
  private async resetConsumer(): Promise<void> {
    const { stream, consumer, subject } = this.cursor;
    try {
      await this.jsm.consumers.delete(stream, consumer);
    } catch (err) {
      if (!/not found/i.test(String((err as Error).message))) throw err;
    }
    await this.jsm.consumers.add(stream, {
      durable_name: consumer,
      ack_policy: natsJetStream().AckPolicy.Explicit,
      deliver_policy: natsJetStream().DeliverPolicy.StartSequence,
      opt_start_seq: this.cursor.committed.streamSeq + 1,
      filter_subject: subject,
      ack_wait: natsCore().nanos(this.options.ackWaitMs ?? 10_000),
      max_ack_pending: this.batchMessages * 4,
    });
    // The continuity state is that of what is committed (a plan that never committed is forgotten).
    this.tracker = new ContinuityTracker(Object.entries(this.cursor.committed.origins));
  }

  private async fetch(): Promise<JsMsg[]> {
    const batch: JsMsg[] = [];
    try {
      const c = await natsJetStream().jetstream(this.nc).consumers.get(this.cursor.stream, this.cursor.consumer);
      const iter = await c.fetch({ max_messages: this.batchMessages, expires: Math.max(1000, this.options.fetchExpiresMs ?? 1000) });
      for await (const m of iter) batch.push(m);
    } catch (err) {
      if (this.nc.isClosed()) throw err;
      // Delivery was interrupted: what arrived is still in order; the rest comes after a reset.
      this.needReset = true;
      if (batch.length === 0) await pause(200);
    }
    return batch;
  }

  private async commit(batch: JsMsg[]): Promise<void> {
    const n = ++this.summary.batches;
    this.summary.messages += batch.length;
    this.options.onPhase?.('fetched', n);
    const steps: CursorStep[] = [];
    const records: Planned[] = [];
    let nextLogSeq = this.log.nextSeq;
    let lastTs = this.log.nextSeq > 0 ? this.log.lastTs : 0n;
    let planSeq = this.cursor.committed.streamSeq;
    let passthrough = this.cursor.passthrough;
    let strictError: ValidationError | null = null;
    let accepted = batch.length;
    const own = (kind: SystemKind, message: string, data: FlatMap): void => {
      const ev = validateEvent({ type: 'system', ts: lastTs, runId: this.runId, kind, message, data });
      const e = encodeEvent(ev);
      records.push({ tag: e.type, tsNs: e.tsNs, payload: e.payload });
      steps.push([null, nextLogSeq++, null, null]);
      this.summary.notes++;
    };
    if (this.reconnectPending > 0 && passthrough === false) {
      own('reconnect', `reconnected to NATS (${this.reconnectPending}x)`, { reconnects: this.reconnectPending, stream: this.cursor.stream });
    }
    this.reconnectPending = 0;

    for (let i = 0; i < batch.length; i++) {
      const m = batch[i]!;
      if (m.seq <= planSeq) {
        this.summary.redelivered++;
        continue;
      }
      if (isControlSubject(m.subject)) {
        planSeq = m.seq;
        if (m.subject.endsWith('.end')) {
          steps.push([m.seq, null, null, null, 1]);
          this.summary.ends++;
          if (this.options.untilEnd) this.stopping = true;
        } else steps.push([m.seq, null, null, null]);
        continue;
      }
      const get = (k: string): string | undefined => m.headers?.get(k) || undefined;
      let planned: Planned;
      let origin: string | null = null;
      let originSeq: number | null = null;
      try {
        if (get(HEADER.tag) !== undefined) {
          const w = readEventMessage(m.subject, get, m.data);
          if (w.tsNs < lastTs) throw new ValidationError('ts', `goes back in time (the previous record is at ${lastTs})`, w.tsNs.toString(), `stream seq ${m.seq}`);
          if (!isCanonicalPayload(w.tag, w.payload)) {
            throw new ValidationError('(payload)', `is not the canonical ${typeOfTag(w.tag)} payload`, Buffer.from(w.payload).toString('hex').slice(0, 64), `stream seq ${m.seq}`);
          }
          if (this.tracker.isDuplicate(w.origin, w.originSeq)) {
            planSeq = m.seq;
            steps.push([m.seq, null, null, null]);
            this.summary.resent++;
            continue;
          }
          origin = w.origin;
          originSeq = w.originSeq;
          planned = { tag: w.tag, tsNs: w.tsNs, payload: w.payload };
        } else {
          planned = this.fromJson(m, lastTs);
        }
      } catch (err) {
        if (!(err instanceof ValidationError || (err instanceof TapedeckError && err.code === 'BAD_INPUT'))) throw err;
        const ve = err instanceof ValidationError ? err : new ValidationError('(message)', err.message, m.subject, `stream seq ${m.seq}`);
        if (this.options.strict) {
          strictError = ve;
          accepted = i;
          break;
        }
        planSeq = m.seq;
        this.summary.rejects++;
        this.options.onNote?.(`stream seq ${m.seq}: ${ve.message} (stored as a reject event)`);
        own('reject', ve.message, { reason: ve.message, field: ve.field, subject: m.subject, streamSeq: m.seq, raw: Buffer.from(m.data).toString('utf8').slice(0, REJECT_RAW_CHARS) });
        steps[steps.length - 1]![0] = m.seq;
        continue;
      }
      if (origin !== null) {
        const c = this.tracker.feed(origin, originSeq!);
        if (c.kind === 'gap') {
          this.summary.gaps++;
          this.summary.missing += c.missing;
          this.options.onNote?.(`gap: ${c.missing} message(s) of origin ${origin} never arrived (origin seq ${c.fromSeq}..${c.toSeq})`);
          lastTs = planned.tsNs;
          own('gap', `${c.missing} message(s) missing from origin ${origin}`, { origin, fromSeq: c.fromSeq, toSeq: c.toSeq, missing: c.missing });
        }
      }
      if (passthrough === null) passthrough = nextLogSeq === 0 && isSessionStart(planned);
      records.push(planned);
      steps.push([m.seq, nextLogSeq++, origin, originSeq]);
      planSeq = m.seq;
      lastTs = planned.tsNs;
      this.summary.events++;
    }

    // 1. The plan, durable before any record of it can reach the log.
    this.cursor = { ...this.cursor, passthrough: passthrough ?? this.cursor.passthrough, pending: { steps } };
    writeCursor(this.dir, this.cursor);
    this.options.onPhase?.('intent', n);
    // 2. The records, durable.
    const firstSeq = this.log.nextSeq;
    for (const r of records) this.log.write(r.tag, r.tsNs, r.payload);
    await this.log.sync();
    if (this.options.onDurable) this.options.onDurable(records.map((r, i) => ({ seq: firstSeq + i, tag: r.tag, tsNs: r.tsNs, payload: r.payload })));
    this.cursor = reconcile(this.cursor, this.log.nextSeq - 1);
    this.summary.committedStreamSeq = this.cursor.committed.streamSeq;
    this.options.onPhase?.('durable', n);
    // 3. Only now the acknowledgements.
    for (let i = 0; i < accepted; i++) batch[i]!.ack();
    await this.nc.flush().catch(() => {});
    this.options.onPhase?.('acked', n);
    if (strictError) throw strictError;
  }

  private fromJson(m: JsMsg, lastTs: bigint): Planned {
    const text = Buffer.from(m.data).toString('utf8');
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (e) {
      throw new ValidationError('(json)', `is not valid JSON: ${(e as Error).message}`, text, `stream seq ${m.seq}`);
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new ValidationError('(event)', 'must be a JSON object', obj, `stream seq ${m.seq}`);
    const o: Record<string, unknown> = { ...(obj as Record<string, unknown>) };
    delete o.seq;
    o.runId ??= this.runId;
    // The stream's receive time: the same on every delivery, so a re-recording is reproducible.
    const where = `stream seq ${m.seq}`;
    o.ts = o.ts === undefined ? BigInt(m.info.timestampNanos) : parseTs(o.ts, 'ts', where);
    if (o.type === 'tick' && o.exchTs !== undefined) o.exchTs = parseTs(o.exchTs, 'exchTs', where);
    const ev = validateEvent(o, where);
    if (ev.ts < lastTs) throw new ValidationError('ts', `goes back in time (the previous record is at ${lastTs})`, String(ev.ts), `stream seq ${m.seq}`);
    const e = encodeEvent(ev);
    return { tag: e.type, tsNs: e.tsNs, payload: e.payload };
  }
}

function isSessionStart(p: Planned): boolean {
  if (p.tag !== 6) return false;
  const ev = decodePayload(p.tag, p.payload, 0, p.tsNs);
  return ev.type === 'system' && ev.kind === 'session-start';
}

function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
