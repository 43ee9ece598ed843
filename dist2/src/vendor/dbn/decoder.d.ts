import { type DbnMetadata } from './metadata.js';
import { type DbnRecord } from './record.js';
export declare class DbnDecoder {
    readonly source: string;
    metadata: DbnMetadata | null;
    /** Records skipped because tapedeck has no layout for their rtype, by rtype. */
    readonly skipped: Map<number, number>;
    /** Bytes consumed so far (decompressed). */
    offsetBytes: number;
    private pending;
    private metadataBytes;
    private version;
    constructor(source?: string);
    private bad;
    /** Decodes what `chunk` completes; returns the records (the metadata is then in `metadata`). */
    push(chunk: Uint8Array): DbnRecord[];
    /** Call at the end of the input: an incomplete header or record left over is an error. */
    end(): void;
}
