/** Shared helpers of the record tests: fixtures, the CLI as a child process, reading back. */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TapeEvent } from '../src/events/index.js';
import { openRecording } from '../src/events/recording.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** dist/test → the repository root. */
export const ROOT = path.resolve(here, '..', '..');
export const CLI = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
export const SHARED_DATA = path.resolve(ROOT, '..', 'shared', 'data');

export function fixture(name: string): string {
  return path.join(ROOT, 'test', 'fixtures', name);
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function spawnCli(args: string[]): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
}

export function collect(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs the CLI to completion, feeding `input` on stdin. */
export function runCli(args: string[], input = ''): Promise<CliResult> {
  const child = spawnCli(args);
  const done = collect(child);
  child.stdin!.on('error', () => {});
  child.stdin!.end(input);
  return done;
}

export function readEvents(dir: string): TapeEvent[] {
  return [...openRecording(dir).events()];
}

export async function waitFor(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function readJsonFile(p: string): Record<string, unknown> | null {
  try {
    return JSON.parse(fs.readFileSync(p, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}
