/**
 * Recovery of a stateful process: snapshot + log tail.
 *
 * An order manager that:
 * 1. appends its intent (an order, a fill, a cancel) to its log and waits until it is durable,
 *    BEFORE acting on it (here: applying it to its state);
 * 2. every `snapshotEvery` events, snapshots its state (the open intents and the positions) into a
 *    snapshot store, without waiting for the snapshot: appends go on while it is written (the
 *    state is copied at one instant, then encoded and written chunk by chunk);
 * 3. when started again after a crash (a SIGKILL anywhere: between an append and its action, in the
 *    middle of a snapshot), recovers as the newest complete snapshot plus the log from its seq + 1,
 *    and carries on where it stopped.
 * Each step's action is a pure function of the seed, the step and the state, so a recovered process
 * and one that never crashed end in the same state, byte for byte (test/recovery-example.test.ts
 * kills it at seeded random points and checks that after every round).
 *
 *   node dist/examples/recovery.js <dir> [--seed 7] [--events 400] [--snapshot-every 50]
 *        [--kill-at-event N] [--kill-at-snapshot-step N]
 */
import * as path from 'node:path';
import {
  encodeEvent,
  jsonLines,
  openEventLog,
  openRecording,
  PendingTracker,
  readJsonLines,
  restoreSnapshot,
  SnapshotStore,
  takeSnapshot,
  type SnapshotMeta,
  type Stateful,
  type TapeEvent,
  validateEvent,
} from 'tapedeck';

const T0 = 1_700_000_000_000_000_000n;

/** Positions and cash per symbol from fills: the process's own state, through the snapshot contract. */
export class Positions implements Stateful {
  readonly stateFile = 'positions.jsonl';
  private readonly bySymbol = new Map<string, { qty: number; cash: number }>();

  apply(ev: TapeEvent): void {
    if (ev.type !== 'fill') return;
    const p = this.bySymbol.get(ev.symbol) ?? { qty: 0, cash: 0 };
    const sign = ev.side === 'buy' ? 1 : -1;
    p.qty += sign * ev.qty;
    p.cash -= sign * ev.qty * Number(ev.price);
    this.bySymbol.set(ev.symbol, p);
  }

  captureState(): Iterable<Uint8Array> {
    const rows = [...this.bySymbol].sort(([a], [b]) => (a < b ? -1 : 1)).map(([s, p]) => [s, p.qty, p.cash]);
    return jsonLines({ format: 'example-positions/1' }, rows);
  }

  restoreState(bytes: Uint8Array): void {
    this.bySymbol.clear();
    for (const r of readJsonLines(bytes, this.stateFile, 'example-positions/1').rows) {
      const [s, qty, cash] = r as [string, number, number];
      this.bySymbol.set(s, { qty, cash });
    }
  }
}

/** Everything the process knows: what it applied, through the two parts a snapshot holds. */
export class ProcessState {
  readonly pending = new PendingTracker();
  readonly positions = new Positions();
  readonly parts: readonly Stateful[] = [this.pending, this.positions];

  apply(ev: TapeEvent): void {
    this.pending.push(ev);
    this.positions.apply(ev);
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts.flatMap((p) => [...p.captureState()]));
  }
}

/** A number in [0, 1) from (seed, step, k): the process's randomness, a pure function of where it is. */
function rand(seed: number, step: number, k: number): number {
  let h = (seed ^ Math.imul(step + 1, 0x9e3779b1) ^ Math.imul(k + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
}

/** The intent of step `i`, given the state after steps 0..i-1. */
export function nextIntent(seed: number, i: number, state: ProcessState): TapeEvent {
  const ts = T0 + BigInt(i) * 1_000_000n;
  const open = state.pending.open();
  const r = rand(seed, i, 0);
  const base = { ts, runId: 'oms', venue: 'SIM' };
  if (open.length === 0 || r < 0.45) {
    const symbol = rand(seed, i, 1) < 0.5 ? 'AAA' : 'BBB';
    const side = rand(seed, i, 2) < 0.5 ? 'buy' : 'sell';
    return validateEvent({ ...base, type: 'order', action: 'new', kind: 'limit', orderId: `o${i}`, symbol, side, qty: 1 + Math.floor(rand(seed, i, 3) * 5), price: 100 + Math.floor(rand(seed, i, 4) * 10) });
  }
  const o = open[Math.floor(rand(seed, i, 5) * open.length)]!;
  if (r < 0.85) {
    const qty = Math.min(o.qty - o.filledQty, 1 + Math.floor(rand(seed, i, 6) * 3));
    return validateEvent({ ...base, type: 'fill', fillId: `f${i}`, orderId: o.order.orderId, symbol: o.order.symbol, side: o.order.side, qty, price: o.order.price });
  }
  return validateEvent({ ...base, type: 'order', action: 'cancel', kind: 'limit', orderId: o.order.orderId, symbol: o.order.symbol, side: o.order.side, qty: o.qty, price: o.order.price });
}

/** The state after `n` steps of a process that never crashed (no log, no snapshot; step i is seq i). */
export function referenceState(seed: number, n: number): ProcessState {
  const s = new ProcessState();
  for (let i = 0; i < n; i++) s.apply({ ...nextIntent(seed, i, s), seq: i });
  return s;
}

export interface Recovered {
  state: ProcessState;
  /** The snapshot recovery started from (null: the log from its start). */
  snapshot: SnapshotMeta | null;
  /** Log records applied after it. */
  tail: number;
  /** Records in the log: the next step. */
  next: number;
}

/** Newest complete snapshot + the log from its seq + 1. Damaged snapshots are skipped (warned). */
export function recover(dir: string, onWarning: (name: string, problem: string) => void = () => {}): Recovered {
  const state = new ProcessState();
  const store = new SnapshotStore(path.join(dir, 'snapshots'), { onWarning: (w) => onWarning(w.name, w.problem) });
  const snapshot = restoreSnapshot(store, state.parts, () => true, onWarning);
  let tail = 0;
  let next = snapshot ? snapshot.seq + 1 : 0;
  const logDir = path.join(dir, 'log');
  try {
    for (const ev of openRecording(logDir).events(snapshot ? { fromSeq: snapshot.seq + 1 } : {})) {
      state.apply(ev);
      tail++;
      next = ev.seq! + 1;
    }
  } catch (e) {
    if ((e as { code?: string }).code !== 'NOT_FOUND' && (e as { code?: string }).code !== 'IO') throw e;
  }
  return { state, snapshot, tail, next };
}

export interface RunOptions {
  seed: number;
  events: number;
  snapshotEvery: number;
  /** Test seams: SIGKILL this process after step N's intent is durable, before acting on it... */
  killAtEvent?: number;
  /** ... or before the Nth snapshot-creation step (counted over the whole run). */
  killAtSnapshotStep?: number;
  /** Called with the ms between consecutive appends and whether a snapshot was being written. */
  onAppendGap?: (ms: number, snapshotting: boolean) => void;
}

/** Recovers, then runs steps until `events` are in the log. Returns the final state. */
export async function runProcess(dir: string, opts: RunOptions): Promise<ProcessState> {
  const { state, next } = recover(dir);
  let snapshotSteps = 0;
  const store = new SnapshotStore(path.join(dir, 'snapshots'), {
    onStep: () => {
      if (snapshotSteps++ === opts.killAtSnapshotStep) process.kill(process.pid, 'SIGKILL');
    },
  });
  const log = await openEventLog(path.join(dir, 'log'), { durability: 'strict' });
  if (log.nextSeq !== next) throw new Error(`the log holds ${log.nextSeq} records, recovery applied ${next}`);
  let inFlight = 0;
  const writing: Promise<unknown>[] = [];
  let lastAppend = performance.now();
  for (let i = next; i < opts.events; i++) {
    const intent = nextIntent(opts.seed, i, state);
    const e = encodeEvent(intent);
    // The intent is durable before the process acts on it.
    const seq = await log.append(e.type, e.tsNs, e.payload);
    const now = performance.now();
    opts.onAppendGap?.(now - lastAppend, inFlight > 0);
    lastAppend = now;
    if (i === opts.killAtEvent) process.kill(process.pid, 'SIGKILL');
    state.apply({ ...intent, seq });
    if ((seq + 1) % opts.snapshotEvery === 0) {
      // Not awaited: the state is copied now, written while appends go on.
      inFlight++;
      writing.push(takeSnapshot(store, seq, intent.ts, state.parts).finally(() => inFlight--));
    }
  }
  await Promise.all(writing);
  store.prune(3);
  await log.close();
  return state;
}

function arg(name: string, fallback?: number): number | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (!dir || dir.startsWith('--')) {
    process.stderr.write('usage: recovery.js <dir> [--seed N] [--events N] [--snapshot-every N]\n');
    process.exit(2);
  }
  const r = recover(dir, (name, problem) => process.stderr.write(`warning: snapshot ${name} ignored: ${problem}\n`));
  process.stderr.write(`recovered: ${r.snapshot ? `snapshot at seq ${r.snapshot.seq}` : 'no snapshot'} + ${r.tail} log records; continuing at step ${r.next}\n`);
  const state = await runProcess(dir, {
    seed: arg('--seed', 7)!,
    events: arg('--events', 400)!,
    snapshotEvery: arg('--snapshot-every', 50)!,
    killAtEvent: arg('--kill-at-event'),
    killAtSnapshotStep: arg('--kill-at-snapshot-step'),
  });
  process.stdout.write(`done: ${state.pending.open().length} open intents\n`);
}

if (process.argv[1] && /examples[\\/]recovery\.js$/.test(process.argv[1])) void main();
