/**
 * A disk that forgets: an in-memory FileOps that simulates a power loss, for the seeded log
 * simulation (test/log-sim.test.ts, `LOG_SIM_SEEDS=20000` for a soak).
 *
 * What survives `powerLoss(random)`:
 * - File data: what was fdatasync/fsync-ed is kept. Each write since a file's last sync is kept or
 *   lost per 512-byte sector, independently and in no particular order (so a write can be torn, and
 *   a later write can survive an earlier one's loss); a region past the durable end that no kept
 *   sector covers reads as zeros. A truncate since the last sync is kept or lost as a whole.
 * - Directory entries: creates, renames, links and unlinks since the directory was last fsynced
 *   are an ordered journal; a random prefix of it survives (so an entry not fsynced may vanish, and
 *   a rename is all-or-nothing). Directories themselves (mkdir) are durable at once.
 * Every file descriptor dies with the power. Randomness is a parameter: the same seed, the same loss.
 */
import type { FileOps } from './file-ops.js';
export declare const SECTOR_BYTES = 512;
export declare class PowerLossOps implements FileOps {
    private entries;
    private durableEntries;
    private dirs;
    /** Per directory: entry changes since its last fsync. */
    private journal;
    private fds;
    private nextFd;
    /** Power losses so far. */
    losses: number;
    /** Test seam for a deliberately broken disk: when false, fsync and fdatasync do nothing. */
    syncsWork: boolean;
    /** Cuts the power: what was not made durable is lost or torn as described above. */
    powerLoss(random: () => number): void;
    openSync(p: string, flags: string | number): number;
    writeSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
    readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
    /**
     * Like the real one, the asynchronous sync completes later (on the next turn of the event loop):
     * a power loss in between finds the written bytes not yet durable.
     */
    fdatasync(fd: number): Promise<void>;
    fdatasyncSync(fd: number): void;
    fsyncSync(fd: number): void;
    ftruncateSync(fd: number, length: number): void;
    fstatSizeSync(fd: number): number;
    closeSync(fd: number): void;
    renameSync(from: string, to: string): void;
    linkSync(from: string, to: string): void;
    realpathSync(p: string): string;
    unlinkSync(p: string): void;
    readdirSync(p: string): string[];
    mkdirSync(p: string): void;
    writeFileSync(p: string, data: Uint8Array | string): void;
    readFileSync(p: string): Buffer;
    existsSync(p: string): boolean;
    statSizeSync(p: string): number;
    private addFd;
    private file;
    private ensure;
    private truncate;
    private setEntry;
}
