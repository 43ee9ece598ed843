/**
 * Runs a README command line the way bash would, but with every `tapedeck` in it called in-process
 * through `main(argv, io)` (test/helpers/cli.ts), so a snippet costs no Node start-up.
 *
 * Only a small, exactly understood subset of the shell is taken: words (plain, 'single' and
 * "double" quoted without expansions), pipes `|` (with pipefail: the rightmost failing stage's
 * status), `&&`, `< file`, `> file` and a trailing `# comment`. Stages that are not `tapedeck`
 * (head, grep, tail, ...) run as the real programs with the previous stage's output on stdin.
 * Anything else — `$`, backticks, globs, `;`, `&`, `2>`, subshells — makes parseShellLine return
 * null and the caller runs the line through real bash instead, so nothing is ever approximated.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from './cli.js';

export interface Pipeline {
  /** Each stage's argv. */
  stages: string[][];
  /** `< file` on the first stage. */
  stdinFile: string | null;
  /** `> file` on the last stage. */
  stdoutFile: string | null;
}

/** Pipelines joined by `&&`; null when the line needs a real shell. */
export function parseShellLine(text: string): Pipeline[] | null {
  const tokens = tokenize(text);
  if (tokens === null) return null;
  const out: Pipeline[] = [];
  let cur: Pipeline = { stages: [[]], stdinFile: null, stdoutFile: null };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const stage = cur.stages[cur.stages.length - 1]!;
    if (t.op === null) {
      stage.push(t.word);
      continue;
    }
    if (t.op === '|' || t.op === '&&') {
      if (stage.length === 0) return null;
      if (t.op === '|') {
        if (cur.stdoutFile !== null) return null;
        cur.stages.push([]);
      } else {
        out.push(cur);
        cur = { stages: [[]], stdinFile: null, stdoutFile: null };
      }
      continue;
    }
    const target = tokens[++i];
    if (target === undefined || target.op !== null) return null;
    if (t.op === '<') {
      if (cur.stages.length !== 1 || cur.stdinFile !== null) return null;
      cur.stdinFile = target.word;
    } else {
      if (cur.stdoutFile !== null) return null;
      cur.stdoutFile = target.word;
    }
  }
  if (cur.stages[cur.stages.length - 1]!.length === 0) return null;
  out.push(cur);
  return out;
}

type Token = { op: null; word: string } | { op: '|' | '&&' | '<' | '>'; word?: undefined };

const PLAIN = /[A-Za-z0-9_.\/:=,+\-@%^]/;

/** Words and the four operators; null on anything outside the subset. */
function tokenize(text: string): Token[] | null {
  const out: Token[] = [];
  let i = 0;
  let word: string | null = null;
  const flush = () => {
    if (word !== null) out.push({ op: null, word });
    word = null;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t') {
      flush();
      i++;
    } else if (c === '#' && word === null) {
      break; // a comment runs to the end of the line
    } else if (c === '|' || c === '<' || c === '>') {
      if (c !== '|' && word !== null && /^\d+$/.test(word)) return null; // `2>`: a file-descriptor redirect
      flush();
      if (c === '|' && text[i + 1] === '|') return null;
      if (c === '>' && text[i + 1] === '>') return null;
      out.push({ op: c });
      i++;
    } else if (c === '&') {
      flush();
      if (text[i + 1] !== '&') return null;
      out.push({ op: '&&' });
      i += 2;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return null;
      word = (word ?? '') + text.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) return null;
      const inner = text.slice(i + 1, end);
      if (/[$`\\!]/.test(inner)) return null;
      word = (word ?? '') + inner;
      i = end + 1;
    } else if (PLAIN.test(c)) {
      word = (word ?? '') + c;
      i++;
    } else {
      return null; // $, `, ;, *, ?, (, ~, \, ...: a real shell's job
    }
  }
  flush();
  return out;
}

export interface LineRun {
  /** The line's exit status (pipefail; `&&` stops at the first failure). */
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs parsed pipelines in `cwd` (which must be the process's working directory, as the real
 * binary's would be): `tapedeck` stages in-process, other stages as real programs.
 */
export async function runPipelines(pipelines: readonly Pipeline[], opts: { cwd: string; env: Record<string, string | undefined> }): Promise<LineRun> {
  let stdout = '';
  let stderr = '';
  let code = 0;
  for (const p of pipelines) {
    let input: Buffer = p.stdinFile === null ? Buffer.alloc(0) : fs.readFileSync(path.resolve(opts.cwd, p.stdinFile));
    code = 0;
    for (const [name, ...args] of p.stages) {
      let stageCode: number;
      if (name === 'tapedeck') {
        const r = await runCli(args, { input, cwd: opts.cwd, env: opts.env });
        stageCode = r.code;
        input = r.stdoutBytes;
        stderr += r.stderr;
      } else {
        const r = spawnSync(name!, args, { cwd: opts.cwd, env: opts.env, input, maxBuffer: 1 << 30 });
        // EPIPE: the stage stopped reading early (head), as in a shell; only a stage that did not run is an error.
        if (r.error && r.status === null) throw r.error;
        stageCode = r.status ?? 128;
        input = r.stdout;
        stderr += r.stderr.toString('utf8');
      }
      if (stageCode !== 0) code = stageCode;
    }
    if (p.stdoutFile === null) stdout += input.toString('utf8');
    else if (p.stdoutFile !== '/dev/null') fs.writeFileSync(path.resolve(opts.cwd, p.stdoutFile), input);
    if (code !== 0) break;
  }
  return { code, stdout, stderr };
}
