/**
 * `tapedeck record <dir>`: canonical JSONL (or raw venue messages) from stdin / --input, or a
 * WebSocket feed with --ws, into a recording. SIGINT/SIGTERM stop reading, write session-end,
 * make everything durable and seal; the exit code is then 0.
 */
import type { Argv, CommandModule } from 'yargs';
import type { DurabilityMode } from '../../log/index.js';
import type { ClockMode, RecordSummary, RecordWarning } from '../../record/recorder.js';
import type { WsFormat } from '../../record/ws.js';
import { type CliIo } from '../io.js';
export declare function warningPrinter(stream: NodeJS.WritableStream): (w: RecordWarning) => void;
/** JSON with bigints as decimal strings. */
export declare function toJson(v: unknown): string;
/** The human summary (stderr). */
export declare function describeSummary(verb: string, s: RecordSummary & {
    format?: string;
}): string;
export interface CommonArgs {
    dir: string;
    'run-id'?: string;
    durability: DurabilityMode;
    'segment-size'?: string;
    strict: boolean;
    json: boolean;
    deterministic: boolean;
    'session-events': 'auto' | 'yes' | 'no';
}
/** The --session-events choice as the Recorder's option. */
export declare function sessionEventsOption(v: 'auto' | 'yes' | 'no' | undefined): boolean | 'auto';
export declare function commonOptions<T>(y: Argv<T>): Argv<T & {
    "run-id": string | undefined;
} & {
    durability: DurabilityMode;
} & {
    "segment-size": string | undefined;
} & {
    strict: boolean;
} & {
    json: boolean;
} & {
    deterministic: boolean;
} & {
    "session-events": "no" | "auto" | "yes";
}>;
/** Installs SIGINT/SIGTERM handlers that abort `ac`; a second signal exits at once (the log's exit
 * hook still makes written data durable). Returns the uninstaller. */
export declare function onStopSignals(io: CliIo, ac: AbortController): () => void;
interface RecordArgs extends CommonArgs {
    input?: string;
    ws?: string;
    format: WsFormat;
    send?: string[];
    clock: ClockMode;
    'max-attempts'?: number;
    'metrics-interval'?: number;
}
export default function recordCommand(io: CliIo, rawArgs: readonly string[]): CommandModule<object, RecordArgs>;
export {};
