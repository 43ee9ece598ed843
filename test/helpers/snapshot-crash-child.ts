/**
 * A child process that writes one snapshot and SIGKILLs itself before creation step number
 * `killAt` (0-based; -1: never), for test/snapshot-store.test.ts. The snapshot: seq 20, data files
 * whose bytes are derived from the seq, so the parent can tell the new one from the old; one of
 * them is a real book state in the binary encoding (`books.bin`, several chunks long).
 */
import { BookBuilder } from '../../src/book/book-builder.js';
import { Decimal } from '../../src/events/decimal.js';
import { BOOK_FLAG_LAST, BOOK_FLAG_SNAPSHOT } from '../../src/events/types.js';
import { SnapshotStore } from '../../src/log/snapshot-store.js';

/** An L3 book of 2,000 resting orders whose prices and sizes depend on the seq. */
export function booksOf(seq: number): BookBuilder {
  const b = new BookBuilder();
  const base = { type: 'book' as const, runId: 'crash', venue: 'V', symbol: 'S' };
  b.push({ ...base, ts: BigInt(seq), action: 'clear', flags: BOOK_FLAG_SNAPSHOT | BOOK_FLAG_LAST });
  for (let i = 0; i < 2000; i++) {
    const bid = i % 2 === 0;
    b.push({ ...base, ts: BigInt(seq), action: 'add', side: bid ? 'bid' : 'ask', price: new Decimal(bid ? 10_000 - (i % 97) - seq : 10_001 + (i % 89) + seq, -2), size: new Decimal(1 + ((i * seq) % 50), 0), orderId: `o-${seq}-${i}`, flags: BOOK_FLAG_LAST });
  }
  return b;
}

export function snapshotFiles(seq: number): { name: string; data: Uint8Array }[] {
  return [
    { name: 'a.bin', data: Buffer.alloc(3000 + seq, seq & 0xff) },
    { name: 'b.jsonl', data: Buffer.from(`{"seq":${seq}}\n`.repeat(50)) },
    { name: 'books.bin', data: Buffer.concat([...booksOf(seq).captureState()]) },
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
