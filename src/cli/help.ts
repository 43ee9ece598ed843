/**
 * `--help` and `--version` without loading yargs. yargs (and its string-width, cliui, y18n) costs
 * more CPU at start-up than all of Node's own; help is the one thing a user runs most often to
 * learn the CLI, and a script runs `--version` to check it. Both come from the same command
 * definitions yargs parses with: a command's builder is run against a recorder that notes its
 * positionals, options and examples, and the text is laid out the way yargs lays it out.
 * Anything this does not recognise (another flag next to --help, an unknown command) goes to
 * yargs as before.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandModule } from 'yargs';
import { COMMANDS } from './commands/index.js';
import { columnsOf, type CliIo } from './io.js';

const USAGE = '$0 <command> [options]\n\nRecord trading sessions into a write-ahead log and replay them deterministically.';

interface OptionSpec {
  name: string;
  alias?: string | string[];
  type?: string;
  describe?: string;
  default?: unknown;
  demandOption?: boolean | string;
  choices?: readonly unknown[];
  array?: boolean;
  hidden?: boolean;
  group?: string;
}

interface Recorded {
  positionals: OptionSpec[];
  options: OptionSpec[];
  examples: [string, string][];
  commands: CommandModule[];
  /** Text yargs prints after everything else (`.epilogue()` / `.epilog()`). */
  epilogues: string[];
}

/** Runs a yargs builder against a stand-in that records what it declares (every other call is a no-op). */
function record(builder: CommandModule['builder']): Recorded {
  const r: Recorded = { positionals: [], options: [], examples: [], commands: [], epilogues: [] };
  if (typeof builder !== 'function') return r;
  const proxy: unknown = new Proxy(
    {},
    {
      get(_t, prop) {
        return (...args: unknown[]) => {
          if (prop === 'positional') r.positionals.push({ name: String(args[0]), ...(args[1] as object) });
          else if (prop === 'option' || prop === 'options') r.options.push({ name: String(args[0]), ...(args[1] as object) });
          else if (prop === 'example') r.examples.push([String(args[0]), String(args[1] ?? '')]);
          else if (prop === 'command') r.commands.push(args[0] as CommandModule);
          else if (prop === 'epilogue' || prop === 'epilog') r.epilogues.push(String(args[0]));
          return proxy;
        };
      },
    },
  );
  (builder as (y: unknown) => unknown)(proxy);
  return r;
}

/** Word-wraps `text` to `width` columns. */
function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(' ')) {
      if (line && line.length + 1 + word.length > width) {
        out.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    out.push(line);
  }
  return out;
}

/**
 * Rows of [left, right, tags] laid out as yargs does: left column, wrapped text, tags at the right
 * edge. Like yargs, the left column takes at most half the width and a longer left cell (an example
 * command) wraps within it, so the text never starts past the terminal's edge.
 */
function table(rows: [string, string, string][], width: number): string[] {
  const w0 = Math.min(Math.max(...rows.map((r) => r[0].length)) + 2, Math.floor(width / 2));
  const textW = Math.max(20, width - w0 - 2);
  const out: string[] = [];
  for (const [left, text, tags] of rows) {
    const lefts = left.length + 2 > w0 ? wrap(left, w0 - 2) : [left];
    const lines = wrap(text, textW);
    const last = lines[lines.length - 1]!;
    if (tags) {
      if (last.length + 1 + tags.length <= textW) lines[lines.length - 1] = last + ' '.repeat(textW - last.length - tags.length) + tags;
      else if (tags.length <= textW) lines.push(' '.repeat(textW - tags.length) + tags);
      else lines.push(...wrap(tags, textW));
    }
    for (let i = 0; i < Math.max(lefts.length, lines.length); i++) {
      const l = lefts[i] ?? '';
      // A word longer than the column (a URL) overflows it; its text then starts on the next line.
      if (l.length > w0) out.push(`  ${l}`, ...(lines[i] ? [`  ${''.padEnd(w0)}${lines[i]}`.trimEnd()] : []));
      else out.push(`  ${l.padEnd(w0)}${lines[i] ?? ''}`.trimEnd());
    }
  }
  return out;
}

function tags(o: OptionSpec): string {
  const t: string[] = [];
  if (o.choices) t.push(`[choices: ${o.choices.map((c) => JSON.stringify(c)).join(', ')}]`);
  else if (o.type) t.push(`[${o.array ? 'array' : o.type}]`);
  if (o.demandOption) t.push('[required]');
  if (o.default !== undefined && !(Array.isArray(o.default) && o.default.length === 0)) t.push(`[default: ${JSON.stringify(o.default)}]`);
  return t.join(' ');
}

function flagName(o: OptionSpec): string {
  const aliases = (Array.isArray(o.alias) ? o.alias : o.alias ? [o.alias] : []).map((a) => (a.length === 1 ? `-${a}` : `--${a}`));
  const short = aliases.filter((a) => a.length === 2);
  const long = [...aliases.filter((a) => a.length > 2), `--${o.name}`];
  return `${short.length ? `${short.join(', ')}, ` : '    '}${long.join(', ')}`;
}

function version(): string {
  const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'package.json');
  return (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version: string }).version;
}

const HELP_OPTIONS: OptionSpec[] = [
  { name: 'version', type: 'boolean', describe: 'Show version number' },
  { name: 'help', alias: 'h', type: 'boolean', describe: 'Show help' },
];

function render(usage: string, r: Recorded, width: number): string {
  const lines: string[] = [...usage.split('\n').flatMap((l) => (l ? wrap(l, width) : ['']))];
  if (r.commands.length > 0) {
    lines.push('', 'Commands:');
    lines.push(...table(r.commands.map((c) => [`tapedeck ${String(c.command)}`.replace(/^tapedeck /, `tapedeck ${(r as { prefix?: string }).prefix ?? ''}`), String(c.describe ?? ''), '']), width));
  }
  if (r.positionals.length > 0) {
    lines.push('', 'Positionals:');
    lines.push(...table(r.positionals.map((p) => [p.name, p.describe ?? '', tags(p)]), width));
  }
  const visible = r.options.filter((o) => !o.hidden);
  const groups = new Map<string, OptionSpec[]>([['Options:', []]]);
  for (const o of visible) {
    const g = o.group ?? 'Options:';
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g)!.push(o);
  }
  groups.get('Options:')!.unshift(HELP_OPTIONS[0]!);
  groups.get('Options:')!.push(HELP_OPTIONS[1]!);
  // yargs lists named groups before the default one.
  const order = [...groups.keys()].filter((g) => g !== 'Options:').concat('Options:');
  const all = [...groups.values()].flat();
  const w0 = Math.max(...all.map((o) => flagName(o).length));
  for (const g of order) {
    lines.push('', g);
    lines.push(...table(groups.get(g)!.map((o) => [flagName(o).padEnd(w0), o.describe ?? '', tags(o)]), width));
  }
  if (r.examples.length > 0) {
    lines.push('', 'Examples:');
    const examples = r.examples.map(([c, d]): [string, string, string] => [c.replace(/\$0/g, 'tapedeck'), d, '']);
    // A command wider than half the screen is shown whole on its own line (so it can be copied),
    // its description indented under it; otherwise the two columns yargs uses.
    if (examples.every(([c]) => c.length + 2 <= width / 2)) lines.push(...table(examples, width));
    else for (const [c, d] of examples) lines.push(`  ${c}`, ...wrap(d, width - 6).map((l) => `      ${l}`.trimEnd()));
  }
  for (const e of r.epilogues) lines.push('', ...e.split('\n').flatMap((l) => (l ? wrap(l.replace(/\$0/g, 'tapedeck'), width) : [''])));
  return lines.join('\n') + '\n';
}

/**
 * Answers `--help` / `-h` (alone, after zero to two command words) and a lone `--version` without
 * yargs. Returns false when it did not recognise the request (yargs then handles it).
 */
export async function fastHelp(argv: readonly string[], io: CliIo): Promise<boolean> {
  if (argv.length === 1 && argv[0] === '--version') {
    io.stdout.write(`${version()}\n`);
    return true;
  }
  const flags = argv.filter((a) => a.startsWith('-'));
  if (flags.length !== 1 || (flags[0] !== '--help' && flags[0] !== '-h')) return false;
  const words = argv.filter((a) => !a.startsWith('-'));
  const width = Math.min(110, columnsOf(io) ?? 100);
  if (words.length === 0) {
    io.stdout.write(render(USAGE.replace('$0', 'tapedeck'), { positionals: [], options: [], examples: [], epilogues: [], commands: COMMANDS.map((c) => ({ command: c.command, describe: c.describe }) as CommandModule) }, width));
    return true;
  }
  const entry = COMMANDS.find((c) => c.name === words[0]);
  if (!entry || words.length > 2) return false;
  let mod = (await entry.load())(io, argv);
  let command = entry.command;
  let describe = entry.describe;
  let r = record(mod.builder);
  if (words.length === 2) {
    const sub = r.commands.find((c) => String(c.command).split(' ')[0] === words[1]);
    if (!sub) return false;
    mod = sub;
    command = `${entry.name} ${String(sub.command)}`;
    describe = String(sub.describe ?? '');
    r = record(sub.builder);
  } else if (r.commands.length > 0) {
    (r as { prefix?: string }).prefix = `${entry.name} `;
  }
  io.stdout.write(render(`tapedeck ${command}\n\n${describe}`, r, width));
  return true;
}
