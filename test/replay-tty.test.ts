/**
 * The tape-deck status line and keys of `tapedeck replay` on a terminal, driven through a real
 * pseudo-terminal (util-linux `script`). Where `script` is missing the test has nothing to drive.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runScenario } from '../src/scenario/index.js';
import { cliPath, rm, tmpDir } from './helpers/tmp.js';

const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

test('replay tty - status line, space pauses, + doubles the speed, q quits early', async () => {
  if (!hasScript) return;
  const root = tmpDir();
  const rec = path.join(root, 'rw');
  await runScenario('random-walk', { out: rec });
  const child = spawn('script', ['-qfc', `${process.execPath} ${cliPath} replay ${rec} --speed 1`, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // Readiness by content, not by time: wait until the status line is drawn.
  const deadline = Date.now() + 15_000;
  while (!/▶ .*1x/.test(out) && Date.now() < deadline) await sleep(50);
  assert.match(out, /▶ .*1x/, 'a playing status line at 1x');
  child.stdin.write('+');
  while (!/2x/.test(out) && Date.now() < deadline) await sleep(50);
  assert.match(out, /2x/, '+ doubled the speed');
  child.stdin.write(' ');
  while (!/❚❚/.test(out) && Date.now() < deadline) await sleep(50);
  assert.match(out, /❚❚/, 'space paused');
  child.stdin.write('q');
  const code = await exited;
  assert.is(code, 0);
  // Quit long before the two-minute session was over.
  const lines = out.split(/\r?\n/).filter((l) => l.startsWith('{"type"'));
  assert.ok(lines.length < 8975, `quit early (${lines.length} events written)`);
  rm(root);
});

test('replay tty - stdout piped: the status stays on the terminal (stderr) and keys come from /dev/tty', async () => {
  if (!hasScript) return;
  const root = tmpDir();
  const rec = path.join(root, 'rw');
  const out = path.join(root, 'out.jsonl');
  await runScenario('random-walk', { out: rec, backtest: false });
  // stdin is /dev/null and stdout a pipe: only stderr is the terminal, so keys must be read from /dev/tty.
  const cmd = `${process.execPath} ${cliPath} replay ${rec} --speed 1 --types tick < /dev/null | cat > ${out}`;
  const child = spawn('script', ['-qfc', cmd, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let term = '';
  child.stdout.on('data', (c: Buffer) => (term += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 15_000;
  const waitFor = async (re: RegExp) => {
    while (!re.test(term) && Date.now() < deadline) await sleep(50);
    assert.match(term, re);
  };
  await waitFor(/▶ .*1x/);
  child.stdin.write('+');
  await waitFor(/2x/);
  child.stdin.write('\x1b[C'); // → seek 10 s on
  child.stdin.write(' ');
  await waitFor(/❚❚/);
  child.stdin.write('q');
  assert.is(await exited, 0);
  // The terminal got the status line, never an event; the pipe got the events, never the status.
  assert.not.match(term, /"type":"tick"/);
  const lines = fs.readFileSync(out, 'utf8').split('\n').filter((l) => l.length > 0);
  assert.ok(lines.length > 0 && lines.length < 8973, `quit early (${lines.length} events piped)`);
  assert.ok(lines.every((l) => l.startsWith('{"type":"tick"')), 'only events in the pipe');
  // The → key moved the clock the status shows by 10 s (redrawn at once after a key).
  const clocks = [...term.matchAll(/(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+)Z/g)].map((m) => Date.parse(`${m[1]!.slice(0, 23)}Z`));
  assert.ok(clocks.some((t, i) => i > 0 && t - clocks[i - 1]! >= 9_000), `the → key seeked: ${clocks.join(' ')}`);
  rm(root);
});

test.run();
