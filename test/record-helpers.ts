/** Shared helpers of the record tests: fixtures, the CLI (test/helpers/cli.ts), reading back. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TapeEvent } from '../src/events/index.js';
import { openRecording } from '../src/events/recording.js';
import { runCli as runCliInProcess, type CliRun } from './helpers/cli.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** dist/test → the repository root. */
export const ROOT = path.resolve(here, '..', '..');
export const SHARED_DATA = path.resolve(ROOT, '..', 'shared', 'data');

export function fixture(name: string): string {
  return path.join(ROOT, 'test', 'fixtures', name);
}

export { collect, spawnCli, startCli } from './helpers/cli.js';
export { waitFor } from './helpers/wait.js';

/** Runs the CLI in-process to completion, feeding `input` on stdin. */
export function runCli(args: string[], input: string | Buffer = ''): Promise<CliRun> {
  return runCliInProcess(args, { input });
}

export function readEvents(dir: string): TapeEvent[] {
  return [...openRecording(dir).events()];
}


export function readJsonFile(p: string): Record<string, unknown> | null {
  try {
    return JSON.parse(fs.readFileSync(p, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}
