/**
 * The package as a user gets it: `npm pack`, installed into a fresh project, then the real binary
 * runs `scenario list`, `scenario run`, a backtest with a bundled strategy and with a strategy
 * copied out of the package (importing from 'tapedeck'), and the demo. Child processes: the
 * installed package and its bin are the point.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoRoot, rm, tmpDir } from './helpers/tmp.js';

const base = tmpDir('tapedeck-pack-');
const project = path.join(base, 'project');
test.after(() => rm(base));

function run(cmd: string, args: string[], timeoutMs = 180_000): { code: number | null; out: string; err: string } {
  const r = spawnSync(cmd, args, { cwd: project, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('package - npm pack, install into a fresh project: scenario list/run, backtest with a bundled and a copied strategy, demo', () => {
  // dist/ is already built by `npm test`; no prepare script here.
  const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', base], { cwd: repoRoot, encoding: 'utf8' });
  const tgz = path.join(base, (JSON.parse(packed) as { filename: string }[])[0]!.filename);
  const files = (JSON.parse(packed) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
  assert.ok(files.includes('dist/scenarios/flash-crash.js'), 'compiled scenarios ship');
  assert.ok(files.includes('dist/scenarios/strategies/ma-crossover.js'), 'compiled strategies ship');
  assert.not.ok(files.some((f) => f.startsWith('dist/test/') || f.startsWith('src/')), 'no tests or sources beyond the scenarios');
  for (const f of files.filter((f) => /^(dist\/)?scenarios\/.*\.[jt]s$/.test(f))) {
    const text = fs.readFileSync(path.join(repoRoot, f), 'utf8');
    assert.not.match(text, /from '\.\.\/(\.\.\/)?src\//, `${f} imports the repository's src/ (not shipped): import from 'tapedeck'`);
  }
  fs.mkdirSync(project, { recursive: true });
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'tapedeck-user', private: true, type: 'module' }));
  const inst = run('npm', ['install', tgz, '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--omit=dev']);
  assert.is(inst.code, 0, inst.err);
  const bin = path.join(project, 'node_modules', '.bin', 'tapedeck');

  const list = run(bin, ['scenario', 'list']);
  assert.is(list.code, 0, list.err);
  for (const name of ['feed-outage', 'flash-crash', 'halt', 'random-walk', 'trend']) assert.match(list.out, new RegExp(`^${name} `, 'm'));

  const sc = run(bin, ['scenario', 'run', 'flash-crash']);
  assert.is(sc.code, 0, sc.err + sc.out);
  assert.match(sc.out, /expectations: all \d+ hold/);
  assert.ok(fs.existsSync(path.join(project, 'recordings', 'flash-crash-42')), 'under the project, not the package');

  const bundled = path.join('node_modules', 'tapedeck', 'dist', 'scenarios', 'strategies', 'ma-crossover.js');
  const bt = run(bin, ['backtest', 'recordings/flash-crash-42', '--strategy', bundled, '--out', 'bt1', '--json']);
  assert.is(bt.code, 0, bt.err);
  assert.ok(JSON.parse(bt.out).summary.eventsProcessed > 0);

  // A strategy copied out of the package imports from 'tapedeck' and runs as it is (through tsx).
  fs.copyFileSync(path.join(project, 'node_modules', 'tapedeck', 'scenarios', 'strategies', 'market-maker.ts'), path.join(project, 'my-strategy.ts'));
  const own = run(bin, ['backtest', 'recordings/flash-crash-42', '--strategy', 'my-strategy.ts', '--out', 'bt2', '--json']);
  assert.is(own.code, 0, own.err);

  const demo = run(bin, ['demo']);
  assert.is(demo.code, 0, demo.err + demo.out);
  assert.match(demo.out, /OK: recorded, replayed at 1000x and backtested/);
  assert.ok(fs.existsSync(path.join(project, 'recordings', 'demo', 'source')));
});

test.run();
