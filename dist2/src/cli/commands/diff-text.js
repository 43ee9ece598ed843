/**
 * The comparison half of `diff` and `verify --against`: filter options into DiffOptions, and the
 * divergence as text or JSON. Loaded when one of those commands runs, not for --help.
 */
import { TapedeckError } from '../../errors.js';
import { EVENT_TYPES, formatTsIso, parseTimeArg } from '../../events/index.js';
import { openReader } from '../../log/index.js';
import { formatFieldValue, toJsonValue } from '../../verify/diff.js';
function list(s) {
    return (s ?? '')
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x.length > 0);
}
/** The first record's ts of a recording: what `+5m` style offsets count from. */
function firstTsOf(dir) {
    let first;
    openReader(dir).scan({}, (r) => {
        first = r.tsNs;
        return false;
    });
    return first;
}
/** Turns the filter options into DiffOptions; time offsets count from the first event of `base`. */
export function diffOptionsFrom(args, base) {
    const opts = {};
    if (args.run !== undefined)
        opts.runId = args.run;
    if (args.types !== undefined) {
        const types = list(args.types);
        for (const t of types) {
            if (!EVENT_TYPES.includes(t)) {
                throw new TapedeckError('BAD_ARGUMENT', `--types: unknown event type "${t}" (expected ${EVENT_TYPES.join(', ')})`, { type: t });
            }
        }
        opts.types = types;
    }
    let start;
    const time = (s) => {
        if (s.startsWith('+') && start === undefined)
            start = firstTsOf(base);
        return parseTimeArg(s, start);
    };
    if (args.from !== undefined)
        opts.from = time(args.from);
    if (args.to !== undefined)
        opts.to = time(args.to);
    if (args['ignore-fields'] !== undefined)
        opts.ignoreFields = list(args['ignore-fields']);
    return opts;
}
export function tsText(ts) {
    return ts >= 0n ? `${ts} ${formatTsIso(ts)}` : ts.toString();
}
function refJson(r) {
    return r === null ? null : { seq: r.seq, ts: r.ts.toString(), tsIso: r.ts >= 0n ? formatTsIso(r.ts) : null, type: r.type };
}
/** The diff as JSON-safe data (bigint as decimal strings, absent values as null). */
export function diffJson(result, a, b) {
    const out = { identical: result.identical, a, b, counts: result.counts };
    if (!result.identical) {
        const f = result.first;
        out.first = {
            index: f.index,
            a: refJson(f.a),
            b: refJson(f.b),
            fields: f.fields.map((d) => ({ field: d.field, a: toJsonValue(d.a), b: toJsonValue(d.b) })),
        };
    }
    return out;
}
/** The divergence and counts, for people. */
export function formatDiff(result, a, b) {
    const c = result.counts;
    const countsLine = `counts: a ${c.a} events, b ${c.b} events; same ${c.same}, changed ${c.changed}, only in a ${c.onlyInA}, only in b ${c.onlyInB}`;
    if (result.identical)
        return `identical: ${c.a} events\n  a: ${a}\n  b: ${b}\n`;
    const f = result.first;
    const side = (label, r, dir, n) => r === null ? `  ${label}: (none: ${dir} ends after ${n} events)` : `  ${label}: seq ${r.seq}  ts ${tsText(r.ts)}  ${r.type}`;
    const lines = [
        `DIFFERENT: first divergence at event #${f.index} of the compared streams (0-based, after filters)`,
        side('a', f.a, a, c.a),
        side('b', f.b, b, c.b),
    ];
    if (f.fields.length > 0) {
        const rows = f.fields.map((d) => [d.field, formatFieldValue(d.a), formatFieldValue(d.b)]);
        const w0 = Math.max(5, ...rows.map((r) => r[0].length));
        const w1 = Math.max(1, ...rows.map((r) => r[1].length));
        lines.push(`  ${'field'.padEnd(w0)}  ${'a'.padEnd(w1)}  b`);
        for (const r of rows)
            lines.push(`  ${r[0].padEnd(w0)}  ${r[1].padEnd(w1)}  ${r[2]}`);
    }
    lines.push(countsLine);
    return lines.join('\n') + '\n';
}
//# sourceMappingURL=diff-text.js.map