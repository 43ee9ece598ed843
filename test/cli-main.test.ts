/**
 * `main(argv, io)`: the CLI as a function. Everything goes through io (nothing on the process's own
 * streams), exit codes are returned, and start-up loads only the named command.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { COMMANDS } from '../src/cli/commands/index.js';
import { IMPORT_FORMAT_CHOICES } from '../src/cli/commands/import.js';
import { EXPORT_FORMAT_CHOICES } from '../src/cli/commands/export.js';
import { EXPORT_FORMATS } from '../src/ops/export.js';
import { IMPORT_FORMATS } from '../src/record/importer.js';
import { runCli, runChild } from './helpers/cli.js';
import { repoRoot, rm, tmpDir } from './helpers/tmp.js';

test('main - --help and --version go to io.stdout, exit 0', async () => {
  const h = await runCli(['--help']);
  assert.is(h.code, 0);
  assert.match(h.stdout, /tapedeck <command> \[options\]/);
  for (const c of COMMANDS) assert.ok(h.stdout.includes(`tapedeck ${c.command}`), c.command);
  assert.is(h.stderr, '');
  const v = await runCli(['--version']);
  assert.is(v.code, 0);
  assert.is(v.stdout, `${JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version}\n`);
});

test('main - every command has its own --help with examples', async () => {
  for (const c of COMMANDS) {
    const r = await runCli([c.name, '--help']);
    assert.is(r.code, 0, `${c.name}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`tapedeck ${c.command.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), c.name);
    assert.match(r.stdout, /Examples:/, c.name);
  }
});

test('main - usage errors exit 2 on io.stderr; a missing recording exits 74', async () => {
  const none = await runCli([]);
  assert.is(none.code, 2);
  assert.match(none.stderr, /Name a command/);
  const bogus = await runCli(['xyzzy']);
  assert.is(bogus.code, 2);
  assert.match(bogus.stderr, /Unknown argument: xyzzy/);
  const dir = tmpDir();
  try {
    const r = await runCli(['info', 'no-such-recording'], { cwd: dir });
    assert.is(r.code, 74);
    assert.match(r.stderr, /no-such-recording: no such recording/);
    assert.is(r.stdout, '');
  } finally {
    rm(dir);
  }
});

test('main - relative paths resolve against io.cwd', async () => {
  const dir = tmpDir();
  try {
    const rec = await runCli(['record', 'rec', '--deterministic', '--metrics-interval', '0'], {
      cwd: dir,
      input: '{"type":"tick","ts":"1700000000000000000","venue":"X","symbol":"A","bid":1}\n',
    });
    assert.is(rec.code, 0, rec.stderr);
    assert.ok(fs.existsSync(path.join(dir, 'rec')), 'recorded under io.cwd');
    const info = await runCli(['info', 'rec', '--json'], { cwd: dir });
    assert.is(info.code, 0, info.stderr);
    assert.is(JSON.parse(info.stdout).byType.tick, 1);
  } finally {
    rm(dir);
  }
});

test('main - the format choices of import and export are the library lists', () => {
  assert.equal([...IMPORT_FORMAT_CHOICES], [...IMPORT_FORMATS]);
  assert.equal([...EXPORT_FORMAT_CHOICES], [...EXPORT_FORMATS, 'dbn']); // dbn: a binary file, by ops/dbn-export.ts
});

/** Value imports a command module may make at load time: nothing that pulls in the library. */
const LIGHT = new Set(['../args.js', '../../errors.js', '../../events/types.js', '../../events/ts.js', '../../scenario/time.js', '../io.js', '../exit.js', '../progress.js', '../nats-options.js', './diff.js', './record.js', './backtest.js']);

test('main - command modules load no library code until they run (cheap --help)', () => {
  const dir = path.join(repoRoot, 'src', 'cli', 'commands');
  const bad: string[] = [];
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
    const src = fs.readFileSync(path.join(dir, f), 'utf8');
    for (const m of src.matchAll(/^import (?!type )[^;]*? from '([^']+)';/gm)) {
      const spec = m[1]!;
      if (spec.startsWith('node:') || LIGHT.has(spec)) continue;
      // Files loaded only from a handler (dynamic import) may import anything.
      if (f === 'diff-text.ts') continue;
      bad.push(`${f}: ${spec}`);
    }
  }
  assert.equal(bad, []);
});

test('main - --help and --version never load yargs (its start-up costs more than Node\'s own)', async () => {
  for (const f of ['cli.ts', 'help.ts', 'main.ts', 'io.ts', 'commands/index.ts']) {
    const src = fs.readFileSync(path.join(repoRoot, 'src', 'cli', f), 'utf8');
    assert.not.match(src, /^import (?!type )[^;]*from 'yargs/m, `${f} imports yargs at load time`);
  }
  // The help text names every option a command declares (the same builders yargs parses with).
  const r = await runCli(['backtest', '--help']);
  for (const o of ['--strategy', '--latency', '--option', '--seed', '--max-loss', '--json', '--help', '--version']) assert.ok(r.stdout.includes(o), o);
  assert.match(r.stdout, /Venue:\n/);
  assert.match(r.stdout, /\[required\]/);
  const sub = await runCli(['scenario', 'run', '--help']);
  assert.match(sub.stdout, /^tapedeck scenario run <scenario>\n/);
  assert.match(sub.stdout, /--seed/);
  // A command's epilogue is printed last, as yargs prints it (record's NATS credentials help).
  const rec = await runCli(['record', '--help']);
  assert.match(rec.stdout, /\n\nNATS: Credentials: [^\n]*\n(?:[^\n]*\n)*$/);
  assert.ok(rec.stdout.trimEnd().endsWith('NATS_KEY.'), rec.stdout.slice(-200));
  // No help line starts its text past the terminal's width: a long example command stands whole
  // on its own line (to be copied), its description indented under it; long tags wrap.
  const wide = rec.stdout.split('\n').find((l) => l.includes('--snapshot-url \''));
  assert.ok(wide?.startsWith('  tapedeck record rec/btc --ws '), wide);
  for (const c of COMMANDS) {
    const h = await runCli([c.name, '--help']);
    for (const line of h.stdout.split('\n')) {
      if (line.length > 100) assert.match(line, /^  tapedeck /, `${c.name} --help: ${line.length} columns: ${line}`);
    }
  }
  // Anything else with --help still goes through yargs (an unknown flag is a usage error).
  assert.is((await runCli(['info', '--bogus', '--help'])).code, 0);
});

test('main - the real binary: exit code and stderr of a usage error (child process)', async () => {
  const r = await runChild(['replay']);
  assert.is(r.code, 2);
  assert.match(r.stderr, /Not enough non-option arguments/);
});

test.run();
