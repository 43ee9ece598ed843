/**
 * A flow-controlled NATS publisher: at most `windowBytes` of published messages are unconfirmed at
 * any time, and `send` tells the caller when to wait. The official client has no backpressure of
 * its own (publish() appends to an unbounded outbound buffer and never looks at the socket), so a
 * window is confirmed with the protocol's PING/PONG (`flush()`): when the PONG arrives the server
 * has read everything sent before the PING.
 *
 * The unconfirmed messages are kept (they are the window, so bounded). When the connection drops,
 * the client discards its outbound buffer on reconnect; this publisher stops sending while
 * disconnected and, on reconnect, sends every unconfirmed message again in order. A message the
 * server had already read before the drop then arrives twice: receivers drop it by its origin
 * sequence, and a JetStream stream by its Nats-Msg-Id. Nothing is lost while the client reconnects.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { IoError } from '../errors.js';
import { natsCore } from '../util/lazy-deps.js';

export interface OutMessage {
  subject: string;
  payload: Uint8Array;
  headers: readonly [string, string][];
}

interface Segment {
  messages: OutMessage[];
  bytes: number;
  /** The connection generation its flush belongs to (a reconnect starts a new one). */
  gen: number;
  confirmed: boolean;
}

export interface PublisherStats {
  messages: number;
  bytes: number;
  flushes: number;
  /** Messages sent again after a reconnect. */
  resent: number;
  disconnects: number;
  reconnects: number;
  /** Times send() asked the caller to wait. */
  waits: number;
}

export interface FlowPublisherOptions {
  /** Unconfirmed bytes at most (default 1 MiB). */
  windowBytes?: number;
  /** Called on disconnect / reconnect (after the resend), e.g. to report them. */
  onStatus?: (kind: 'disconnect' | 'reconnect', server: string) => void;
  /** Label for errors (the masked NATS address). */
  display?: string;
}

/** Bytes a message costs in the window: payload, subject and headers. */
function costOf(m: OutMessage): number {
  let n = m.payload.length + m.subject.length + 16;
  for (const [k, v] of m.headers) n += k.length + v.length + 4;
  return n;
}

export class FlowPublisher {
  readonly windowBytes: number;
  readonly stats: PublisherStats = { messages: 0, bytes: 0, flushes: 0, resent: 0, disconnects: 0, reconnects: 0, waits: 0 };
  private readonly segmentBytes: number;
  private readonly segments: Segment[] = [];
  private open: Segment;
  private unconfirmed = 0;
  private gen = 0;
  private connected = true;
  private closedError: Error | null = null;
  private waiters: { resolve: () => void; reject: (e: Error) => void; below: number }[] = [];
  private readonly status: ReturnType<NatsConnection['status']>;

  constructor(
    private readonly nc: NatsConnection,
    private readonly options: FlowPublisherOptions = {},
  ) {
    this.windowBytes = Math.max(1024, options.windowBytes ?? 1024 * 1024);
    // Four flushes in flight per window: the pipe stays full while the oldest is confirmed.
    this.segmentBytes = Math.max(1, Math.floor(this.windowBytes / 4));
    this.open = this.newSegment();
    this.status = nc.status();
    void this.watch();
  }

  /** Unconfirmed bytes now. */
  get pendingBytes(): number {
    return this.unconfirmed;
  }

  /**
   * Sends one message. Returns null when the caller may send more at once, or a promise to wait
   * for (the window is full, or the connection is down); it rejects if the connection closed.
   */
  send(m: OutMessage): Promise<void> | null {
    if (this.closedError) return Promise.reject(this.closedError);
    const bytes = costOf(m);
    if (this.connected) this.publishRaw(m);
    this.open.messages.push(m);
    this.open.bytes += bytes;
    this.unconfirmed += bytes;
    this.stats.messages++;
    this.stats.bytes += m.payload.length;
    if (this.open.bytes >= this.segmentBytes) this.cut();
    if (this.unconfirmed >= this.windowBytes || !this.connected) {
      this.stats.waits++;
      return this.waitBelow(this.connected ? this.windowBytes : 1);
    }
    return null;
  }

  /** Resolves once everything sent so far is confirmed by the server. */
  async settle(): Promise<void> {
    if (this.closedError) throw this.closedError;
    if (this.open.messages.length > 0) this.cut();
    if (this.unconfirmed > 0) await this.waitBelow(1);
  }

  /** Stops watching the connection (the caller closes it); later sends reject. */
  close(): void {
    this.fail(new IoError(this.options.display ?? 'nats', 'the publisher was closed'));
    (this.status as { stop?: () => void }).stop?.();
  }

  private newSegment(): Segment {
    return { messages: [], bytes: 0, gen: this.gen, confirmed: false };
  }

  private publishRaw(m: OutMessage): void {
    const h = natsCore().headers();
    for (const [k, v] of m.headers) h.set(k, v);
    this.nc.publish(m.subject, m.payload, { headers: h });
  }

  /** Closes the open segment and asks the server to confirm it. */
  private cut(): void {
    const seg = this.open;
    this.open = this.newSegment();
    this.segments.push(seg);
    if (this.connected) this.confirm(seg);
  }

  private confirm(seg: Segment): void {
    this.stats.flushes++;
    const gen = this.gen;
    this.nc.flush().then(
      () => {
        // PONGs come in order, so every earlier segment of this generation is confirmed too.
        if (gen !== this.gen || seg.confirmed) return;
        for (const s of this.segments) {
          if (s.confirmed) continue;
          s.confirmed = true;
          this.unconfirmed -= s.bytes;
          if (s === seg) break;
        }
        while (this.segments.length > 0 && this.segments[0]!.confirmed) this.segments.shift();
        this.wake();
      },
      () => {
        // Disconnected before the PONG: the segment stays unconfirmed and is resent on reconnect.
      },
    );
  }

  private waitBelow(limit: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject, below: limit });
      this.wake();
    });
  }

  private wake(): void {
    if (!this.connected) return;
    const still: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (this.unconfirmed < w.below) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  private fail(err: Error): void {
    this.closedError ??= err;
    for (const w of this.waiters.splice(0)) w.reject(this.closedError);
  }

  /** Sends every unconfirmed message again, in order, as new segments. */
  private resend(): void {
    const all = [...this.segments.filter((s) => !s.confirmed), this.open];
    this.segments.length = 0;
    this.open = this.newSegment();
    this.unconfirmed = 0;
    for (const seg of all) {
      for (const m of seg.messages) {
        this.publishRaw(m);
        this.stats.resent++;
        this.open.messages.push(m);
        const bytes = costOf(m);
        this.open.bytes += bytes;
        this.unconfirmed += bytes;
        if (this.open.bytes >= this.segmentBytes) this.cut();
      }
    }
    if (this.open.messages.length > 0) this.cut();
  }

  private async watch(): Promise<void> {
    for await (const s of this.status) {
      if (this.closedError) return;
      if (s.type === 'disconnect') {
        this.connected = false;
        this.gen++;
        this.stats.disconnects++;
        this.options.onStatus?.('disconnect', s.server);
      } else if (s.type === 'reconnect') {
        this.connected = true;
        this.gen++;
        this.stats.reconnects++;
        this.resend();
        this.options.onStatus?.('reconnect', s.server);
        this.wake();
      } else if (s.type === 'close') {
        break;
      }
    }
    this.fail(new IoError(this.options.display ?? 'nats', 'the NATS connection closed'));
  }
}
