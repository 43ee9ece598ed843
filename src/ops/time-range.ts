/**
 * Time arguments over recordings: the one place a command turns `--from`, `--to`, `--at` or
 * `--before` into ns. The text itself is parsed by events/ts.ts (parseTimeArg: ns, ISO-8601,
 * `+5m` after the first record, `-5s` before the last, a bare integer in `--ts-unit`); this module
 * only supplies what relative forms count from, read lazily from the recordings' span (segment
 * footers; no event is decoded) and only when a relative form is given.
 */
import { TapedeckError } from '../errors.js';
import { openRecording } from '../events/recording.js';
import { parseTimeArg, type TsUnit } from '../events/ts.js';
import { recordingsSpan, type TimeSpan } from '../replay/span.js';

/** Turns one time argument into ns; relative forms count over all of `dirs` (their merged span). */
export type TimeArgResolver = (value: bigint | string) => bigint;

const RELATIVE = /^[+-]\d/;

export function timeArgResolver(dirs: string | readonly string[], unit?: TsUnit): TimeArgResolver {
  const list = typeof dirs === 'string' ? [dirs] : dirs;
  let span: TimeSpan | null | undefined;
  return (value) => {
    if (typeof value === 'bigint') return value;
    if (!RELATIVE.test(value)) return parseTimeArg(value, { unit });
    if (span === undefined) span = recordingsSpan(list.map((d) => openRecording(d)));
    if (span === null) {
      throw new TapedeckError('BAD_ARGUMENT', `time "${value}" is relative, but ${list.join(', ')} ${list.length === 1 ? 'holds' : 'hold'} no records to count it from`, {
        arg: value,
      });
    }
    return parseTimeArg(value, { startNs: span.firstTs, endNs: span.lastTs, unit });
  };
}

/** Resolves a --from/--to pair; a start after the end is BAD_ARGUMENT. */
export function resolveTimeRange(
  dirs: string | readonly string[],
  from?: bigint | string,
  to?: bigint | string,
  unit?: TsUnit,
): { from?: bigint; to?: bigint } {
  const time = timeArgResolver(dirs, unit);
  const f = from === undefined ? undefined : time(from);
  const t = to === undefined ? undefined : time(to);
  if (f !== undefined && t !== undefined && f > t) {
    throw new TapedeckError('BAD_ARGUMENT', `the start of the range (${String(from)}) is after its end (${String(to)})`);
  }
  return { from: f, to: t };
}
