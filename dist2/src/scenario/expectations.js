/**
 * Declarative checks a scenario states about a backtest run over it. The backtest runner evaluates
 * them with `checkExpectations` once the run is done; it is pure, over events only.
 *
 * - `flat-within`: the position (net of fills, buys +qty, sells -qty) in `symbol` — or in every
 *   symbol when none is given — is zero once every fill with ts <= T + withinMs is counted, where T
 *   is `afterTs` (an offset from the scenario start or absolute ns) or the ts of the first marker
 *   named `afterEvent` (see below).
 * - `max-drawdown`: the run's max drawdown (a positive amount of quote currency) is strictly below
 *   `below`.
 *
 * Markers: the generator stamps each injection with a system event whose `data.marker` is its label
 * (`flash-crash`, `halt`/`halt-end`, `spread-blowout`, `feed-outage`/`feed-outage-end` by default, or
 * the injection's own `label` and `label-end`), so `afterEvent` finds it in the recording without
 * the scenario script. The first marker of a name counts.
 */
import { TapedeckError } from '../errors.js';
import { parseDurationNs } from './time.js';
/** Validates an expectation's shape; throws BAD_ARGUMENT. Used by defineScenario. */
export function validateExpectation(e, index) {
    const where = `expectations[${index}]`;
    const bad = (msg) => {
        throw new TapedeckError('BAD_ARGUMENT', `${where}: ${msg}`, { index });
    };
    if (e === null || typeof e !== 'object')
        bad('must be an object');
    if (e.kind === 'flat-within') {
        if ((e.afterTs === undefined) === (e.afterEvent === undefined))
            bad('flat-within needs exactly one of afterTs and afterEvent');
        if (!(e.withinMs >= 0) || !Number.isFinite(e.withinMs))
            bad('withinMs must be a finite number >= 0');
        if (e.afterTs !== undefined && typeof e.afterTs !== 'bigint')
            parseDurationNs(e.afterTs, `${where}.afterTs`);
    }
    else if (e.kind === 'max-drawdown') {
        if (!Number.isFinite(e.below))
            bad('below must be a finite number');
    }
    else {
        bad(`unknown kind ${JSON.stringify(e.kind)} (expected flat-within or max-drawdown)`);
    }
}
/** The ts of the first system event carrying each `data.marker`. */
export function findMarkers(events) {
    const out = new Map();
    for (const ev of events) {
        if (ev.type !== 'system' || !ev.data)
            continue;
        const m = ev.data.marker;
        if (typeof m === 'string' && !out.has(m))
            out.set(m, ev.ts);
    }
    return out;
}
/** Evaluates every expectation; pure (same input, same results). */
export function checkExpectations(expectations, input) {
    const events = [...input.events];
    const markers = findMarkers(events);
    const fills = events.filter((e) => e.type === 'fill').sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
    return expectations.map((exp) => {
        if (exp.kind === 'max-drawdown') {
            if (input.maxDrawdown === undefined)
                return { expectation: exp, ok: false, detail: 'no max drawdown was given to check' };
            const ok = input.maxDrawdown < exp.below;
            return { expectation: exp, ok, detail: `max drawdown ${input.maxDrawdown} ${ok ? '<' : '>='} ${exp.below}` };
        }
        let from;
        let fromText;
        if (exp.afterEvent !== undefined) {
            const ts = markers.get(exp.afterEvent);
            if (ts === undefined)
                return { expectation: exp, ok: false, detail: `no marker "${exp.afterEvent}" in the events` };
            from = ts;
            fromText = exp.afterEvent;
        }
        else {
            const a = exp.afterTs;
            from = typeof a === 'bigint' ? a : input.start + BigInt(parseDurationNs(a, 'afterTs'));
            fromText = `ts ${from}`;
        }
        const deadline = from + BigInt(Math.round(exp.withinMs * 1_000_000));
        const pos = new Map();
        for (const f of fills) {
            if (f.ts > deadline)
                break;
            if (exp.symbol !== undefined && f.symbol !== exp.symbol)
                continue;
            pos.set(f.symbol, (pos.get(f.symbol) ?? 0) + (f.side === 'buy' ? f.qty : -f.qty));
        }
        // Sums of decimal quantities carry float residue; a millionth of a lot is flat.
        const open = [...pos.entries()].filter(([, q]) => Math.abs(q) > 1e-6).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        const ok = open.length === 0;
        const what = exp.symbol ?? 'all symbols';
        return {
            expectation: exp,
            ok,
            detail: ok
                ? `${what} flat ${exp.withinMs} ms after ${fromText}`
                : `not flat ${exp.withinMs} ms after ${fromText}: ${open.map(([s, q]) => `${s} ${Number(q.toFixed(9))}`).join(', ')}`,
        };
    });
}
/** Throws EXPECTATION_FAILED naming the first failed expectation, if any. */
export function assertExpectations(results) {
    const failed = results.find((r) => !r.ok);
    if (failed) {
        throw new TapedeckError('EXPECTATION_FAILED', `expectation ${failed.expectation.kind} failed: ${failed.detail}`, {
            expectation: failed.expectation.kind,
            detail: failed.detail,
            failed: results.filter((r) => !r.ok).length,
        });
    }
}
//# sourceMappingURL=expectations.js.map