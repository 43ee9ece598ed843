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
 */
import { spawn } from 'node:child_process';
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
import { startNatsServer } from '../test/helpers/nats-server.js';
import { tickStream } from './data.js';
import { writeRecording } from './replay.js';
import { CONFIG, fmtCount, fmtMBs, fmtMs, fmtRate, log, med, percentile, rmrf, scratch, type SectionResult } from './table.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

interface SubResult {
  messages: number;
  bytes: number;
}

/** Starts k subscribers in a child process; resolves once they are subscribed. */
async function subscribers(url: string, prefix: string, k: number): Promise<{ done: Promise<SubResult> }> {
  const child = spawn(process.execPath, [path.join(HERE, 'nats-sub-child.js'), url, prefix, String(k)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let readyResolve!: () => void;
  const ready = new Promise<void>((r) => (readyResolve = r));
  const done = new Promise<SubResult>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready\n')) readyResolve();
    });
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (code !== 0 || !line) reject(new Error(`subscriber child exited ${code}: ${out}`));
      else resolve(JSON.parse(line) as SubResult);
    });
  });
  await ready;
  return { done };
}

export async function benchNats(): Promise<SectionResult> {
  const N = Math.round(Number(process.env.BENCH_NATS_EVENTS ?? 200_000));
  const RUNS = CONFIG.runs;
  // A loaded 2-core machine can starve the subscriber process for seconds: a longer write deadline
  // and a larger pending limit keep the server from dropping it as a slow consumer mid-run.
  const server = await startNatsServer({ config: 'write_deadline: "60s"\nmax_pending: 536870912' });
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
        await replayToNats(src, `${server.url}/${prefix}`, { replay: { speed: 'max' } });
        let got = await subs.done;
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
        for (let i = 0; i < msgs.length; i++) {
          const m = msgs[i]!;
          nc.publish(m.subject, m.payload, { headers: m.headers });
          // Without an occasional flush the client's buffer grows without bound (it has no backpressure).
          if ((i & 8191) === 8191) await nc.flush();
        }
        nc.publish(`${prefix}._ctl.end`, '');
        await nc.flush();
        got = await subs.done;
        raw.push(performance.now() - t0);
        await nc.close();
        if (got.messages !== N * k) throw new Error(`raw to ${k}: ${got.messages} of ${N * k} messages arrived`);
        // in-process bus
        const b = new EventBus();
        let count = 0;
        for (let s = 0; s < k; s++) b.events$.subscribe(() => count++);
        t0 = performance.now();
        await lastValueFrom(new Replayer(src, b).start({ speed: 'max' }), { defaultValue: undefined });
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
      await lastValueFrom(rp.start({ speed: 1 }), { defaultValue: undefined });
      await fan.finish();
      await subNc.flush();
      sub.unsubscribe();
      await nc.close();
      await subNc.close();
    }
    lat.sort((a, b) => a - b);

    // JetStream record rate.
    log('nats: JetStream record rate');
    const jsRows: string[][] = [];
    {
      const nc = await connectNats(server.url);
      await (await jetstreamManager(nc)).streams.add({ name: 'BENCH', subjects: ['js.>'] });
      await nc.close();
      await replayToNats(src, `${server.url}/js`, { replay: { speed: 'max' } });
      for (const durability of ['batched', 'strict'] as const) {
        const times: number[] = [];
        for (let r = 0; r < RUNS; r++) {
          const dir = path.join(work, `js-${durability}-${r}`);
          const t0 = performance.now();
          const s = await recordFromJetStream(dir, server.url, { subject: 'js.>', untilEnd: true, durability, batchMessages: 1000, consumer: `bench-${durability}-${r}` });
          times.push(performance.now() - t0);
          if (s.events !== N) throw new Error(`JetStream record: ${s.events} of ${N}`);
          rmrf(dir);
        }
        const t = med(times, (x) => x);
        jsRows.push([`recordFromJetStream, ${durability}, batches of 1000`, fmtRate((N / t) * 1000, 'ev/s'), fmtMs(t)]);
      }
    }

    return {
      id: 'nats',
      title: 'NATS: fan-out, latency, JetStream recording (issue 18)',
      intro:
        `${fmtCount(N)} generated ticks (${fmtMBs(payloadBytes).replace('/s', '')} of payload) replayed at max speed to a local nats-server ${'2.9'} on this machine; ` +
        `subscribers in a child process, one connection each; the replay process, the server and the subscribers share the machine's cores. Median of ${RUNS} runs.`,
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
