/**
 * The results table of a sweep: one row per job, in job order (never completion order), as CSV,
 * as JSON and as aligned text. Pure functions of the plan and the outcomes, with nothing from the
 * wall clock, the host or the number of workers, so the same sweep gives byte-identical
 * results.csv and results.json on any machine.
 *
 * Columns: index, job (id), input (as named), seed, one column per grid key, status, trades,
 * net_pnl, fees, max_drawdown, sharpe (pnl-series.ts), events (input events read), output_digest
 * (digestRecording of the job's output recording), error. Numbers in their shortest round-trip form.
 */
import { csvCell } from '../ops/csv.js';
export function sweepRow(job, o) {
    const base = { index: job.index, job: job.id, input: job.label, inputDigest: job.input.digest, seed: job.seed, params: job.params, runId: job.runId };
    if (o.status === 'ok') {
        return { ...base, status: 'ok', trades: o.trades, netPnl: o.netPnl, fees: o.fees, maxDrawdown: o.maxDrawdown, sharpe: o.sharpe, events: o.eventsIn, outputDigest: o.outputDigest, error: null };
    }
    return { ...base, status: 'failed', trades: null, netPnl: null, fees: null, maxDrawdown: null, sharpe: null, events: null, outputDigest: null, error: `${o.error.code}: ${o.error.message}` };
}
function num(n) {
    return n === null ? '' : Number.isFinite(n) ? JSON.stringify(n) : String(n);
}
export function tableCsv(plan, rows) {
    const keys = plan.grid.map((a) => a.key);
    const header = ['index', 'job', 'input', 'seed', ...keys, 'status', 'trades', 'net_pnl', 'fees', 'max_drawdown', 'sharpe', 'events', 'output_digest', 'error'];
    const lines = [header.map(csvCell).join(',')];
    for (const r of rows) {
        lines.push([
            String(r.index),
            r.job,
            csvCell(r.input),
            csvCell(String(r.seed)),
            ...keys.map((k) => csvCell(String(r.params[k]))),
            r.status,
            num(r.trades),
            num(r.netPnl),
            num(r.fees),
            num(r.maxDrawdown),
            num(r.sharpe),
            num(r.events),
            r.outputDigest ?? '',
            r.error === null ? '' : csvCell(r.error),
        ].join(','));
    }
    return lines.join('\n') + '\n';
}
export function tableJson(plan, rows) {
    const doc = {
        strategy: { name: plan.strategy.name, file: plan.strategy.path.split(/[\\/]/).pop(), sha256: plan.strategy.sha256 },
        tapedeck: plan.tapedeck,
        grid: Object.fromEntries(plan.grid.map((a) => [a.key, a.values])),
        options: plan.options,
        seeds: plan.seeds,
        jobs: plan.jobs.length,
        ok: rows.filter((r) => r.status === 'ok').length,
        failed: rows.filter((r) => r.status === 'failed').length,
        rows,
    };
    return JSON.stringify(doc, null, 1) + '\n';
}
const r6 = (x) => (x === null ? '-' : String(Number(x.toFixed(6))));
const r2 = (x) => (x === null ? '-' : x.toFixed(2));
/** Aligned text for people: the same rows, numbers rounded, digests shortened. */
export function tableText(plan, rows) {
    const keys = plan.grid.map((a) => a.key);
    const header = ['#', 'input', 'seed', ...keys, 'trades', 'net pnl', 'fees', 'max dd', 'sharpe', 'output'];
    const body = rows.map((r) => [
        String(r.index),
        r.input,
        String(r.seed),
        ...keys.map((k) => String(r.params[k])),
        r.trades === null ? '-' : String(r.trades),
        r6(r.netPnl),
        r6(r.fees),
        r6(r.maxDrawdown),
        r2(r.sharpe),
        r.status === 'ok' ? r.outputDigest.slice(0, 12) : `FAILED ${r.error ?? ''}`,
    ]);
    const numeric = new Set([0, 2, ...keys.map((_, i) => 3 + i), 3 + keys.length, 4 + keys.length, 5 + keys.length, 6 + keys.length, 7 + keys.length]);
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (i === header.length - 1 ? 0 : b[i].length))));
    const line = (cells) => cells
        .map((c, i) => (i === cells.length - 1 ? c : numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
        .join('  ')
        .trimEnd();
    return [line(header), ...body.map(line)].join('\n') + '\n';
}
//# sourceMappingURL=table.js.map