/**
 * The one Node child in which test/readme-snippets.test.ts runs README.md's TypeScript/JavaScript
 * blocks: each block is a module file of its own in the snippet directory, imported when the test
 * asks (one JSON line `{ "line": L, "file": path }` on stdin), so the blocks still run in document
 * order between the shell commands. One child for all of them, not a cold Node per block: each
 * block's `import ... from 'tapedeck'` cost a whole library load (about 0.45 s of CPU, 7 blocks).
 *
 * What a block does is seen as a user would see it: its stdout and stderr lie between
 * `@@readme-block start L` and `@@readme-block end L` on each stream. A block that throws, sets a
 * failing `process.exitCode` or calls `process.exit(n)` ends this child with that code (1 for a
 * throw, its stack on stderr) before the end marker, which the test reports as that block's
 * failure. When stdin ends the child must exit by itself, as a standalone script must: a block that
 * left something running (a timer, a socket, a worker) keeps it alive, which the test reports,
 * with what each block had left active when it ended (`@@readme-block left L: Timeout` on stderr).
 */
import * as readline from 'node:readline';
import { pathToFileURL } from 'node:url';

export const BLOCK_MARK = '@@readme-block';

function mark(what: 'start' | 'end', line: number): void {
  process.stdout.write(`\n${BLOCK_MARK} ${what} ${line}\n`);
  process.stderr.write(`\n${BLOCK_MARK} ${what} ${line}\n`);
}

/** The active handles and requests beyond those this child itself holds (`process.getActiveResourcesInfo()`). */
function leftActive(baseline: string[]): string[] {
  const left = process.getActiveResourcesInfo();
  for (const b of baseline) {
    const i = left.indexOf(b);
    if (i >= 0) left.splice(i, 1);
  }
  return left;
}

async function main(): Promise<void> {
  const requests = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  let baseline: string[] | null = null;
  for await (const text of requests) {
    const { line, file } = JSON.parse(text) as { line: number; file: string };
    mark('start', line);
    baseline ??= process.getActiveResourcesInfo(); // stdin, and stdout and stderr once written to
    try {
      await import(pathToFileURL(file).href);
    } catch (e) {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    }
    const code = Number(process.exitCode ?? 0);
    if (code !== 0) process.exit(code);
    mark('end', line);
    const left = leftActive(baseline);
    if (left.length > 0) process.stderr.write(`${BLOCK_MARK} left ${line}: ${left.join(', ')}\n`);
  }
}

if (process.argv[1] && /readme-block-child\.js$/.test(process.argv[1])) void main();
