/** A fresh temp directory; removed by cleanup(). */
export declare function tmpDir(prefix?: string): string;
export declare function rm(dir: string): void;
/** Segment files of a log directory in order. */
export declare function segmentFiles(dir: string): string[];
export declare function flipByte(file: string, offset: number, mask?: number): void;
export declare const repoRoot: string;
export declare const cliPath: string;
