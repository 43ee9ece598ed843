/**
 * The comparison half of `diff` and `verify --against`: filter options into DiffOptions, and the
 * divergence as text or JSON. Loaded when one of those commands runs, not for --help.
 */
import { TapedeckError } from '../../errors.js';
import { EVENT_TYPES, formatTsIso, type EventType } from '../../events/index.js';
import { resolveTimeRange } from '../../ops/time-range.js';
import { formatFieldValue, toJsonValue, type DiffOptions, type DiffResult, type Divergence, type EventRef } from '../../verify/diff.js';
import type { FilterArgs } from './diff.js';

function list(s: string | undefined): string[] {
  return (s ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0);
}

/** Turns the filter options into DiffOptions; relative times count over `base` (+5m from its first event, -5s back from its last). */
export function diffOptionsFrom(args: FilterArgs, base: string): DiffOptions {
  const opts: DiffOptions = {};
  if (args.run !== undefined) opts.runId = args.run;
  if (args.types !== undefined) {
    const types = list(args.types);
    for (const t of types) {
      if (!(EVENT_TYPES as readonly string[]).includes(t)) {
        throw new TapedeckError('BAD_ARGUMENT', `--types: unknown event type "${t}" (expected ${EVENT_TYPES.join(', ')})`, { type: t });
      }
    }
    opts.types = types as EventType[];
  }
  const { from, to } = resolveTimeRange(base, args.from, args.to, args['ts-unit']);
  if (from !== undefined) opts.from = from;
  if (to !== undefined) opts.to = to;
  if (args['ignore-fields'] !== undefined) opts.ignoreFields = list(args['ignore-fields']);
  return opts;
}

export function tsText(ts: bigint): string {
  return ts >= 0n ? `${ts} ${formatTsIso(ts)}` : ts.toString();
}

function refJson(r: EventRef | null): unknown {
  return r === null ? null : { seq: r.seq, ts: r.ts.toString(), tsIso: r.ts >= 0n ? formatTsIso(r.ts) : null, type: r.type };
}

/** The diff as JSON-safe data (bigint as decimal strings, absent values as null). */
function divergenceJson(d: Divergence): Record<string, unknown> {
  return {
    kind: d.kind,
    index: d.index,
    indexA: d.indexA,
    indexB: d.indexB,
    a: refJson(d.a),
    b: refJson(d.b),
    fields: d.fields.map((x) => ({ field: x.field, a: toJsonValue(x.a), b: toJsonValue(x.b) })),
  };
}

export function diffJson(result: DiffResult, a: string, b: string): Record<string, unknown> {
  const out: Record<string, unknown> = { identical: result.identical, a, b, counts: result.counts };
  if (!result.identical) {
    out.first = divergenceJson(result.first);
    out.divergences = result.divergences.map(divergenceJson);
  }
  return out;
}

const KIND_TEXT = { changed: 'CHANGED', deleted: 'ONLY IN A (deleted)', inserted: 'ONLY IN B (inserted)' } as const;

/** The divergences (up to the limit) and counts, for people. */
export function formatDiff(result: DiffResult, a: string, b: string): string {
  const c = result.counts;
  const countsLine = `counts: a ${c.a} events, b ${c.b} events; same ${c.same}, changed ${c.changed}, only in a ${c.onlyInA} (deleted), only in b ${c.onlyInB} (inserted)`;
  if (result.identical) return `identical: ${c.a} events\n  a: ${a}\n  b: ${b}\n`;
  const total = c.changed + c.onlyInA + c.onlyInB;
  const lines = [`DIFFERENT: ${total} divergence${total === 1 ? '' : 's'} (events realigned by ts and content; positions 0-based, after filters)`];
  const side = (label: string, r: EventRef | null, i: number | null) => `    ${label}: #${i}  seq ${r!.seq}  ts ${tsText(r!.ts)}  ${r!.type}`;
  for (const d of result.divergences) {
    lines.push(`  ${KIND_TEXT[d.kind]}`);
    if (d.a) lines.push(side('a', d.a, d.indexA));
    if (d.b) lines.push(side('b', d.b, d.indexB));
    if (d.fields.length > 0) {
      const rows = d.fields.map((x) => [x.field, formatFieldValue(x.a), formatFieldValue(x.b)] as const);
      const w0 = Math.max(5, ...rows.map((r) => r[0].length));
      const w1 = Math.max(1, ...rows.map((r) => r[1].length));
      lines.push(`    ${'field'.padEnd(w0)}  ${'a'.padEnd(w1)}  b`);
      for (const r of rows) lines.push(`    ${r[0].padEnd(w0)}  ${r[1].padEnd(w1)}  ${r[2]}`);
    }
  }
  if (total > result.divergences.length) lines.push(`  … ${total - result.divergences.length} more (--limit N lists more)`);
  lines.push(countsLine);
  return lines.join('\n') + '\n';
}
