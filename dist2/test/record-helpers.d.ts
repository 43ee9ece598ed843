import type { TapeEvent } from '../src/events/index.js';
import { type CliRun } from './helpers/cli.js';
/** dist/test → the repository root. */
export declare const ROOT: string;
export declare const SHARED_DATA: string;
export declare function fixture(name: string): string;
export { collect, spawnCli, startCli } from './helpers/cli.js';
/** Runs the CLI in-process to completion, feeding `input` on stdin. */
export declare function runCli(args: string[], input?: string | Buffer): Promise<CliRun>;
export declare function readEvents(dir: string): TapeEvent[];
export declare function waitFor(cond: () => boolean, what: string, timeoutMs?: number): Promise<void>;
export declare function readJsonFile(p: string): Record<string, unknown> | null;
