/**
 * A child process for the exactly-once tests: records from JetStream into a directory until the
 * end-of-replay marker, and kills itself with SIGKILL at the point it is told:
 *   phase:<fetched|intent|durable|acked>:<batch>   at that phase of that batch
 *   step:<sealed|tmp-created|renamed|dir-synced>:<n>   at the n-th log rotation step of that kind
 *   time:<ms>                                        after that long
 *   none                                             never
 * argv: dir url subject killSpec batchMessages durability
 * Prints the summary as JSON on a clean finish.
 */
import { recordFromJetStream } from '../../src/nats/jetstream-recorder.js';

const [dir, url, subject, kill, batchArg, durability] = process.argv.slice(2);
const [kind, what, nArg] = kill!.split(':');
const die = (): void => {
  process.kill(process.pid, 'SIGKILL');
};
if (kind === 'time') setTimeout(die, Number(what));
let steps = 0;
const summary = await recordFromJetStream(dir!, url!, {
  subject: subject!,
  untilEnd: true,
  batchMessages: Number(batchArg),
  durability: durability === 'strict' ? 'strict' : 'batched',
  segmentBytes: 64 * 1024,
  ackWaitMs: 2000,
  onPhase: (phase, batch) => {
    if (kind === 'phase' && phase === what && batch === Number(nArg)) die();
  },
  onLogStep: (step) => {
    if (kind === 'step' && step === what && ++steps === Number(nArg)) die();
  },
});
process.stdout.write(`${JSON.stringify(summary)}\n`);
process.exit(0);
