/**
 * Every command snippet in README.md runs as written: each fenced `sh` / `console` block is
 * extracted (a `console` block's commands are its `$ ` lines, `\` continuations joined), and its
 * commands run in order through bash (pipefail) in one temp working directory, with `tapedeck` on
 * the PATH as this checkout's CLI. A command must exit as its comment says (`# exit 1`), else 0.
 *
 * The working directory holds what the snippets assume, made here and listed in PREREQUISITES:
 * the demo's recordings (`tapedeck demo`), the repo's `scenarios/` and `test/` (fixtures), and a
 * few input files. Absolute `/tmp/...` paths in the README are redirected into the temp directory
 * (so parallel runs never share them). `../shared/data` is the sample data beside the repo: a
 * command that needs it says loudly SKIPPED when the folder is absent.
 *
 * A block that cannot run here (it installs, starts a server that runs until stopped, needs two
 * terminals or two hosts) is marked in the README with `<!-- snippet: not run by the tests: why -->`
 * on the line before its fence, and listed in NOT_RUN below: a new mark fails this test until it
 * is listed, so nothing is ever skipped silently.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cliPath, repoRoot, rm, tmpDir } from './helpers/tmp.js';

const README = path.join(repoRoot, 'README.md');
const SHARED = path.resolve(repoRoot, '..', 'shared', 'data');

/** The marked blocks, by their first command: what the README says cannot run here. */
const NOT_RUN = [
  'npm ci', // the Quickstart: installs and runs this very suite (CI runs it: .ci/run)
  'tapedeck scenario run flash-crash --seed 7 --out /tmp/src', // two terminals and a NATS server: test/nats-record.test.ts
  'tapedeck serve recordings/demo/source', // a service that runs until stopped: test/nats-service.test.ts
  'tapedeck record rec/btc --format binance', // a live venue feed over the internet: test/record-ws.test.ts, record-venues
  'tapedeck ui recordings/demo/source bt1 bt2', // a server that opens a browser: test/ui-*.test.ts
  'nats-server -js -sd /var/lib/nats', // two hosts: test/sweep-nats.test.ts
];

/** Files the snippets take as given, made in the working directory before the first block. */
const PREREQUISITES = [
  'recordings/demo/source, recordings/demo/replayed (tapedeck demo)',
  'scenarios -> the repo scenarios/, test -> the repo test/ (fixtures)',
  'in.jsonl (a good tick, a line that is not JSON, a tick with a negative askSize)',
  'feed (a recording; stats reads it with no live writer)',
  'glbx-esm4-mbo-20240508T000000-2s.dbn.zst (the sample, or its excerpt in test/fixtures/dbn)',
  'deribit_incremental_book_L2_BTC-PERPETUAL.csv (test/fixtures/tardis)',
  'eurusd.json (one quote with timestamp/bidPrice/askPrice in ms)',
];

interface Block {
  line: number;
  lang: string;
  commands: { line: number; text: string }[];
  notRun: string | null;
}

function blocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++;
    const lang = open[1]!;
    if (lang === 'sh' || lang === 'console' || lang === 'bash') {
      let prev = i - 1;
      while (prev >= 0 && lines[prev]!.trim() === '') prev--;
      const mark = prev >= 0 ? /<!--\s*snippet:\s*not run by the tests:\s*(.*?)\s*-->/.exec(lines[prev]!) : null;
      out.push({ line: i + 1, lang, commands: commandsOf(lines.slice(i + 1, end), i + 2, lang), notRun: mark ? mark[1]! : null });
    }
    i = end;
  }
  return out;
}

function commandsOf(body: string[], firstLine: number, lang: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  for (let k = 0; k < body.length; k++) {
    let text = body[k]!;
    if (lang === 'console') {
      if (!text.startsWith('$ ')) continue;
      text = text.slice(2);
    } else if (text.trim() === '' || text.trim().startsWith('#')) continue;
    const line = firstLine + k;
    while (text.endsWith('\\') && k + 1 < body.length) text = `${text.slice(0, -1)} ${body[++k]!.trim()}`;
    out.push({ line, text });
  }
  return out;
}

/** The exit code a command's trailing comment promises (`# exit 1`, `# exit 0: ...`), else 0. */
function expectedExit(cmd: string): number {
  const m = /#[^#]*\bexit (\d+)/.exec(cmd);
  return m ? Number(m[1]) : 0;
}

function setup(root: string): { cwd: string; env: NodeJS.ProcessEnv } {
  const cwd = path.join(root, 'work');
  const bin = path.join(root, 'bin');
  fs.mkdirSync(cwd);
  fs.mkdirSync(bin);
  fs.mkdirSync(path.join(root, 'tmp'));
  fs.writeFileSync(path.join(bin, 'tapedeck'), `#!/bin/sh\nexec "${process.execPath}" "${cliPath}" "$@"\n`, { mode: 0o755 });
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` };
  delete env.TAPEDECK_DEBUG;
  fs.symlinkSync(path.join(repoRoot, 'scenarios'), path.join(cwd, 'scenarios'));
  fs.symlinkSync(path.join(repoRoot, 'test'), path.join(cwd, 'test'));
  if (fs.existsSync(SHARED)) {
    fs.mkdirSync(path.join(root, 'shared'));
    fs.symlinkSync(SHARED, path.join(root, 'shared', 'data'));
  }
  const run = (cmd: string, input?: string) => {
    const r = spawnSync('bash', ['-c', `set -o pipefail; ${cmd}`], { cwd, env, input, encoding: 'utf8', timeout: 300_000 });
    assert.is(r.status, 0, `prerequisite "${cmd}" failed: ${r.stderr}`);
  };
  run('tapedeck demo >/dev/null');
  const tick = (ts: string, extra = '') => `{"type":"tick","ts":"${ts}","venue":"XNAS","symbol":"AAPL","bid":100,"ask":100.5,"askSize":3${extra}}`;
  fs.writeFileSync(path.join(cwd, 'in.jsonl'), `${tick('1709303400000000000')}\nnot json\n${tick('1709303400000000001').replace('"askSize":3', '"askSize":-5')}\n`);
  run('tapedeck record feed --clock source --metrics-interval 0', `${tick('1709303400000000000')}\n`);
  const dbn = path.join(SHARED, 'dbn', 'glbx-esm4-mbo-20240508T000000-2s.dbn.zst');
  fs.copyFileSync(fs.existsSync(dbn) ? dbn : path.join(repoRoot, 'test', 'fixtures', 'dbn', 'glbx-esm4-mbo-20240508.excerpt595.dbn.zst'), path.join(cwd, 'glbx-esm4-mbo-20240508T000000-2s.dbn.zst'));
  fs.copyFileSync(path.join(repoRoot, 'test', 'fixtures', 'tardis', 'deribit_incremental_book_L2_BTC-PERPETUAL.csv'), path.join(cwd, 'deribit_incremental_book_L2_BTC-PERPETUAL.csv'));
  fs.writeFileSync(path.join(cwd, 'eurusd.json'), '{"timestamp":1715126400000,"bidPrice":1.07512,"askPrice":1.07515}\n');
  return { cwd, env };
}

test('README: the extractor sees the blocks it must (a parse that finds nothing cannot pass)', () => {
  const bs = blocks(fs.readFileSync(README, 'utf8'));
  const commands = bs.flatMap((b) => b.commands);
  assert.ok(bs.length >= 10, `${bs.length} shell blocks`);
  assert.ok(commands.length >= 30, `${commands.length} commands`);
  assert.ok(commands.some((c) => c.text.startsWith('tapedeck diff rw rw2 --types tick')), 'the diff example');
  assert.is(expectedExit('tapedeck diff rw rw2 --types tick          # exit 1'), 1);
  assert.is(expectedExit('tapedeck verify a --against b    # exit 0: same events'), 0);
  assert.is(expectedExit('tapedeck info x'), 0);
});

test('README: every shell snippet runs as written; the marked ones are listed, never skipped silently', () => {
  const bs = blocks(fs.readFileSync(README, 'utf8'));
  const marked = bs.filter((b) => b.notRun !== null);
  assert.equal(
    marked.map((b) => NOT_RUN.find((n) => b.commands[0]?.text.startsWith(n)) ?? `(unlisted) ${b.commands[0]?.text}`),
    NOT_RUN,
    'the README marks exactly the blocks listed in NOT_RUN',
  );
  for (const b of marked) console.log(`  README line ${b.line}: not run by the tests (${b.notRun}): ${b.commands.map((c) => c.text.split(/\s+#/)[0]).join(' ; ')}`);
  const root = tmpDir('tapedeck-readme-');
  try {
    console.log(`  prerequisites: ${PREREQUISITES.join('; ')}`);
    const { cwd, env } = setup(root);
    let ran = 0;
    for (const b of bs) {
      if (b.notRun !== null) continue;
      for (const c of b.commands) {
        if (c.text.startsWith('npm ')) assert.unreachable(`README line ${c.line}: an npm command in a block that is not marked: ${c.text}`);
        if (c.text.includes('../shared/data') && !fs.existsSync(SHARED)) {
          console.log(`  SKIPPED: README line ${c.line} (no ../shared/data): ${c.text}`);
          continue;
        }
        const cmd = c.text.replace(/(^|[\s='"(])\/tmp\//g, `$1${root}/tmp/`);
        // A command that waits for the network or a server would hang: it fails after 2 minutes instead.
        const r = spawnSync('bash', ['-c', `set -o pipefail; ${cmd}`], { cwd, env, encoding: 'utf8', timeout: 120_000, killSignal: 'SIGKILL' });
        const want = expectedExit(c.text);
        assert.is(r.status, want, `README line ${c.line}: "${c.text}" exited ${r.status} (want ${want})\n${r.stderr}`);
        // A command that succeeds says something (no silent success); one that fails says why.
        assert.ok((r.stdout + r.stderr).trim().length > 0 || />\s*\/dev\/null/.test(c.text), `README line ${c.line}: no output at all`);
        ran++;
      }
    }
    assert.ok(ran >= 25, `${ran} commands ran`);
  } finally {
    rm(root);
  }
});

test.run();
