/**
 * The tape-deck status line and keys of `tapedeck replay` on a terminal, driven through a real
 * pseudo-terminal (util-linux `script`). Without `script` these tests fail loudly: .ci/run installs it
 * (Debian's bsdutils) when it is missing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runScenario } from '../src/scenario/index.js';
import { cliPath, rm, tmpDir } from './helpers/tmp.js';

const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
const NO_SCRIPT = 'util-linux `script` is missing on this machine (Debian: apt-get install bsdutils): the terminal tests cannot run';

/** One random-walk recording for both tests (no backtest: only the events are replayed). */
let root = '';
let rec = '';
test.before(async () => {
  if (!hasScript) {
    console.log(`\n  FAILED PRECONDITION: ${NO_SCRIPT}`);
    return;
  }
  root = tmpDir();
  rec = path.join(root, 'rw');
  await runScenario('random-walk', { out: rec, backtest: false });
});
test.after(() => {
  if (root !== '') rm(root);
});

/** The terminal's output so far, and a wait for a pattern answered on the output that matches it (15 s deadline overall). */
function terminal(child: ChildProcessWithoutNullStreams) {
  let text = '';
  const waiters: (() => void)[] = [];
  child.stdout.on('data', (c: Buffer) => {
    text += c.toString();
    for (const w of waiters.splice(0)) w();
  });
  const deadline = performance.now() + 15_000;
  return {
    text: () => text,
    async waitFor(re: RegExp, what: string) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - performance.now()));
        const check = () => {
          if (re.test(text)) {
            clearTimeout(timer);
            resolve();
          } else waiters.push(check);
        };
        check();
      });
      assert.match(text, re, what);
    },
  };
}

test('replay tty - status line, space pauses, + doubles the speed, q quits early', async () => {
  assert.ok(hasScript, NO_SCRIPT);
  const child = spawn('script', ['-qfc', `${process.execPath} ${cliPath} replay ${rec} --speed 1`, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const term = terminal(child);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // Readiness by content, not by time: wait until the status line is drawn.
  await term.waitFor(/▶ .*1x/, 'a playing status line at 1x');
  child.stdin.write('+');
  await term.waitFor(/2x/, '+ doubled the speed');
  child.stdin.write(' ');
  await term.waitFor(/❚❚/, 'space paused');
  child.stdin.write('q');
  const code = await exited;
  assert.is(code, 0);
  // Quit long before the two-minute session was over.
  const lines = term.text().split(/\r?\n/).filter((l) => l.startsWith('{"type"'));
  assert.ok(lines.length < 8975, `quit early (${lines.length} events written)`);
});

test('replay tty - stdout piped: the status stays on the terminal (stderr) and keys come from /dev/tty', async () => {
  assert.ok(hasScript, NO_SCRIPT);
  const out = path.join(root, 'out.jsonl');
  // stdin is /dev/null and stdout a pipe: only stderr is the terminal, so keys must be read from /dev/tty.
  const cmd = `${process.execPath} ${cliPath} replay ${rec} --speed 1 --types tick < /dev/null | cat > ${out}`;
  const child = spawn('script', ['-qfc', cmd, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const term = terminal(child);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await term.waitFor(/▶ .*1x/, 'a playing status line at 1x');
  child.stdin.write('+');
  await term.waitFor(/2x/, '+ doubled the speed');
  child.stdin.write('\x1b[C'); // → seek 10 s on
  child.stdin.write(' ');
  await term.waitFor(/❚❚/, 'space paused');
  child.stdin.write('q');
  assert.is(await exited, 0);
  // The terminal got the status line, never an event; the pipe got the events, never the status.
  assert.not.match(term.text(), /"type":"tick"/);
  const lines = fs.readFileSync(out, 'utf8').split('\n').filter((l) => l.length > 0);
  assert.ok(lines.length > 0 && lines.length < 8973, `quit early (${lines.length} events piped)`);
  assert.ok(lines.every((l) => l.startsWith('{"type":"tick"')), 'only events in the pipe');
  // The → key moved the clock the status shows by 10 s (redrawn at once after a key).
  const clocks = [...term.text().matchAll(/(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+)Z/g)].map((m) => Date.parse(`${m[1]!.slice(0, 23)}Z`));
  assert.ok(clocks.some((t, i) => i > 0 && t - clocks[i - 1]! >= 9_000), `the → key seeked: ${clocks.join(' ')}`);
});

test.run();
