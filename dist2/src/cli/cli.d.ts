import { type CliIo } from './io.js';
export type { CliIo } from './io.js';
export declare function main(argv: readonly string[], io?: CliIo): Promise<number>;
