/** Shared helpers of the record tests: fixtures, the CLI (test/helpers/cli.ts), reading back. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openRecording } from '../src/events/recording.js';
import { runCli as runCliInProcess } from './helpers/cli.js';
const here = path.dirname(fileURLToPath(import.meta.url));
/** dist/test → the repository root. */
export const ROOT = path.resolve(here, '..', '..');
export const SHARED_DATA = path.resolve(ROOT, '..', 'shared', 'data');
export function fixture(name) {
    return path.join(ROOT, 'test', 'fixtures', name);
}
export { collect, spawnCli, startCli } from './helpers/cli.js';
/** Runs the CLI in-process to completion, feeding `input` on stdin. */
export function runCli(args, input = '') {
    return runCliInProcess(args, { input });
}
export function readEvents(dir) {
    return [...openRecording(dir).events()];
}
export async function waitFor(cond, what, timeoutMs = 10_000) {
    const t0 = Date.now();
    while (!cond()) {
        if (Date.now() - t0 > timeoutMs)
            throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 10));
    }
}
export function readJsonFile(p) {
    try {
        return JSON.parse(fs.readFileSync(p, 'utf8'));
    }
    catch {
        return null;
    }
}
//# sourceMappingURL=record-helpers.js.map