import { Readable } from 'node:stream';
export interface Line {
    text: string;
    /** 1-based. */
    no: number;
}
export interface InputSource {
    /** The path, or '-' for stdin. */
    readonly name: string;
    /** Size of the (possibly compressed) file; undefined for stdin and pipes. */
    readonly totalBytes: number | undefined;
    /** Bytes read so far of the (possibly compressed) input. */
    readonly bytesRead: number;
    /** Known after the first read. */
    readonly gzip: boolean;
    /** The next batch of complete lines, or null at the end. */
    nextLines(): Promise<Line[] | null>;
    /** Up to `n` non-blank lines from the start, without consuming them. */
    peek(n: number): Promise<string[]>;
    /** Stops reading (e.g. on SIGINT): pending and later nextLines() return null. */
    close(): void;
}
/** Opens `name` ('-': stdin) for reading lines; a missing or unreadable file is an IoError naming it. */
export declare function openInput(name: string, stdin?: Readable): InputSource;
