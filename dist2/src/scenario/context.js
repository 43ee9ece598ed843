/**
 * The `ctx` a scenario's `build` receives. Its methods only record a plan (validated, times resolved
 * to ns offsets from start); `generateScenario` turns the plan into events, so the order of calls in
 * `build` does not matter except among calls of the same kind.
 */
import { TapedeckError } from '../errors.js';
import { resolveOffsetNs } from './time.js';
export function createContext(scenario, rng) {
    const plan = { ticks: new Map(), crashes: [], halts: [], blowouts: [], outages: [], duplicates: [], outOfOrder: [], extras: [] };
    const { start, durationNs } = scenario;
    const index = new Map(scenario.symbols.map((s, i) => [s.symbol, i]));
    const all = new Set(scenario.symbols.map((_, i) => i));
    const bad = (field, msg, value) => {
        throw new TapedeckError('BAD_ARGUMENT', `scenario ${scenario.name}: ${field} ${msg}`, { field, value });
    };
    const off = (t, field) => resolveOffsetNs(t, start, durationNs, field);
    const secNs = (sec, field) => {
        if (!(sec >= 0) || !Number.isFinite(sec))
            bad(field, 'must be a finite number of seconds >= 0', sec);
        return Math.round(sec * 1e9);
    };
    const num = (v, dflt, field, lo, hi = Infinity, loOpen = false) => {
        const x = v ?? dflt;
        if (typeof x !== 'number' || !Number.isFinite(x) || x < lo || (loOpen && x === lo) || x > hi)
            bad(field, `must be a number in ${loOpen ? '(' : '['}${lo}, ${hi}]`, x);
        return x;
    };
    const scope = (s, field) => {
        if (s === undefined)
            return all;
        const list = typeof s === 'string' ? [s] : s;
        if (!Array.isArray(list) || list.length === 0)
            bad(field, 'must name a symbol or a non-empty list of symbols', s);
        return new Set(list.map((name) => {
            const i = index.get(name);
            return i === undefined ? bad(field, `names ${JSON.stringify(name)}, which is not among the scenario's symbols`, name) : i;
        }));
    };
    const label = (l, dflt) => {
        if (l !== undefined && (typeof l !== 'string' || l.length === 0))
            bad('label', 'must be a non-empty string', l);
        return l ?? dflt;
    };
    const scopeText = (syms) => (syms === all ? '*' : [...syms].map((i) => scenario.symbols[i].symbol).join(','));
    const note = (t, message, data) => plan.extras.push({ t, body: { type: 'system', kind: 'note', message, data } });
    const fault = (o, name, maxSkewNs) => {
        if ((o.at === undefined) === (o.rate === undefined))
            bad(name, 'needs exactly one of at and rate');
        const syms = scope(o.symbol, `${name}.symbol`);
        const from = o.from === undefined ? 0 : off(o.from, `${name}.from`);
        const to = o.to === undefined ? durationNs : off(o.to, `${name}.to`);
        if (to < from)
            bad(`${name}.to`, 'is before from');
        const count = o.count ?? (o.at !== undefined ? 1 : Infinity);
        if (!(count >= 1) || !(Number.isInteger(count) || count === Infinity))
            bad(`${name}.count`, 'must be an integer >= 1', count);
        return {
            syms,
            ...(o.at !== undefined ? { at: off(o.at, `${name}.at`) } : { rate: num(o.rate, 0, `${name}.rate`, 0, 1) }),
            count,
            from,
            to,
            maxSkewNs,
        };
    };
    const ctx = {
        rng,
        start,
        end: scenario.end,
        durationMs: durationNs / 1e6,
        symbols: scenario.symbols,
        at: (t) => start + BigInt(off(t, 'at')),
        ticks(symbol, o = {}) {
            const spread = o.spread ?? { bps: o.spreadBps ?? 2 };
            const r = {
                model: o.model ?? 'gbm',
                drift: num(o.drift, 0, 'ticks.drift', -1e3, 1e3),
                volatility: num(o.volatility, 0.01, 'ticks.volatility', 0, 1e3),
                spreadBps: num(spread.bps, 2, 'ticks.spread.bps', 0),
                minSpreadTicks: num(spread.minTicks, 1, 'ticks.spread.minTicks', 1),
                spreadJitter: num(spread.jitter, 0.25, 'ticks.spread.jitter', 0, 5),
                sizeMean: num(o.size?.mean, 100, 'ticks.size.mean', 0, Infinity, true),
                sizeDispersion: num(o.size?.dispersion, 0.6, 'ticks.size.dispersion', 0, 5),
                ratePerSec: num(o.ratePerSec, 20, 'ticks.ratePerSec', 0, 1e6, true),
                arrival: o.arrival ?? 'bursty',
                tradeProb: num(o.tradeProb, 0.3, 'ticks.tradeProb', 0, 1),
            };
            if (r.model !== 'gbm' && r.model !== 'random-walk')
                bad('ticks.model', "must be 'gbm' or 'random-walk'", r.model);
            if (r.arrival !== 'poisson' && r.arrival !== 'bursty')
                bad('ticks.arrival', "must be 'poisson' or 'bursty'", r.arrival);
            for (const i of scope(symbol, 'ticks.symbol')) {
                // One process per symbol: a second would need to share its price path.
                if (plan.ticks.has(i))
                    bad('ticks.symbol', `${scenario.symbols[i].symbol} already has a tick process`);
                plan.ticks.set(i, r);
            }
            return ctx;
        },
        flashCrash(o) {
            const syms = scope(o.symbol, 'flashCrash.symbol');
            const from = off(o.at, 'flashCrash.at');
            const depthPct = num(o.depthPct, 0, 'flashCrash.depthPct', 0, 99, true);
            const rec = secNs(o.recoverySec, 'flashCrash.recoverySec');
            const drop = o.dropSec === undefined ? Math.min(2e9, Math.round(rec / 4)) : secNs(o.dropSec, 'flashCrash.dropSec');
            if (drop <= 0)
                bad('flashCrash.dropSec', 'must be positive');
            const name = label(o.label, 'flash-crash');
            plan.crashes.push({ syms, from, bottom: from + drop, to: from + drop + rec, depth: depthPct / 100 });
            note(from, `flash crash: ${scopeText(syms)} down ${depthPct}%`, { marker: name, injection: 'flash-crash', symbol: scopeText(syms), depthPct, dropMs: drop / 1e6, recoveryMs: rec / 1e6 });
            return ctx;
        },
        halt(o) {
            const syms = scope(o.symbol, 'halt.symbol');
            const from = off(o.from, 'halt.from');
            const to = off(o.to, 'halt.to');
            if (to <= from)
                bad('halt.to', 'must be after from', o.to);
            const name = label(o.label, 'halt');
            const reason = o.reason ?? 'scheduled';
            plan.halts.push({ syms, from, to });
            const data = { injection: 'halt', symbol: scopeText(syms), reason, durationMs: (to - from) / 1e6 };
            note(from, `trading halted: ${scopeText(syms)} (${reason})`, { marker: name, ...data, phase: 'start' });
            note(to, `trading resumed: ${scopeText(syms)}`, { marker: `${name}-end`, ...data, phase: 'end' });
            return ctx;
        },
        spreadBlowout(o) {
            const syms = scope(o.symbol, 'spreadBlowout.symbol');
            const from = off(o.at, 'spreadBlowout.at');
            const dur = secNs(o.durationSec, 'spreadBlowout.durationSec');
            const factor = num(o.factor, 0, 'spreadBlowout.factor', 0, 1e4, true);
            plan.blowouts.push({ syms, from, to: from + dur, factor });
            note(from, `spread blowout: ${scopeText(syms)} x${factor}`, { marker: label(o.label, 'spread-blowout'), injection: 'spread-blowout', symbol: scopeText(syms), factor, durationMs: dur / 1e6 });
            return ctx;
        },
        feedOutage(o) {
            let syms = scope(o.symbol, 'feedOutage.symbol');
            if (o.venue !== undefined) {
                syms = new Set([...syms].filter((i) => scenario.symbols[i].venue === o.venue));
                if (syms.size === 0)
                    bad('feedOutage.venue', `names ${JSON.stringify(o.venue)}, which no symbol in scope trades on`, o.venue);
            }
            const from = off(o.at, 'feedOutage.at');
            const dur = secNs(o.durationSec, 'feedOutage.durationSec');
            if (dur <= 0)
                bad('feedOutage.durationSec', 'must be positive');
            if (from + dur > durationNs)
                bad('feedOutage.durationSec', 'runs past the end of the session', o.durationSec);
            const name = label(o.label, 'feed-outage');
            plan.outages.push({ syms, from, to: from + dur });
            const data = { injection: 'feed-outage', symbol: scopeText(syms), ...(o.venue !== undefined ? { venue: o.venue } : {}), gapMs: dur / 1e6 };
            plan.extras.push({ t: from, body: { type: 'system', kind: 'gap', message: `feed gap: no data for ${dur / 1e6} ms`, data: { marker: name, ...data } } });
            plan.extras.push({ t: from + dur, body: { type: 'system', kind: 'reconnect', message: `feed reconnected after ${dur / 1e6} ms`, data: { marker: `${name}-end`, ...data } } });
            return ctx;
        },
        duplicates(o) {
            plan.duplicates.push(fault(o, 'duplicates', 0));
            return ctx;
        },
        outOfOrder(o) {
            const skew = Math.round(num(o.maxSkewMs, 0, 'outOfOrder.maxSkewMs', 0, 60_000, true) * 1e6);
            plan.outOfOrder.push(fault(o, 'outOfOrder', Math.max(1, skew)));
            return ctx;
        },
        risk(at, s) {
            const t = off(at, 'risk.at');
            if (typeof s?.rule !== 'string' || typeof s.detail !== 'string')
                bad('risk', 'needs a rule and a detail');
            if (!['info', 'warn', 'block', 'kill'].includes(s.severity))
                bad('risk.severity', 'must be info, warn, block or kill', s.severity);
            if (s.symbol !== undefined)
                scope(s.symbol, 'risk.symbol');
            const body = { type: 'risk', rule: s.rule, severity: s.severity };
            if (s.symbol !== undefined)
                body.symbol = s.symbol;
            body.detail = s.detail;
            if (s.value !== undefined)
                body.value = num(s.value, 0, 'risk.value', -Infinity);
            if (s.limit !== undefined)
                body.limit = num(s.limit, 0, 'risk.limit', -Infinity);
            plan.extras.push({ t, body });
            return ctx;
        },
        system(at, s) {
            const t = off(at, 'system.at');
            // session-start/-end belong to the generator: one of each, first and last.
            if (s?.kind === 'session-start' || s?.kind === 'session-end')
                bad('system.kind', 'session-start and session-end are written by the generator', s.kind);
            if (typeof s?.message !== 'string')
                bad('system.message', 'must be a string');
            const body = { type: 'system', kind: s.kind, message: s.message };
            if (s.data !== undefined) {
                for (const [k, v] of Object.entries(s.data)) {
                    if (typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v)))
                        bad(`system.data.${k}`, 'must be a string or a finite number', v);
                }
                body.data = { ...s.data };
            }
            plan.extras.push({ t, body });
            return ctx;
        },
    };
    return { ctx, plan };
}
//# sourceMappingURL=context.js.map