/**
 * CLI start-up (issue 13): the CPU a whole `tapedeck … --help` process uses, against `node -e 0`,
 * median of several runs each. CPU (user + system) of the child, as bash's `times` reports it for
 * its children, so the figure is the whole process: Node's own start, module loading, the work.
 * Target: every command's --help at most 2× `node -e 0`.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from '../src/cli/commands/index.js';
import type { SectionResult } from './table.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.join(HERE, '..', 'src', 'cli', 'main.js');
const RUNS = Math.max(5, Number(process.env.BENCH_STARTUP_RUNS ?? 9));

/** CPU seconds (user + sys) of one child process running `argv`. */
function childCpuS(argv: string[]): number {
  const quoted = argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('bash', ['-c', `${quoted} >/dev/null 2>&1; times`], { encoding: 'utf8' });
  // `times` prints the shell's own times, then its children's: "0m0.070s 0m0.010s".
  const line = r.stdout.trim().split('\n').pop() ?? '';
  const m = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s/.exec(line);
  if (!m) throw new Error(`cannot read child CPU from bash times: ${JSON.stringify(r.stdout)}`);
  return Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function benchStartup(): Promise<SectionResult> {
  const cases: [string, string[]][] = [
    ['node -e 0 (baseline)', [process.execPath, '-e', '0']],
    ['tapedeck --version', [process.execPath, CLI, '--version']],
    ['tapedeck --help', [process.execPath, CLI, '--help']],
    ...COMMANDS.map((c): [string, string[]] => [`tapedeck ${c.name} --help`, [process.execPath, CLI, c.name, '--help']]),
    ['tapedeck scenario run --help', [process.execPath, CLI, 'scenario', 'run', '--help']],
    ['tapedeck info <not a recording> (yargs parse, exit 74)', [process.execPath, CLI, 'info', HERE]],
  ];
  // Interleaved rounds, so a burst of load on the shared machine hits every case alike.
  const samples = new Map<string, number[]>(cases.map(([n]) => [n, []]));
  for (let i = 0; i < RUNS; i++) for (const [name, argv] of cases) samples.get(name)!.push(childCpuS(argv));
  const base = median(samples.get(cases[0]![0])!);
  const rows = cases.map(([name]) => {
    const m = median(samples.get(name)!);
    const ratio = m / base;
    const isHelp = name.includes('--help');
    return [name, `${(m * 1000).toFixed(0)} ms`, `${ratio.toFixed(2)}×`, isHelp ? (ratio <= 2 ? 'met (≤ 2×)' : `**missed** (${ratio.toFixed(2)}× > 2×)`) : '–'];
  });
  return {
    id: 'startup',
    title: 'CLI start-up (issue 13)',
    intro: `CPU (user + system) of a whole process, median of ${RUNS} interleaved runs, against \`node -e 0\` on the same machine. \`--help\` and \`--version\` are answered without yargs; a command loads its library code only when it runs.`,
    tables: [{ header: ['process', 'CPU (median)', '÷ node -e 0', 'target'], rows }],
  };
}
