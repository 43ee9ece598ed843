export interface FileOps {
    openSync(path: string, flags: string | number, mode?: number): number;
    /** Returns the byte count actually written, which can be short. */
    writeSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
    readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
    fdatasync(fd: number): Promise<void>;
    fdatasyncSync(fd: number): void;
    fsyncSync(fd: number): void;
    ftruncateSync(fd: number, length: number): void;
    fstatSizeSync(fd: number): number;
    closeSync(fd: number): void;
    renameSync(from: string, to: string): void;
    /** A hard link; fails with EEXIST when `to` exists (the lock relies on that). */
    linkSync(from: string, to: string): void;
    realpathSync(path: string): string;
    unlinkSync(path: string): void;
    readdirSync(path: string): string[];
    mkdirSync(path: string): void;
    writeFileSync(path: string, data: Uint8Array | string): void;
    readFileSync(path: string): Buffer;
    existsSync(path: string): boolean;
    statSizeSync(path: string): number;
}
export declare const realFileOps: FileOps;
/** fsync a directory so that a create, rename or unlink inside it survives a power loss. */
export declare function syncDir(ops: FileOps, dir: string): void;
/** Writes all of `length` bytes or throws: a short write is an error, never retried. */
export declare function writeFully(ops: FileOps, fd: number, buffer: Uint8Array, offset: number, length: number, position: number): void;
export declare function readFully(ops: FileOps, fd: number, length: number, position: number): Buffer;
