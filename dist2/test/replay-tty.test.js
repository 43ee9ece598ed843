/**
 * The tape-deck status line and keys of `tapedeck replay` on a terminal, driven through a real
 * pseudo-terminal (util-linux `script`). Where `script` is missing the test has nothing to drive.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { runScenario } from '../src/scenario/index.js';
import { cliPath, rm, tmpDir } from './helpers/tmp.js';
const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
function sleep(ms) {
    return new Promise((r) => setTimeout(r, ms));
}
test('replay tty - status line, space pauses, + doubles the speed, q quits early', async () => {
    if (!hasScript)
        return;
    const root = tmpDir();
    const rec = path.join(root, 'rw');
    await runScenario('random-walk', { out: rec });
    const child = spawn('script', ['-qfc', `${process.execPath} ${cliPath} replay ${rec} --speed 1`, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c.toString()));
    const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    // Readiness by content, not by time: wait until the status line is drawn.
    const deadline = Date.now() + 15_000;
    while (!/▶ .*1x/.test(out) && Date.now() < deadline)
        await sleep(50);
    assert.match(out, /▶ .*1x/, 'a playing status line at 1x');
    child.stdin.write('+');
    while (!/2x/.test(out) && Date.now() < deadline)
        await sleep(50);
    assert.match(out, /2x/, '+ doubled the speed');
    child.stdin.write(' ');
    while (!/❚❚/.test(out) && Date.now() < deadline)
        await sleep(50);
    assert.match(out, /❚❚/, 'space paused');
    child.stdin.write('q');
    const code = await exited;
    assert.is(code, 0);
    // Quit long before the two-minute session was over.
    const lines = out.split(/\r?\n/).filter((l) => l.startsWith('{"type"'));
    assert.ok(lines.length < 8975, `quit early (${lines.length} events written)`);
    rm(root);
});
test.run();
//# sourceMappingURL=replay-tty.test.js.map