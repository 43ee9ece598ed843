/**
 * `tapedeck scenario list` and `tapedeck scenario run <name|file>`: the bundled scenarios (the
 * library's bundledScenariosDir(): dist/scenarios, shipped in the package), and running
 * one into a recording — byte-identical for the same scenario and seed. A scenario that names a
 * strategy is backtested too; a failed expectation exits 1 and names it.
 */
import type { Argv, CommandModule } from 'yargs';
import type { ScenarioRunResult } from '../../scenario/run.js';
import { EXIT, ExitError } from '../exit.js';
import { displayPath, resolvePath, type CliIo } from '../io.js';
import { backtestJson, parseSeedArg } from './backtest.js';


interface RunArgs {
  scenario: string;
  seed?: string;
  out?: string;
  force: boolean;
  json: boolean;
}

function expectationText(e: { expectation: { kind: string }; ok: boolean; detail: string }): string {
  return `${e.ok ? 'ok  ' : 'FAIL'}  ${e.expectation.kind}: ${e.detail}`;
}

function formatRun(r: ScenarioRunResult): string {
  const rows: [string, string][] = [
    ['scenario', `${r.scenario.name}  seed ${String(r.seed)}  (run ${r.runId})`],
    ['dir', r.dir],
    ['events', String(r.events)],
    ['digest', r.digest],
  ];
  const bt = r.backtest;
  if (bt) {
    const s = bt.summary;
    rows.push(['strategy', `${s.strategy}  (run ${bt.runId})`]);
    rows.push(['backtest', `${bt.dir}  (${bt.records} records)  digest ${bt.digest}`]);
    rows.push(['result', `${s.trades} trades, net PnL ${Number(s.netPnl.toFixed(6))}, max drawdown ${Number(s.maxDrawdown.toFixed(6))}`]);
  }
  const w = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`);
  if (r.expectations) {
    const failed = r.expectations.filter((e) => !e.ok).length;
    lines.push(`expectations: ${r.expectations.length === 0 ? 'none' : failed === 0 ? `all ${r.expectations.length} hold` : `${failed} of ${r.expectations.length} FAILED`}`);
    for (const e of r.expectations) lines.push(`  ${expectationText(e)}`);
  }
  return lines.join('\n') + '\n';
}

function runJson(r: ScenarioRunResult): Record<string, unknown> {
  return {
    ok: r.ok,
    scenario: r.scenario.name,
    file: r.file ?? null,
    seed: r.seed,
    runId: r.runId,
    dir: r.dir,
    events: r.events,
    digest: r.digest,
    expectations: r.expectations?.map((e) => ({ kind: e.expectation.kind, ok: e.ok, detail: e.detail })) ?? null,
    backtest: r.backtest ? backtestJson(r.backtest) : null,
  };
}

export default function scenarioCommand(io: CliIo): CommandModule<object, object> {
  const listCommand: CommandModule<object, { json: boolean }> = {
    command: 'list',
    describe: 'List the bundled scenarios',
    builder: (y) =>
      y.option('json', { type: 'boolean', default: false, describe: 'Print a JSON array' }).example('$0 scenario list', 'Names and descriptions') as Argv<{ json: boolean }>,
    handler: async (args) => {
      const { listScenarios } = await import('../../scenario/run.js');
      const list = await listScenarios();
      if (args.json) {
        io.stdout.write(JSON.stringify(list.map((s) => ({ name: s.name, description: s.description }))) + '\n');
        return;
      }
      const w = Math.max(0, ...list.map((s) => s.name.length));
      io.stdout.write(list.map((s) => `${s.name.padEnd(w)}  ${s.description}`).join('\n') + (list.length ? '\n' : ''));
    },
  };

  const runCommand: CommandModule<object, RunArgs> = {
    command: 'run <scenario>',
    describe: 'Generate a scenario into a recording (and backtest its strategy, checking its expectations)',
    builder: (y) =>
      y
        .positional('scenario', { type: 'string', demandOption: true, describe: 'A bundled scenario name (see `scenario list`) or a scenario file (.ts or .js)' })
        .option('seed', { type: 'string', describe: "Override the scenario's seed" })
        .option('out', { type: 'string', describe: 'Output recording directory (default recordings/<name>-<seed>; the backtest goes to <out>-backtest)' })
        .option('force', { type: 'boolean', default: false, describe: 'Replace existing output recordings' })
        .option('json', { type: 'boolean', default: false, describe: 'Print the result as one JSON object' })
        .example('$0 scenario run flash-crash', 'Record recordings/flash-crash-42, backtest its strategy, check expectations')
        .example('$0 scenario run random-walk --seed 7 --out /tmp/rw7 --force', 'Another seed, into a given directory')
        .example('$0 scenario run ./my-scenario.ts --json', 'Your own scenario script, loaded through tsx') as Argv<RunArgs>,
    handler: async (args) => {
      const { listScenarios, runScenario } = await import('../../scenario/run.js');
      const seed = parseSeedArg(args.seed);
      const isName = !args.scenario.includes('/') && !/\.[cm]?[jt]s$/.test(args.scenario);
      const known = isName ? (await listScenarios()).find((s) => s.name === args.scenario) : undefined;
      const result = await runScenario(known ? known.file : isName ? args.scenario : resolvePath(io, args.scenario), {
        ...(seed !== undefined ? { seed } : {}),
        ...(args.out !== undefined ? { out: resolvePath(io, args.out) } : {}),
        force: args.force,
        recordingsDir: resolvePath(io, 'recordings'),
      });
      const shown: ScenarioRunResult = {
        ...result,
        dir: args.out ?? displayPath(io, result.dir),
        ...(result.backtest && args.out === undefined ? { backtest: { ...result.backtest, dir: displayPath(io, result.backtest.dir) } } : {}),
      };
      io.stdout.write(args.json ? JSON.stringify(runJson(shown)) + '\n' : formatRun(shown));
      const failed = result.expectations?.find((e) => !e.ok);
      if (failed) throw new ExitError(EXIT.CHECK_FAILED, `expectation failed: ${failed.expectation.kind}: ${failed.detail}`);
    },
  };

  return {
    builder: (y) =>
      y
        .command(listCommand)
        .command(runCommand)
        .demandCommand(1, 'Name a scenario command: list or run.')
        .example('$0 scenario list', 'The bundled scenarios')
        .example('$0 scenario run halt --seed 3', 'Record the halt scenario with seed 3') as Argv<object>,
    handler: () => {},
  };
}
