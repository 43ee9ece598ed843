/**
 * `import ... from 'tapedeck'` loads no NATS client and no WebSocket library: they are required
 * on first use through src/util/lazy-deps.ts (about 0.2 s of CPU of 0.55 s, paid by every
 * strategy in every sweep thread and by every script). A value import of them anywhere else in
 * src/ fails here; type imports are erased and fine.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { natsCore, natsJetStream, natsObj, wsClient } from '../src/util/lazy-deps.js';
import { repoRoot } from './helpers/tmp.js';

const LAZY = /^(@nats-io\/|ws$)/;

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

test('lazy deps - no module of src/ imports @nats-io/* or ws at load time but lazy-deps.ts', () => {
  const bad: string[] = [];
  const files = sources(path.join(repoRoot, 'src'));
  assert.ok(files.length > 100, `${files.length} source files`);
  for (const f of files) {
    if (f.endsWith(path.join('util', 'lazy-deps.ts'))) continue;
    const text = fs.readFileSync(f, 'utf8');
    for (const m of text.matchAll(/^(?:import|export) (?!type )([^;]*?) from '([^']+)';/gms)) {
      // `import { type A, type B } from` is erased too.
      const names = /^\{([^}]*)\}$/.exec(m[1]!.trim());
      if (names && names[1]!.split(',').every((n) => n.trim() === '' || n.trim().startsWith('type '))) continue;
      if (LAZY.test(m[2]!)) bad.push(`${path.relative(repoRoot, f)}: ${m[2]}`);
    }
    if (/\bimport\(\s*'(@nats-io\/[^']+|ws)'\s*\)/.test(text.replace(/typeof import\(/g, ''))) bad.push(`${path.relative(repoRoot, f)}: import()`);
  }
  assert.equal(bad, []);
});

test('lazy deps - the getters give the same module objects as import (instanceof holds across both)', async () => {
  assert.is(natsCore().headers, (await import('@nats-io/transport-node')).headers);
  assert.is(natsJetStream().JetStreamError, (await import('@nats-io/jetstream')).JetStreamError);
  assert.is(natsObj().Objm, (await import('@nats-io/obj')).Objm);
  assert.is(wsClient(), (await import('ws')).default);
  assert.is(natsCore(), natsCore(), 'required once');
});

test.run();
