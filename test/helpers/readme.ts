/**
 * The one parser of README.md's fenced code blocks, for the snippet tests: every block with its
 * language, first line number, body and its "not run" mark. A block that cannot run in the suite
 * is marked on the line before its fence with `<!-- snippet: not run by the tests: why -->`.
 */

export interface FencedBlock {
  /** 1-based line of the opening fence. */
  line: number;
  /** The fence's info string (`sh`, `console`, `ts`, ...; '' when none). */
  lang: string;
  /** The lines between the fences. */
  body: string[];
  /** The reason of a `not run by the tests` mark, or null. */
  notRun: string | null;
}

export interface ShellCommand {
  line: number;
  text: string;
}

export const SHELL_LANGS = new Set(['sh', 'console', 'bash']);
export const SCRIPT_LANGS = new Set(['ts', 'typescript', 'js', 'javascript', 'mjs']);

const NOT_RUN_MARK = /<!--\s*snippet:\s*not run by the tests:\s*(.*?)\s*-->/;

export function fencedBlocks(markdown: string): FencedBlock[] {
  const lines = markdown.split('\n');
  const out: FencedBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++;
    let prev = i - 1;
    while (prev >= 0 && lines[prev]!.trim() === '') prev--;
    const mark = prev >= 0 ? NOT_RUN_MARK.exec(lines[prev]!) : null;
    out.push({ line: i + 1, lang: open[1]!, body: lines.slice(i + 1, end), notRun: mark ? mark[1]! : null });
    i = end;
  }
  return out;
}

/** A shell block's commands: a `console` block's `$ ` lines, an `sh` block's non-comment lines; `\` continuations joined. */
export function shellCommands(block: FencedBlock): ShellCommand[] {
  const out: ShellCommand[] = [];
  const body = block.body;
  for (let k = 0; k < body.length; k++) {
    let text = body[k]!;
    if (block.lang === 'console') {
      if (!text.startsWith('$ ')) continue;
      text = text.slice(2);
    } else if (text.trim() === '' || text.trim().startsWith('#')) continue;
    const line = block.line + 1 + k;
    while (text.endsWith('\\') && k + 1 < body.length) text = `${text.slice(0, -1)} ${body[++k]!.trim()}`;
    out.push({ line, text });
  }
  return out;
}

/** The exit code a command's trailing comment promises (`# exit 1`, `# exit 0: ...`), else 0. */
export function expectedExit(cmd: string): number {
  const m = /#[^#]*\bexit (\d+)/.exec(cmd);
  return m ? Number(m[1]) : 0;
}

/** The first non-empty line of a block: how NOT_RUN lists name a block. */
export function firstLine(block: FencedBlock): string {
  if (SHELL_LANGS.has(block.lang)) return shellCommands(block)[0]?.text ?? '';
  return block.body.find((l) => l.trim() !== '')?.trim() ?? '';
}
