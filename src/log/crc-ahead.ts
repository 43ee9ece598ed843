/**
 * CRC-ahead: a worker thread (crc-ahead-worker.ts) checks the CRCs of the frames a cursor is about
 * to read, so that on two cores the main thread only walks and decodes them. Measured on the
 * max-speed replay (bench/README.md): the frame CRC was ~11-15% of the main thread's time.
 *
 * The worker publishes, per segment job, a file offset up to which the frames from the cursor's
 * start offset are whole, CRC-valid and end a complete unit. The cursor's run path
 * (SegmentWalker.runInto → readRunInto) skips the CRC of a frame that ends at or before that
 * offset and computes it as before otherwise: the worker only ever saves work, it never decides.
 * It stops at the first frame that is not plainly good, so damage, a torn tail, an open batch at
 * the end and everything after them are judged on the main thread by the one per-frame path, with
 * the same errors, offsets and seqs. A worker that is late, busy or dead costs nothing but the
 * CRCs the main thread then computes itself.
 *
 * Bytes checked by the worker are the bytes the cursor reads: the worker reads through the
 * cursor's own descriptor, and a trusted offset always ends a complete unit (a writer's recovery
 * only cuts incomplete units off a tail). Not used for a follow (the tail grows under it) nor for
 * file operations other than the real ones (tests' fault injection).
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';

/** Segments with less than this many bytes to read are checked on the main thread alone. */
export const CRC_AHEAD_MIN_BYTES = 4 << 20;
const SLOTS = 4;
/**
 * The worker's V8 heap, kept small: it holds a walker, a frame view and one BigInt per frame at a
 * time (its chunks are outside the heap), but a default young generation grows to several MiB
 * under that allocation rate. A worker thread costs ~9.6 MiB of RSS even when empty (measured: an
 * `eval` worker that only posts a message); these limits took the replay's peak from ~88 to ~85
 * MiB. A worker that hits them dies, and the main thread checks every CRC itself.
 */
const WORKER_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 8 };
/** Offsets are published as int32: larger segments are checked on the main thread. */
const MAX_OFFSET = 0x7fffffff;

/** One job: the segment it covers is read from `start`; `verifiedTo()` for its trusted end. */
export class CrcAheadJob {
  constructor(
    private readonly cells: Int32Array,
    private readonly job: number,
    private readonly at: number,
  ) {}

  /** File offset up to which the frames from the job's start are known good; -1 if none yet. */
  verifiedTo(): number {
    const c = this.cells;
    const before = Atomics.load(c, this.at);
    const to = Atomics.load(c, this.at + 1);
    // The worker resets the offset before it takes a slot for a new job: a stable id means `to`
    // belongs to this job (or is that reset).
    return before === this.job && Atomics.load(c, this.at) === this.job ? to : -1;
  }
}

/** The worker of one cursor, started at its first job; close() ends it. */
export class CrcAhead {
  private worker: Worker | null = null;
  private readonly cells = new Int32Array(new SharedArrayBuffer(4 * (1 + 2 * SLOTS)));
  private jobs = 0;
  private jobsDone = 0;
  private waiting: (() => void)[] = [];
  private closed = false;

  constructor(
    /** Segments with fewer bytes to read stay on the main thread (tests pass 0). */
    private readonly minBytes = CRC_AHEAD_MIN_BYTES,
    /** The worker's heap limits (tests pass limits it cannot start under). */
    private readonly limits: ResourceLimits = WORKER_LIMITS,
  ) {}

  /** Resolves once the worker has finished every job posted so far (or is gone): for tests. */
  idle(): Promise<void> {
    if (this.worker === null || this.jobsDone >= this.jobs) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private settle(): void {
    const w = this.waiting;
    this.waiting = [];
    for (const f of w) f();
  }

  /**
   * A job for the segment read through `fd` from `start` to `end` (null: the file's size now), or
   * null when it is too small to be worth a thread or too large for the published offsets.
   */
  post(fd: number, start: number, end: number | null, sizeNow: number): CrcAheadJob | null {
    const stop = end ?? sizeNow;
    if (this.closed || stop - start < this.minBytes || stop > MAX_OFFSET) return null;
    if (this.worker === null) {
      try {
        this.worker = new Worker(new URL('./crc-ahead-worker.js', import.meta.url), { workerData: { sab: this.cells.buffer }, resourceLimits: this.limits });
      } catch {
        this.closed = true;
        return null;
      }
      // It must never keep the process alive, and its failure only means the main thread checks.
      this.worker.unref();
      this.worker.on('error', () => {
        this.jobsDone = this.jobs;
        this.settle();
      });
      this.worker.on('message', (job: number) => {
        this.jobsDone = job;
        if (job >= this.jobs) this.settle();
      });
    }
    const job = ++this.jobs;
    const slot = job % SLOTS;
    const at = 1 + 2 * slot;
    this.worker.postMessage({ job, slot, fd, start, end: end ?? -1 });
    return new CrcAheadJob(this.cells, job, at);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.cells, 0, 1);
    if (this.worker !== null) void this.worker.terminate();
    this.worker = null;
    this.settle();
  }
}
