/**
 * Bench helper process: `k` NATS subscribers (one connection each) on `<prefix>.>`, counting
 * messages and payload bytes until each has seen the end marker, then printing one JSON line
 * `{ messages, bytes }` (per subscriber, summed). Prints `ready` once subscribed.
 * argv: url prefix k
 */
import { connect, type Msg } from '@nats-io/transport-node';

const [url, prefix, kArg] = process.argv.slice(2);
const k = Number(kArg);
const conns = await Promise.all(Array.from({ length: k }, () => connect({ servers: url!.replace('nats://', '') })));
let messages = 0;
let bytes = 0;
const done = conns.map(
  (nc) =>
    new Promise<void>((resolve) => {
      nc.subscribe(`${prefix}.>`, {
        callback: (_err, m: Msg) => {
          if (m.subject.endsWith('._ctl.end')) return resolve();
          messages++;
          bytes += m.data.length;
        },
      });
    }),
);
// A subscriber the server dropped (slow consumer) would wait for the end marker forever: fail loudly.
for (const nc of conns) {
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect' || s.type === 'slowConsumer') {
        process.stderr.write(`subscriber: ${s.type} after ${messages} messages\n`);
        process.exit(1);
      }
    }
  })();
}
await Promise.all(conns.map((c) => c.flush()));
process.stdout.write('ready\n');
await Promise.all(done);
process.stdout.write(`${JSON.stringify({ messages, bytes })}\n`);
await Promise.all(conns.map((c) => c.close()));
