/**
 * Tidy: the boundaries, enforced mechanically. Data flows one way through src/, so a folder may
 * import only from folders below it; nothing but the CLI knows yargs; and the wall clock and
 * unseeded randomness appear only in the modules that own them (live clocks, progress displays).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './helpers/tmp.js';

const SRC = path.join(repoRoot, 'src');

/** Lower ranks never import higher ones. */
const RANK: Record<string, number> = {
  util: 0,
  'errors.ts': 0,
  log: 1,
  transport: 1,
  events: 2,
  /** Vendor file formats (DBN, Tardis): pure codecs, mapped onto events; below the importer. */
  vendor: 2.5,
  record: 3,
  bus: 3,
  replay: 4,
  book: 4,
  verify: 5,
  nats: 5,
  backtest: 6,
  ops: 6,
  scenario: 7,
  ui: 8,
  sweep: 8,
  cli: 9,
  'index.ts': 10,
};

/** Where reading the wall clock is the point: the live receive clock and human progress displays. */
const WALL_CLOCK_ALLOWED = new Set(['record/clock.ts', 'ops/stats.ts', 'cli/commands/verify.ts']);

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** The code without comments, so a comment that names Date.now() is not a use of it. */
function code(file: string): string {
  return fs
    .readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

const files = sources(SRC).map((f) => ({ file: f, rel: path.relative(SRC, f).split(path.sep).join('/') }));

test('tidy - every src folder has a rank', () => {
  for (const { rel } of files) assert.ok(RANK[rel.split('/')[0]!] !== undefined, `${rel}: its folder has no rank in the tidy test`);
});

test('tidy - lower layers never import higher ones', () => {
  const bad: string[] = [];
  for (const { file, rel } of files) {
    const own = rel.split('/')[0]!;
    for (const m of code(file).matchAll(/from '(\.[^']+)'/g)) {
      const target = path.relative(SRC, path.resolve(path.dirname(file), m[1]!)).split(path.sep).join('/');
      const top = target.split('/')[0]!.replace(/\.js$/, '.ts');
      if (top === own) continue;
      if (RANK[top]! > RANK[own]!) bad.push(`${rel} imports ${target}`);
    }
  }
  assert.equal(bad, []);
});

test('tidy - nothing but the CLI knows yargs', () => {
  const bad = files.filter(({ file, rel }) => !rel.startsWith('cli/') && /from 'yargs/.test(code(file))).map((f) => f.rel);
  assert.equal(bad, []);
});

test('tidy - no Math.random anywhere; the wall clock only where it is the point', () => {
  const random = files.filter(({ file }) => /Math\.random\s*\(/.test(code(file))).map((f) => f.rel);
  assert.equal(random, []);
  const clock = files.filter(({ file, rel }) => /Date\.now\s*\(/.test(code(file)) && !WALL_CLOCK_ALLOWED.has(rel)).map((f) => f.rel);
  assert.equal(clock, []);
});

test('tidy - the check can fail: a planted upward import is caught', () => {
  const own = 'log';
  const target = 'replay/replayer.js';
  assert.ok(RANK[target.split('/')[0]!]! > RANK[own]!, 'log importing replay must count as upward');
});

test.run();
