/**
 * A child process that writes one snapshot and SIGKILLs itself before creation step number
 * `killAt` (0-based; -1: never), for test/snapshot-store.test.ts. The snapshot: seq 20, two data
 * files whose bytes are derived from the seq, so the parent can tell the new one from the old.
 */
import { SnapshotStore } from '../../src/log/snapshot-store.js';

export function snapshotFiles(seq: number): { name: string; data: Uint8Array }[] {
  return [
    { name: 'a.bin', data: Buffer.alloc(3000 + seq, seq & 0xff) },
    { name: 'b.jsonl', data: Buffer.from(`{"seq":${seq}}\n`.repeat(50)) },
  ];
}

async function main(): Promise<void> {
  const [dir, killAtText] = process.argv.slice(2);
  const killAt = Number(killAtText);
  let n = 0;
  const store = new SnapshotStore(dir!, {
    chunkBytes: 1024,
    onStep: (step) => {
      if (n++ === killAt) {
        process.stdout.write(`killed before ${step}\n`);
        process.kill(process.pid, 'SIGKILL');
      }
    },
  });
  await store.write(20, 2000n, snapshotFiles(20));
  process.stdout.write(`done after ${n} steps\n`);
}

if (process.argv[1] && /snapshot-crash-child\.js$/.test(process.argv[1])) void main();
