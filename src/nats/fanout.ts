/**
 * Replay fan-out: every event the replayer puts on the bus is published to NATS (subjects and
 * headers in wire.ts), through a FlowPublisher whose window holds the replay back when NATS is
 * slower than the replay (Replayer.hold): memory stays bounded by the window, and a paced replay
 * shows the delay as lag. When the replay ends an end-of-replay control message follows, and
 * `finish()` resolves once the server has confirmed everything.
 */
import { randomBytes } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { lastValueFrom } from 'rxjs';
import { EventBus } from '../bus/index.js';
import { encodeEvent } from '../events/codec.js';
import type { TapeEvent } from '../events/types.js';
import { Replayer, type ReplayerOptions, type ReplayStartOptions } from '../replay/index.js';
import { connectNats, parseNatsUrl, type NatsConnectOptions } from '../transport/index.js';
import { FlowPublisher, type PublisherStats } from './publisher.js';
import { HEADER, SUBJECT_PREFIX_DEFAULT, controlSubject, eventHeaderEntries, eventSubject } from './wire.js';

export interface NatsFanoutOptions {
  /** Subject prefix (default `tapedeck`). */
  prefix?: string;
  /** The origin id in every message (default: random, one per fan-out). */
  origin?: string;
  /** Unconfirmed bytes at most (default 1 MiB). */
  windowBytes?: number;
  /** The Tapedeck-Source header for each recording index (default: the recordings' paths). */
  sourceNames?: readonly string[];
  /** Reported on connection loss and recovery. */
  onStatus?: (kind: 'disconnect' | 'reconnect', server: string) => void;
  /** Masked address, for errors. */
  display?: string;
}

export interface FanoutSummary extends PublisherStats {
  origin: string;
  prefix: string;
  /** Events published (the end marker not counted). */
  events: number;
}

export function newOrigin(): string {
  return randomBytes(8).toString('hex');
}

export class NatsFanout {
  readonly origin: string;
  readonly prefix: string;
  readonly publisher: FlowPublisher;
  private readonly sourceNames: readonly string[];
  private originSeq = 0;
  private error: unknown = null;
  private readonly detach: () => void;

  constructor(
    private readonly nc: NatsConnection,
    bus: EventBus,
    private readonly replayer: Replayer | null,
    options: NatsFanoutOptions = {},
  ) {
    this.origin = options.origin ?? newOrigin();
    this.prefix = options.prefix ?? SUBJECT_PREFIX_DEFAULT;
    this.sourceNames = options.sourceNames ?? replayer?.recordings.map((r) => r.dir) ?? [];
    this.publisher = new FlowPublisher(nc, { windowBytes: options.windowBytes, onStatus: options.onStatus, display: options.display });
    const sub = bus.events$.subscribe((ev) => this.publish(ev));
    this.detach = () => sub.unsubscribe();
  }

  /** Publishes one event (called for each bus event; callable directly without a replayer). */
  publish(ev: TapeEvent): Promise<void> | null {
    if (this.error !== null) return null;
    const e = encodeEvent(ev);
    const index = this.replayer?.sourceIndex ?? 0;
    const wait = this.publisher.send({
      subject: eventSubject(this.prefix, ev),
      payload: e.payload,
      headers: eventHeaderEntries({
        tag: e.type,
        tsNs: e.tsNs,
        seq: ev.seq ?? 0,
        source: this.sourceNames[index] ?? '',
        runId: ev.runId,
        origin: this.origin,
        originSeq: this.originSeq++,
      }),
    });
    if (wait === null) return null;
    const guarded = wait.catch((err: unknown) => {
      this.error ??= err;
      this.replayer?.stop();
    });
    this.replayer?.hold(guarded);
    return guarded;
  }

  /** The first publishing failure, if any (the replay was stopped by it). */
  get failure(): unknown {
    return this.error;
  }

  /** Sends the end-of-replay marker, waits until the server has confirmed everything, detaches. */
  async finish(reason: 'end' | 'stopped' = 'end'): Promise<FanoutSummary> {
    this.detach();
    if (this.error !== null) throw this.error;
    const wait = this.publisher.send({
      subject: controlSubject(this.prefix, 'end'),
      payload: new Uint8Array(0),
      headers: [
        [HEADER.origin, this.origin],
        [HEADER.count, String(this.originSeq)],
        [HEADER.reason, reason],
        [HEADER.msgId, `${this.origin}:end`],
      ],
    });
    if (wait) await wait;
    await this.publisher.settle();
    this.publisher.close();
    return this.summary();
  }

  summary(): FanoutSummary {
    return { ...this.publisher.stats, origin: this.origin, prefix: this.prefix, events: this.originSeq };
  }
}

export interface ReplayToNatsOptions extends NatsFanoutOptions, NatsConnectOptions {
  replay?: ReplayStartOptions;
  replayer?: ReplayerOptions;
}

/**
 * Replays recordings to NATS: connect, replay (paced or max speed, with filters), publish every
 * event, send the end marker, wait for the server's confirmation, close. The subject prefix is the
 * URL's path when `prefix` is not given.
 */
export async function replayToNats(sources: string | readonly string[], url: string, options: ReplayToNatsOptions = {}): Promise<FanoutSummary> {
  const endpoint = parseNatsUrl(url);
  const nc = await connectNats(endpoint, { name: 'tapedeck replay', ...options });
  try {
    const bus = new EventBus();
    const replayer = new Replayer(typeof sources === 'string' ? [sources] : sources, bus, options.replayer);
    const fanout = new NatsFanout(nc, bus, replayer, { ...options, prefix: options.prefix ?? endpoint.prefix, display: endpoint.display });
    try {
      await lastValueFrom(replayer.start(options.replay ?? {}), { defaultValue: undefined });
    } finally {
      if (fanout.failure !== null) throw fanout.failure;
    }
    return await fanout.finish('end');
  } finally {
    await nc.close();
  }
}
