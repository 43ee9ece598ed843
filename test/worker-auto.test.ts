/** The one 'auto' rule of the helper threads (src/util/worker-auto.ts), with the readings injected. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CPU_SHARE_MIN, startStretch, workerPays, type CoreProbe } from '../src/util/worker-auto.js';

test('worker auto: a worker only with a second core and a core to itself (share >= CPU_SHARE_MIN)', () => {
  // cores, cpu ms, wall ms → made
  const table: [number, number, number, boolean][] = [
    [2, 100, 100, true],
    [8, 95, 100, true],
    [2, CPU_SHARE_MIN * 100, 100, true], // the boundary is inclusive
    [2, CPU_SHARE_MIN * 100 - 0.001, 100, false],
    [2, 20, 100, false], // a contended machine: this thread on a CPU a fifth of the time
    [2, 50, 100, false], // one other busy thread per core
    [1, 100, 100, false], // no second core
    [0, 100, 100, false],
    [2, 0, 0, false], // nothing measured
    [2, 5, 0, false],
    [2, 130, 100, true], // V8's helper threads count too
  ];
  for (const [cores, cpuMs, wallMs, made] of table) assert.is(workerPays({ cores, cpuMs, wallMs }), made, `${cores} cores, ${cpuMs} / ${wallMs} ms`);
});

test('worker auto: a stretch is the difference of two readings, from its start to its end', () => {
  const readings = [
    { cpuMs: 1000, wallMs: 5000 },
    { cpuMs: 1085, wallMs: 5100 },
    { cpuMs: 2000, wallMs: 9000 },
  ];
  let n = 0;
  const probe: CoreProbe = () => readings[n++]!;
  const end = startStretch(probe, 2);
  assert.is(n, 1, 'read once at the start');
  const s = end();
  assert.equal(s, { cpuMs: 85, wallMs: 100, cores: 2 });
  assert.ok(workerPays(s));
  assert.equal(end(), { cpuMs: 1000, wallMs: 4000, cores: 2 }, 'each end measures from the same start');
});

test('worker auto: the real probe reads this process (CPU time grows with work, wall time with time)', () => {
  const end = startStretch();
  let x = 0;
  for (let i = 0; i < 2e6; i++) x += i % 7;
  const s = end();
  assert.ok(x > 0);
  assert.ok(s.wallMs > 0 && s.cpuMs > 0, JSON.stringify(s));
  assert.ok(s.cores >= 1);
});

test.run();
