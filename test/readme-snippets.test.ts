/**
 * Every snippet in README.md runs as written, in document order, in one temp working directory:
 *
 * - Shell blocks (`sh` / `console`; a `console` block's commands are its `$ ` lines, `\`
 *   continuations joined). Each `tapedeck` in a command runs in-process through `main(argv, io)`
 *   (test/helpers/shell-line.ts: pipes, `&&`, `<`, `>`; other stages such as `head` or `grep` run
 *   as the real programs); a line that needs more of a shell (`$(...)`, `jq` in a substitution)
 *   runs through real bash (pipefail) with `tapedeck` on the PATH as this checkout's binary. A
 *   command must exit as its comment says (`# exit 1`), else 0, and say something.
 * - TypeScript/JavaScript blocks (`ts` / `js`): types stripped (TypeScript's transpileModule), each
 *   saved as a module of its own and imported in its turn by one plain `node` child in the working
 *   directory (test/helpers/readme-block-child.ts; one Node for all blocks: a cold Node per block
 *   paid a library load each), where `node_modules/tapedeck` is this checkout (as after
 *   `npm install tapedeck`), so `import ... from 'tapedeck'` means the built package. A block must
 *   not throw, exit or set a failing exit code, and must print something; after the last block the
 *   child must exit 0 by itself (nothing left running). A block whose first line is a comment naming a file
 *   (`// my-crash.ts ...`) is also saved under that name, for the commands after it.
 *
 * The working directory holds what the snippets assume, made here and listed in PREREQUISITES:
 * the demo's recordings (`tapedeck demo`), the repo's `scenarios/` and `test/` (fixtures), and a
 * few input files. Absolute `/tmp/...` paths in the README are redirected into the temp directory
 * (so parallel runs never share them). `../shared/data` is the sample data beside the repo: a
 * command that needs it says loudly SKIPPED when the folder is absent.
 *
 * A block that cannot run here (it installs, starts a server that runs until stopped, needs two
 * terminals, two hosts or the internet) is marked in the README with
 * `<!-- snippet: not run by the tests: why -->` on the line before its fence, and listed in
 * NOT_RUN below: a new mark fails this test until it is listed, so nothing is ever skipped silently.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { BLOCK_MARK } from './helpers/readme-block-child.js';
import { SCRIPT_LANGS, SHELL_LANGS, expectedExit, fencedBlocks, firstLine, shellCommands, type FencedBlock } from './helpers/readme.js';
import { parseShellLine, runPipelines } from './helpers/shell-line.js';
import { cliPath, repoRoot, rm, tmpDir } from './helpers/tmp.js';

const README = path.join(repoRoot, 'README.md');
const SHARED = path.resolve(repoRoot, '..', 'shared', 'data');
const BLOCK_CHILD = path.join(repoRoot, 'dist', 'test', 'helpers', 'readme-block-child.js');

/** The marked blocks, by their first line (a shell block's first command): what the README says cannot run here. */
const NOT_RUN = [
  'npm ci', // the Quickstart: installs and runs this very suite (CI runs it: .ci/run)
  'tapedeck scenario run flash-crash --seed 7 --out /tmp/src', // two terminals and a NATS server: test/nats-record.test.ts
  'tapedeck serve recordings/demo/source', // a service that runs until stopped: test/nats-service.test.ts
  "import { connectNats, replayFrom } from 'tapedeck';", // needs that service (and a NATS server): test/nats-service.test.ts
  'tapedeck record rec/btc --format binance', // a live venue feed over the internet: test/record-ws.test.ts, record-venues
  'tapedeck ui recordings/demo/source bt1 bt2', // a server that opens a browser: test/ui-*.test.ts
  "import { Recorder, recordWebSocket } from 'tapedeck';", // a live venue feed over the internet: test/record-ws.test.ts
  'nats-server -js -sd /var/lib/nats', // two hosts: test/sweep-nats.test.ts
];

/** Files the snippets take as given, made in the working directory before the first block. */
const PREREQUISITES = [
  'recordings/demo/source, recordings/demo/replayed (tapedeck demo)',
  'scenarios -> the repo scenarios/, test -> the repo test/ (fixtures)',
  'package.json ("type": "module"), node_modules/tapedeck -> this checkout, node_modules/<its dependencies> (an ES module project after npm install tapedeck)',
  'in.jsonl (a good tick, a line that is not JSON, a tick with a negative askSize)',
  'feed (a recording; stats reads it with no live writer)',
  'glbx-esm4-mbo-20240508T000000-2s.dbn.zst (the sample, or its excerpt in test/fixtures/dbn)',
  'deribit_incremental_book_L2_BTC-PERPETUAL.csv (test/fixtures/tardis)',
  'eurusd.json (one quote with timestamp/bidPrice/askPrice in ms)',
];

interface Workspace {
  root: string;
  cwd: string;
  env: Record<string, string | undefined>;
}

/** Runs one command line: in-process when the subset parser takes it, else through real bash. */
async function runLine(ws: Workspace, text: string, input?: string): Promise<{ code: number; stdout: string; stderr: string; shell: boolean }> {
  const cmd = text.replace(/(^|[\s='"(])\/tmp\//g, `$1${ws.root}/tmp/`);
  const pipelines = input === undefined ? parseShellLine(cmd) : null;
  if (pipelines !== null) return { ...(await runPipelines(pipelines, { cwd: ws.cwd, env: ws.env })), shell: false };
  // A command that waits for the network or a server would hang: it fails after 2 minutes instead.
  const r = spawnSync('bash', ['-c', `set -o pipefail; ${cmd}`], { cwd: ws.cwd, env: ws.env, input, encoding: 'utf8', timeout: 120_000, killSignal: 'SIGKILL' });
  return { code: r.status ?? 128, stdout: r.stdout, stderr: r.stderr, shell: true };
}

async function setup(root: string): Promise<Workspace> {
  const cwd = path.join(root, 'work');
  const bin = path.join(root, 'bin');
  fs.mkdirSync(cwd);
  // The in-process CLI resolves relative paths as the real binary does: against the process's own directory.
  process.chdir(cwd);
  fs.mkdirSync(bin);
  fs.mkdirSync(path.join(root, 'tmp'));
  fs.writeFileSync(path.join(bin, 'tapedeck'), `#!/bin/sh\nexec "${process.execPath}" "${cliPath}" "$@"\n`, { mode: 0o755 });
  const env: Record<string, string | undefined> = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` };
  delete env.TAPEDECK_DEBUG;
  const ws = { root, cwd, env };
  fs.symlinkSync(path.join(repoRoot, 'scenarios'), path.join(cwd, 'scenarios'));
  fs.symlinkSync(path.join(repoRoot, 'test'), path.join(cwd, 'test'));
  const modules = path.join(cwd, 'node_modules');
  fs.mkdirSync(modules);
  fs.writeFileSync(path.join(cwd, 'package.json'), JSON.stringify({ name: 'readme-user', private: true, type: 'module' }));
  fs.symlinkSync(repoRoot, path.join(modules, 'tapedeck'));
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const dep of Object.keys(pkg.dependencies)) {
    const target = path.join(modules, dep);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.symlinkSync(path.join(repoRoot, 'node_modules', dep), target);
  }
  if (fs.existsSync(SHARED)) {
    fs.mkdirSync(path.join(root, 'shared'));
    fs.symlinkSync(SHARED, path.join(root, 'shared', 'data'));
  }
  const run = async (cmd: string) => {
    const r = await runLine(ws, cmd);
    assert.is(r.code, 0, `prerequisite "${cmd}" failed: ${r.stderr}`);
  };
  await run('tapedeck demo >/dev/null');
  const tick = (ts: string, extra = '') => `{"type":"tick","ts":"${ts}","venue":"XNAS","symbol":"AAPL","bid":100,"ask":100.5,"askSize":3${extra}}`;
  fs.writeFileSync(path.join(cwd, 'in.jsonl'), `${tick('1709303400000000000')}\nnot json\n${tick('1709303400000000001').replace('"askSize":3', '"askSize":-5')}\n`);
  fs.writeFileSync(path.join(root, 'feed.jsonl'), `${tick('1709303400000000000')}\n`);
  await run('tapedeck record feed --clock source --metrics-interval 0 < ../feed.jsonl');
  const dbn = path.join(SHARED, 'dbn', 'glbx-esm4-mbo-20240508T000000-2s.dbn.zst');
  fs.copyFileSync(fs.existsSync(dbn) ? dbn : path.join(repoRoot, 'test', 'fixtures', 'dbn', 'glbx-esm4-mbo-20240508.excerpt595.dbn.zst'), path.join(cwd, 'glbx-esm4-mbo-20240508T000000-2s.dbn.zst'));
  fs.copyFileSync(path.join(repoRoot, 'test', 'fixtures', 'tardis', 'deribit_incremental_book_L2_BTC-PERPETUAL.csv'), path.join(cwd, 'deribit_incremental_book_L2_BTC-PERPETUAL.csv'));
  fs.writeFileSync(path.join(cwd, 'eurusd.json'), '{"timestamp":1715126400000,"bidPrice":1.07512,"askPrice":1.07515}\n');
  return ws;
}

type Transpile = (source: string, fileName: string) => string;

/**
 * TypeScript's own type stripping (no type check: running the block is the check). Loaded with
 * require: `import()` of this 9 MB CommonJS file first has Node's CJS lexer scan it for export
 * names, which doubled the cost (0.9 s of CPU against 0.4 s).
 */
async function transpiler(): Promise<Transpile> {
  const ts = createRequire(import.meta.url)('typescript') as typeof import('typescript');
  return (source, fileName) =>
    ts.transpileModule(source, { fileName, reportDiagnostics: false, compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
}

/**
 * The one plain `node` child that runs the TS/JS blocks (test/helpers/readme-block-child.ts), in
 * the working directory with the snippets' environment: each block is imported there as its own
 * module when its turn comes in document order, and what it printed is read between its markers.
 */
class BlockChild {
  private readonly child: ChildProcess;
  private stdout = '';
  private stderr = '';
  private exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private wake: (() => void) | null = null;

  constructor(ws: Workspace) {
    this.child = spawn(process.execPath, [BLOCK_CHILD], { cwd: ws.cwd, env: { ...ws.env, FORCE_COLOR: '0' }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8').on('data', (s: string) => ((this.stdout += s), this.wake?.()));
    this.child.stderr!.setEncoding('utf8').on('data', (s: string) => ((this.stderr += s), this.wake?.()));
    this.child.stdin!.on('error', () => {}); // a child that died is reported by its exit
    this.child.on('close', (code, signal) => ((this.exit = { code, signal }), this.wake?.()));
  }

  /** Waits until `done()` holds, the child has exited, or `ms` passed; says which. */
  private async until(done: () => boolean, ms: number): Promise<'done' | 'exited' | 'timeout'> {
    const deadline = performance.now() + ms;
    for (;;) {
      if (done()) return 'done';
      if (this.exit) return 'exited';
      const left = deadline - performance.now();
      if (left <= 0) return 'timeout';
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => (clearTimeout(timer), resolve());
      });
      this.wake = null;
    }
  }

  /** Runs one block's module file; its output, or a failure naming the block. */
  async run(block: FencedBlock, file: string): Promise<{ stdout: string; stderr: string }> {
    const what = `README line ${block.line}: the ${block.lang} block`;
    const start = `\n${BLOCK_MARK} start ${block.line}\n`;
    const end = `\n${BLOCK_MARK} end ${block.line}\n`;
    assert.ok(this.exit === null, `${what} did not run: the node running the blocks had exited ${this.exitText()}`);
    this.child.stdin!.write(`${JSON.stringify({ line: block.line, file })}\n`);
    // A block that waits for the network or a server would hang: it fails after 2 minutes instead.
    const how = await this.until(() => this.stdout.includes(end) && this.stderr.includes(end), 120_000);
    const part = (s: string) => {
      const from = s.indexOf(start);
      if (from < 0) return '';
      const to = s.indexOf(end, from);
      return s.slice(from + start.length, to < 0 ? undefined : to);
    };
    const out = { stdout: part(this.stdout), stderr: part(this.stderr) };
    if (how === 'timeout') this.child.kill('SIGKILL');
    assert.is(how, 'done', `${what} ${how === 'timeout' ? 'ran for 2 minutes' : `exited ${this.exitText()}`}\n${out.stdout}\n${out.stderr}`);
    return out;
  }

  /** Ends stdin: the child must then exit 0 by itself, as a script does when nothing is left running. */
  async close(): Promise<void> {
    this.child.stdin!.end();
    const how = await this.until(() => false, 60_000);
    if (how === 'timeout') this.child.kill('SIGKILL');
    const left = this.stderr.split('\n').filter((l) => l.startsWith(`${BLOCK_MARK} left `));
    assert.is(how, 'exited', `after the last block the node running them did not exit within 60 s: a block left something running; active as each block ended:\n${left.join('\n')}`);
    assert.is(this.exit!.code, 0, `the node running the blocks exited ${this.exitText()}\n${this.stderr.slice(-2000)}`);
  }

  private exitText(): string {
    return String(this.exit?.code ?? this.exit?.signal);
  }

  kill(): void {
    if (this.exit === null) this.child.kill('SIGKILL');
  }
}

/** Runs one TS/JS block as its own module in the block child; returns how many lines it printed. */
async function runScript(ws: Workspace, block: FencedBlock, transpile: Transpile, child: BlockChild): Promise<number> {
  const source = block.body.join('\n').replace(/(^|[\s='"(])\/tmp\//g, `$1${ws.root}/tmp/`);
  const named = /^\/\/\s*([\w.-]+\.(?:ts|js|mjs))\b/.exec(block.body[0] ?? '');
  if (named) fs.writeFileSync(path.join(ws.cwd, named[1]!), source);
  const file = path.join(ws.cwd, `.readme-L${block.line}.mjs`);
  fs.writeFileSync(file, transpile(source, `readme-L${block.line}.${block.lang.startsWith('t') ? 'ts' : 'js'}`));
  const r = await child.run(block, file);
  const printed = r.stdout.split('\n').filter((l) => l.trim() !== '').length;
  // A block that runs says something, unless it is a module for the commands after it (a named file).
  assert.ok(printed > 0 || named !== null, `README line ${block.line}: the ${block.lang} block printed nothing`);
  console.log(`  README line ${block.line}: the ${block.lang} block ran${named ? ` (saved as ${named[1]})` : ''}, printed ${printed} lines: ${r.stdout.trimStart().split('\n')[0]!.slice(0, 100)}`);
  return printed;
}

test('README: the extractor sees the blocks it must (a parse that finds nothing cannot pass)', () => {
  const bs = fencedBlocks(fs.readFileSync(README, 'utf8'));
  const commands = bs.filter((b) => SHELL_LANGS.has(b.lang)).flatMap(shellCommands);
  const scripts = bs.filter((b) => SCRIPT_LANGS.has(b.lang));
  assert.ok(bs.filter((b) => SHELL_LANGS.has(b.lang)).length >= 10, `${bs.length} shell blocks`);
  assert.ok(commands.length >= 30, `${commands.length} commands`);
  assert.ok(scripts.length >= 8, `${scripts.length} TypeScript/JavaScript blocks`);
  assert.ok(commands.some((c) => c.text.startsWith('tapedeck diff rw rw2 --types tick')), 'the diff example');
  assert.ok(scripts.some((b) => firstLine(b) === "import { Log, openReader } from 'tapedeck';"), 'the log example');
  assert.is(expectedExit('tapedeck diff rw rw2 --types tick          # exit 1'), 1);
  assert.is(expectedExit('tapedeck verify a --against b    # exit 0: same events'), 0);
  assert.is(expectedExit('tapedeck info x'), 0);
});

test('README: the in-process runner takes exactly the shell subset it understands', () => {
  assert.equal(parseShellLine("tapedeck export rw --types tick --format csv | head -3   # a comment"), [
    { stages: [['tapedeck', 'export', 'rw', '--types', 'tick', '--format', 'csv'], ['head', '-3']], stdinFile: null, stdoutFile: null },
  ]);
  assert.equal(parseShellLine("tapedeck record live --subject 'md.>' \"x y\" < in.jsonl >/dev/null"), [
    { stages: [['tapedeck', 'record', 'live', '--subject', 'md.>', 'x y']], stdinFile: 'in.jsonl', stdoutFile: '/dev/null' },
  ]);
  assert.is(parseShellLine('tapedeck import a b && tapedeck verify b')?.length, 2);
  for (const needsBash of [
    'tapedeck verify x --digest "$(tapedeck verify y --json | jq -r .digest)"',
    'tapedeck info x; echo done',
    'tapedeck info x 2>/dev/null',
    'tapedeck info x >> log',
    'tapedeck info * ',
    'nats-server -js &',
    'tapedeck info x || true',
  ]) {
    assert.is(parseShellLine(needsBash), null, needsBash);
  }
});

test('README: every snippet runs as written, in order; the marked ones are listed, never skipped silently', async () => {
  const bs = fencedBlocks(fs.readFileSync(README, 'utf8')).filter((b) => SHELL_LANGS.has(b.lang) || SCRIPT_LANGS.has(b.lang));
  const marked = bs.filter((b) => b.notRun !== null);
  assert.equal(
    marked.map((b) => NOT_RUN.find((n) => firstLine(b).startsWith(n)) ?? `(unlisted) ${firstLine(b)}`),
    NOT_RUN,
    'the README marks exactly the blocks listed in NOT_RUN',
  );
  for (const b of marked) {
    const what = SHELL_LANGS.has(b.lang) ? shellCommands(b).map((c) => c.text.split(/\s+#/)[0]).join(' ; ') : `${b.lang} block: ${firstLine(b)}`;
    console.log(`  README line ${b.line}: not run by the tests (${b.notRun}): ${what}`);
  }
  const root = tmpDir('tapedeck-readme-');
  const before = process.cwd();
  let blocks: BlockChild | undefined;
  try {
    console.log(`  prerequisites: ${PREREQUISITES.join('; ')}`);
    const ws = await setup(root);
    const transpile = await transpiler();
    blocks = new BlockChild(ws);
    let ran = 0;
    let inShell = 0;
    let scripts = 0;
    for (const b of bs) {
      if (b.notRun !== null) continue;
      if (SCRIPT_LANGS.has(b.lang)) {
        await runScript(ws, b, transpile, blocks);
        scripts++;
        continue;
      }
      for (const c of shellCommands(b)) {
        if (c.text.startsWith('npm ')) assert.unreachable(`README line ${c.line}: an npm command in a block that is not marked: ${c.text}`);
        if (c.text.includes('../shared/data') && !fs.existsSync(SHARED)) {
          console.log(`  SKIPPED: README line ${c.line} (no ../shared/data): ${c.text}`);
          continue;
        }
        const r = await runLine(ws, c.text);
        const want = expectedExit(c.text);
        assert.is(r.code, want, `README line ${c.line}: "${c.text}" exited ${r.code} (want ${want})\n${r.stderr}`);
        // A command that succeeds says something (no silent success); one that fails says why.
        assert.ok((r.stdout + r.stderr).trim().length > 0 || />\s*\/dev\/null/.test(c.text), `README line ${c.line}: no output at all`);
        ran++;
        if (r.shell) inShell++;
      }
    }
    await blocks.close();
    console.log(`  ran ${ran} commands (${ran - inShell} in-process, ${inShell} through bash) and ${scripts} TypeScript/JavaScript blocks`);
    assert.ok(ran >= 25, `${ran} commands ran`);
    assert.ok(scripts >= 5, `${scripts} script blocks ran`);
  } finally {
    blocks?.kill();
    process.chdir(before);
    rm(root);
  }
});

test.run();
