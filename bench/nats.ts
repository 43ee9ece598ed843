/**
 * Issue 18: tapedeck over NATS, against a real local nats-server (Debian's package).
 *  - Fan-out throughput: a recording replayed at max speed through NatsFanout to 1, 4 and 16
 *    subscribers (separate connections in a child process, each counting until the end marker),
 *    against the ceiling (the same payloads and headers published with the raw client in a loop, one
 *    flush at the end) and the in-process bus (the same replay onto an EventBus with 1/4/16 subscribers).
 *  - End-to-end latency at 1x: due time (replay start + event offset) to arrival at a subscriber.
 *  - JetStream record rate: a stream pre-filled with the replay, recorded with recordFromJetStream
 *    (batched and strict durability, acknowledged only once durable).
 * Median of BENCH_RUNS; BENCH_NATS_EVENTS sets the recording size (default 200 000 ticks).
 *
 * Every wait has a deadline (a stuck step fails the section with a message naming it, never hangs
 * the bench), and every subscriber child is killed when its run ends, whatever the outcome.
 * Once it hung at 16 subscribers: the parent waited for the child's `ready` line forever when the
 * child failed before printing it (16 connections at once under load); now that wait ends with
 * the child's exit too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { lastValueFrom } from 'rxjs';
import { EventBus } from '../src/bus/index.js';
import { encodeEvent, openRecording } from '../src/events/index.js';
import { NatsFanout, eventHeaderEntries, eventSubject, recordFromJetStream, replayToNats } from '../src/nats/index.js';
import { Replayer } from '../src/replay/index.js';
import { connectNats } from '../src/transport/index.js';
import { bounded, killOnExit, startNatsServer } from '../test/helpers/nats-server.js';
import { tickStream } from './data.js';
import { writeRecording } from './replay.js';
import { CONFIG, fmtCount, fmtMBs, fmtMs, fmtRate, log, med, percentile, rmrf, scratch, type SectionResult } from './table.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

interface SubResult {
  messages: number;
  bytes: number;
}

/** Deliveries a subscriber process is assumed to take at least per second, to derive deadlines (generous: a loaded 2-core box). */
const DELIVERIES_PER_S_MIN = 20_000;
const CONNECT_DEADLINE_MS = 30_000;

/** How long `deliveries` messages may take before a step counts as stuck. */
function deadlineMs(deliveries: number): number {
  return 60_000 + Math.ceil(deliveries / DELIVERIES_PER_S_MIN) * 1000;
}

interface Subscribers {
  /** Resolves with the counts once every subscriber has seen the end marker (and the child exited 0). */
  done: Promise<SubResult>;
  child: ChildProcess;
}

/** Starts k subscribers in a child process; resolves once they are subscribed, rejects if the child dies first or takes too long. */
async function subscribers(url: string, prefix: string, k: number): Promise<Subscribers> {
  const child = killOnExit(spawn(process.execPath, [path.join(HERE, 'nats-sub-child.js'), url, prefix, String(k)], { stdio: ['ignore', 'pipe', 'pipe'] }));
  let out = '';
  let err = '';
  let readyResolve!: () => void;
  let readyReject!: (e: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    readyResolve = resolve;
    readyReject = reject;
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<SubResult>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready\n')) readyResolve();
    });
    child.on('exit', (code, signal) => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      const failure = new Error(`subscriber child (${k} connections) exited ${code ?? signal}: ${err.trim() || out.trim()}`);
      readyReject(failure);
      if (code !== 0 || !line) reject(failure);
      else resolve(JSON.parse(line) as SubResult);
    });
  });
  done.catch(() => undefined); // awaited later; a failure before then is reported there
  try {
    await bounded(ready, CONNECT_DEADLINE_MS, `${k} subscribers connecting`);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return { done, child };
}

/** Waits for the subscribers to finish within the deadline for `deliveries`; the child is killed whatever happens. */
async function finished(subs: Subscribers, deliveries: number, what: string): Promise<SubResult> {
  try {
    return await bounded(subs.done, deadlineMs(deliveries), what);
  } finally {
    if (subs.child.exitCode === null && subs.child.signalCode === null) subs.child.kill('SIGKILL');
  }
}

export async function benchNats(): Promise<SectionResult> {
  const N = Math.round(Number(process.env.BENCH_NATS_EVENTS ?? 200_000));
  const RUNS = CONFIG.runs;
  // A loaded 2-core machine can starve the subscriber process for seconds: a longer write deadline
  // and a larger pending limit keep the server from dropping it as a slow consumer mid-run.
  const server = await startNatsServer({ config: 'write_deadline: "60s"\nmax_pending: 536870912', lifetimeMsMax: 3_600_000 });
  const load0 = os.loadavg()[0]!;
  const work = scratch('nats');
  try {
    const src = path.join(work, 'source');
    await writeRecording(src, tickStream(N, 'nats-bench'));
    const events = [...openRecording(src).events()];
    const payloadBytes = events.reduce((n, e) => n + encodeEvent(e).payload.length, 0);
    const rows: string[][] = [];
    let prefixN = 0;
    for (const k of [1, 4, 16]) {
      const fan: number[] = [];
      const raw: number[] = [];
      const bus: number[] = [];
      for (let r = 0; r < RUNS; r++) {
        log(`nats: fan-out to ${k}, run ${r + 1}/${RUNS}`);
        // tapedeck fan-out
        let prefix = `b${prefixN++}`;
        let subs = await subscribers(server.url, prefix, k);
        let t0 = performance.now();
        try {
          await bounded(replayToNats(src, `${server.url}/${prefix}`, { replay: { speed: 'max' } }), deadlineMs(N * k), `replay --to nats with ${k} subscribers`);
        } catch (e) {
          subs.child.kill('SIGKILL');
          throw e;
        }
        let got = await finished(subs, N * k, `${k} subscribers receiving the fan-out`);
        fan.push(performance.now() - t0);
        if (got.messages !== N * k) throw new Error(`fan-out to ${k}: ${got.messages} of ${N * k} messages arrived (slow consumer?)`);
        // raw client ceiling: the same messages, pre-encoded, published in a loop
        prefix = `b${prefixN++}`;
        subs = await subscribers(server.url, prefix, k);
        const nc = await connectNats(server.url);
        const msgs = events.map((ev, i) => {
          const e = encodeEvent(ev);
          const h = natsHeaders();
          for (const [hk, hv] of eventHeaderEntries({ tag: e.type, tsNs: e.tsNs, seq: ev.seq!, source: src, runId: ev.runId, origin: 'raw', originSeq: i })) h.set(hk, hv);
          return { subject: eventSubject(prefix, ev), payload: e.payload, headers: h };
        });
        t0 = performance.now();
        try {
          await bounded(
            (async () => {
              for (let i = 0; i < msgs.length; i++) {
                const m = msgs[i]!;
                nc.publish(m.subject, m.payload, { headers: m.headers });
                // Without an occasional flush the client's buffer grows without bound (it has no backpressure).
                if ((i & 8191) === 8191) await nc.flush();
              }
              nc.publish(`${prefix}._ctl.end`, '');
              await nc.flush();
            })(),
            deadlineMs(N * k),
            `raw publishing to ${k} subscribers`,
          );
          got = await finished(subs, N * k, `${k} subscribers receiving the raw messages`);
        } finally {
          subs.child.kill('SIGKILL');
          await nc.close();
        }
        raw.push(performance.now() - t0);
        if (got.messages !== N * k) throw new Error(`raw to ${k}: ${got.messages} of ${N * k} messages arrived`);
        // in-process bus
        const b = new EventBus();
        let count = 0;
        for (let s = 0; s < k; s++) b.events$.subscribe(() => count++);
        t0 = performance.now();
        await bounded(lastValueFrom(new Replayer(src, b).start({ speed: 'max' }), { defaultValue: undefined }), deadlineMs(N * k), `replay onto the bus with ${k} subscribers`);
        bus.push(performance.now() - t0);
        if (count !== N * k) throw new Error('bus count');
      }
      const f = med(fan, (x) => x);
      const rw = med(raw, (x) => x);
      const bs = med(bus, (x) => x);
      rows.push([
        String(k),
        `${fmtRate((N / f) * 1000, 'ev/s')} · ${fmtMBs((payloadBytes / f) * 1000)} (${fmtMs(f)})`,
        `${fmtRate((N / rw) * 1000, 'msg/s')} · ${fmtMBs((payloadBytes / rw) * 1000)} (${fmtMs(rw)})`,
        `${((rw / f) * 100).toFixed(0)}%`,
        `${fmtRate((N / bs) * 1000, 'ev/s')} (${fmtMs(bs)})`,
      ]);
    }

    // Latency at 1x: 5 s of ticks 1 ms apart, arrival at a subscriber in this process against the due time.
    log('nats: latency at 1x');
    const lat: number[] = [];
    {
      const latSrc = path.join(work, 'latency');
      await writeRecording(latSrc, tickStream(5000, 'nats-latency', 1_000_000n));
      const nc = await connectNats(server.url);
      const subNc = await connectNats(server.url);
      const firstTs = [...openRecording(latSrc).events()][0]!.ts;
      let startWall = 0;
      const sub = subNc.subscribe('lat.>', {
        callback: (_e, m) => {
          const ts = m.headers?.get('Tapedeck-Ts');
          if (!ts) return;
          lat.push(performance.now() - (startWall + Number(BigInt(ts) - firstTs) / 1e6));
        },
      });
      await subNc.flush();
      const b = new EventBus();
      const rp = new Replayer(latSrc, b);
      const fan = new NatsFanout(nc, b, rp, { prefix: 'lat' });
      startWall = performance.now();
      try {
        await bounded(
          (async () => {
            await lastValueFrom(rp.start({ speed: 1 }), { defaultValue: undefined });
            await fan.finish();
            await subNc.flush();
          })(),
          60_000,
          'the 5 s replay at 1x for latency',
        );
      } finally {
        sub.unsubscribe();
        await nc.close();
        await subNc.close();
      }
    }
    lat.sort((a, b) => a - b);

    // JetStream record rate.
    log('nats: JetStream record rate');
    const jsRows: string[][] = [];
    {
      const nc = await connectNats(server.url);
      await (await jetstreamManager(nc)).streams.add({ name: 'BENCH', subjects: ['js.>'] });
      await nc.close();
      await bounded(replayToNats(src, `${server.url}/js`, { replay: { speed: 'max' } }), deadlineMs(N), 'filling the JetStream stream');
      for (const durability of ['batched', 'strict'] as const) {
        const times: number[] = [];
        for (let r = 0; r < RUNS; r++) {
          const dir = path.join(work, `js-${durability}-${r}`);
          const t0 = performance.now();
          const ac = new AbortController();
          const s = await bounded(
            recordFromJetStream(dir, server.url, { subject: 'js.>', untilEnd: true, durability, batchMessages: 1000, consumer: `bench-${durability}-${r}`, signal: ac.signal }),
            deadlineMs(N),
            `recording ${N} events from JetStream (${durability})`,
          ).finally(() => ac.abort());
          times.push(performance.now() - t0);
          if (s.events !== N) throw new Error(`JetStream record: ${s.events} of ${N}`);
          rmrf(dir);
        }
        const t = med(times, (x) => x);
        jsRows.push([`recordFromJetStream, ${durability}, batches of 1000`, fmtRate((N / t) * 1000, 'ev/s'), fmtMs(t)]);
      }
    }

    const load1 = os.loadavg()[0]!;
    return {
      id: 'nats',
      title: 'NATS: fan-out, latency, JetStream recording (issue 18)',
      intro:
        `${fmtCount(N)} generated ticks (${fmtMBs(payloadBytes).replace('/s', '')} of payload) replayed at max speed to a local nats-server ${'2.9'} on this machine; ` +
        `subscribers in a child process, one connection each; the replay process, the server and the subscribers share the machine's cores. Median of ${RUNS} runs. ` +
        `Load average (1 min) ${load0.toFixed(1)} at the start and ${load1.toFixed(1)} at the end on ${os.cpus().length} cores, shared with other jobs: read the ratios (fan-out / ceiling), not the absolute rates.`,
      tables: [
        {
          caption: 'Fan-out throughput (events published per second; payload MB/s)',
          header: ['subscribers', 'tapedeck replay --to nats (NatsFanout)', 'raw client, pre-encoded (ceiling)', 'fan-out / ceiling', 'in-process bus (Replayer → EventBus)'],
          rows,
          notes: [
            'Fan-out includes reading and decoding the recording, re-encoding each payload, the headers and the flow-control window (1 MiB, confirmed by PING/PONG).',
            'Time runs until every subscriber has seen the end marker.',
          ],
        },
        {
          caption: 'End-to-end latency at 1x (due time → arrival at a subscriber in the replaying process), 5 s of ticks 1 ms apart',
          header: ['events', 'p50', 'p99', 'max'],
          rows: [[fmtCount(lat.length), fmtMs(percentile(lat, 50)), fmtMs(percentile(lat, 99)), fmtMs(lat[lat.length - 1] ?? NaN)]],
        },
        {
          caption: 'JetStream record rate (stream pre-filled; a message is acknowledged only once durable)',
          header: ['recorder', 'events/s', 'time'],
          rows: jsRows,
        },
      ],
    };
  } finally {
    await server.stop();
    rmrf(work);
  }
}
