/**
 * The CLI's argument layer: every typed value a flag can take is parsed here, once, with the same
 * rules and messages for every command. A bad value is a usage error (BAD_ARGUMENT, exit 2) naming
 * the flag; a recording argument that is not a recording is an I/O error (NOT_FOUND, exit 74).
 *
 * Durations always carry a unit (`5ms`, `1.5s`, `2m`; units ns, us, µs, ms, s, m, h): a bare number
 * is refused, because `--latency 5` could mean 5 ns or 5 ms. The parsing itself is the one duration
 * parser of events/ts.ts (parseDurationArg), shared with every other duration in tapedeck.
 *
 * Kept light (no library code beyond errors, ts, segment names and sizes): command modules import it at
 * load time and --help stays cheap.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TapedeckError } from '../errors.js';
import { parseDurationArg, TS_UNITS, type TsUnit } from '../events/ts.js';
import { parseSegmentName } from '../log/names.js';
import { parseSize } from '../record/size.js';
import { resolvePath, type CliIo } from './io.js';
import { mkdirs } from '../util/mkdirs.js';
import { checkSeed } from '../util/seed.js';

const bad = (flag: string, message: string, value: unknown) =>
  new TapedeckError('BAD_ARGUMENT', `${flag}: ${message}`, { flag, value: value === undefined ? null : String(value) });

const shown = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v));

/** A duration with its unit (`250ms`, `1.5s`, `2m`, `10us`) → integer ns. A bare number is refused
 * (except 0, which is zero in any unit). */
export function durationArg(flag: string, text: string): bigint {
  const s = text.trim();
  if (/^0+(\.0+)?$/.test(s)) return 0n; // zero is zero in any unit
  if (/^\d+(\.\d+)?$/.test(s)) {
    throw bad(flag, `"${text}" has no unit: write it with one, e.g. ${s}ms or ${s}s (units: ns, us, ms, s, m, h)`, text);
  }
  try {
    return parseDurationArg(s, flag);
  } catch {
    throw bad(flag, `"${text}" is not a duration like 250ms, 1.5s or 2m (units: ns, us, ms, s, m, h, d; a whole number of ns)`, text);
  }
}

/** A duration, or a uniform range `MIN-MAX` of two (e.g. `1ms-5ms`). */
export function durationOrRangeArg(flag: string, text: string): bigint | { minNs: bigint; maxNs: bigint } {
  const m = /^([^-]+)-([^-]+)$/.exec(text.trim());
  if (!m) return durationArg(flag, text);
  const minNs = durationArg(flag, m[1]!);
  const maxNs = durationArg(flag, m[2]!);
  if (minNs > maxNs) throw bad(flag, `range "${text}" has its minimum above its maximum`, text);
  return { minNs, maxNs };
}

/** A finite number > 0 (yargs hands over NaN for text given to a number flag). */
export function positiveNumberArg(flag: string, v: unknown): number {
  const n = typeof v === 'number' ? v : Number(v);
  if (typeof v === 'string' && v.trim() === '') throw bad(flag, 'needs a number > 0', v);
  if (!Number.isFinite(n) || !(n > 0)) throw bad(flag, `needs a number > 0, got ${shown(v)}`, v);
  return n;
}

/** A finite number (any sign), e.g. a fee in basis points. */
export function numberArg(flag: string, v: unknown): number {
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n) || (typeof v === 'string' && v.trim() === '')) throw bad(flag, `needs a number, got ${shown(v)}`, v);
  return n;
}

/** A whole number ≥ min. */
export function countArg(flag: string, v: unknown, min = 0): number {
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isSafeInteger(n) || n < min) throw bad(flag, `needs a whole number ≥ ${min}, got ${shown(v)}`, v);
  return n;
}

/** A byte count as people write it: 1048576, 512k, 64MiB, 1GiB (the recorder's parseSize). */
export function sizeArg(flag: string, text: string): number {
  try {
    return parseSize(text);
  } catch (err) {
    throw bad(flag, err instanceof Error ? err.message : String(err), text);
  }
}

/** A seed (the rule: util/seed.ts): an integer stays a number (as in scenario scripts), anything else a string. */
export function seedArg(flag: string, s: string | undefined): number | string | undefined {
  if (s === undefined) return undefined;
  return checkSeed(/^-?\d+$/.test(s) && Number.isSafeInteger(Number(s)) ? Number(s) : s, flag);
}

export type OptionValue = string | number | boolean;

/** `--option k=v` pairs: numbers and true/false typed, the rest strings. Keys must be identifiers. */
export function optionPairsArg(flag: string, pairs: readonly string[] | undefined): Record<string, OptionValue> {
  const out: Record<string, OptionValue> = {};
  for (const p of pairs ?? []) {
    const i = p.indexOf('=');
    if (i <= 0) throw bad(flag, `"${p}": expected key=value`, p);
    const k = p.slice(0, i);
    const v = p.slice(i + 1);
    if (!/^[A-Za-z_$][\w$]*$/.test(k)) throw bad(flag, `"${p}": "${k}" is not an option name`, p);
    if (Object.prototype.hasOwnProperty.call(out, k)) throw bad(flag, `"${k}" given twice`, p);
    out[k] = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(v) ? Number(v) : v === 'true' ? true : v === 'false' ? false : v;
  }
  return out;
}

/**
 * Flags that cannot be given together: each pair is refused (exit 2) when both were given. A flag
 * counts as given when its value is not undefined and not false (so give these flags no defaults;
 * apply defaults after this check).
 */
export function refuseTogether(args: Record<string, unknown>, pairs: readonly (readonly [string, string, string?])[]): void {
  const given = (k: string) => args[k] !== undefined && args[k] !== false;
  for (const [a, b, why] of pairs) {
    if (given(a) && given(b)) {
      throw new TapedeckError('BAD_ARGUMENT', `--${a} and --${b} cannot be used together${why ? `: ${why}` : ''}`, { flags: [a, b] });
    }
  }
}

/** Refuses a flag that only means something with another one. */
export function requireWith(args: Record<string, unknown>, flag: string, needs: string): void {
  const given = (k: string) => args[k] !== undefined && args[k] !== false;
  if (given(flag) && !given(needs)) throw new TapedeckError('BAD_ARGUMENT', `--${flag} only applies with --${needs}`, { flag, needs });
}

/** Segment files of a directory (the log's own naming rule). */
function segmentCount(dir: string): number {
  return fs.readdirSync(dir).filter((n) => parseSegmentName(n) !== null).length;
}

/**
 * The one rule every command applies to a recording it reads: the path exists, is a directory,
 * and holds at least one segment file. Anything else — a missing path, a file, /etc, a directory
 * a writer created but never wrote a segment to — is NOT_FOUND (exit 74) naming the path, never an
 * empty success. Returns the path resolved against io.cwd.
 */
export function recordingArg(io: CliIo, given: string): string {
  const dir = resolvePath(io, given);
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new TapedeckError('NOT_FOUND', `${given}: no such recording`, { path: dir });
    throw new TapedeckError('IO', `${given}: cannot read the recording: ${code ?? String(err)}`, { path: dir }, { cause: err });
  }
  if (!st.isDirectory()) throw new TapedeckError('NOT_FOUND', `${given}: not a recording (a file, not a recording directory)`, { path: dir });
  let n: number;
  try {
    n = segmentCount(dir);
  } catch (err) {
    throw new TapedeckError('IO', `${given}: cannot list the recording: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { path: dir }, { cause: err });
  }
  if (n === 0) {
    const empty = fs.readdirSync(dir).length === 0;
    throw new TapedeckError('NOT_FOUND', `${given}: not a recording (${empty ? 'an empty directory' : 'no segment files (*.tdseg)'})`, { path: dir });
  }
  return dir;
}

/**
 * A directory a command writes a recording into (record, import): created here, one level at a
 * time from the nearest existing ancestor, so an impossible path fails at once with the real error
 * (exit 74) — a recursive mkdir under /proc spins forever instead. An existing path must be a
 * directory. Returns the path resolved against io.cwd.
 */
export function outputDirArg(io: CliIo, given: string): string {
  const dir = resolvePath(io, given);
  try {
    mkdirs(dir);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOTDIR' && e.path !== undefined ? (e.path === path.resolve(dir) ? 'it is a file' : `${e.path} is a file`) : (e.code ?? String(err));
    throw new TapedeckError('IO', `${given}: cannot create the recording directory: ${why}`, { path: dir }, { cause: err });
  }
  return dir;
}

/** True when `dir` already holds a recording (segment files): record/import then append to it. */
export function holdsRecording(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory() && segmentCount(dir) > 0;
  } catch {
    return false;
  }
}

/** The `--ts-unit` option of every command that takes a time argument (one description, one rule). */
export const TS_UNIT_OPTION = {
  choices: TS_UNITS as readonly TsUnit[],
  describe: 'The unit of a bare integer time argument: s, ms, us or ns (default ns; an integer that reads as s/ms/us of a recent date is refused)',
} as const;

/** The options that take a time (events/ts.ts parseTimeArg). */
const TIME_FLAGS: ReadonlySet<string> = new Set(['--from', '--to', '--at', '--before']);
const NEGATIVE_OFFSET = /^-\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h|d)$/;

/**
 * `--from -5s` as `--from=-5s`: a value that starts with a dash would otherwise be read as short
 * flags (-5, -s). Only a time option followed by a signed relative time is joined; nothing else
 * in the argument list changes.
 */
export function joinSignedTimeArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      out.push(...args.slice(i));
      break;
    }
    const next = args[i + 1];
    if (TIME_FLAGS.has(a) && next !== undefined && NEGATIVE_OFFSET.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}
