/**
 * `generateScenario`: runs a scenario's build, then produces its events — pure and deterministic:
 * the same scenario and seed give deep-equal events in any process, on any machine.
 */
import { TapedeckError } from '../errors.js';
import { createContext } from './context.js';
import { Rng } from './rng.js';
import { simulateTicks } from './ticks.js';
/** The runId of a scenario run when none is given: derived from name and seed only, so it is reproducible. */
export function defaultRunId(name, seed) {
    return `${name}-${seed}`;
}
/** Sort ranks at equal ts: session-start first, then injected system/risk events, then ticks, session-end last. */
const RANK_START = 0;
const RANK_EXTRA = 1;
const RANK_TICK = 2;
const RANK_END = 3;
export function generateScenario(scenario, options = {}) {
    const seed = options.seed ?? scenario.seed;
    if (!(typeof seed === 'string' ? seed.length > 0 : Number.isSafeInteger(seed))) {
        throw new TapedeckError('BAD_ARGUMENT', `seed must be an integer or a non-empty string (got ${String(seed)})`, { seed: String(seed) });
    }
    const runId = options.runId ?? defaultRunId(scenario.name, seed);
    const root = new Rng(seed);
    const { ctx, plan } = createContext(scenario, root.fork('build'));
    scenario.build(ctx);
    const { start, durationNs, symbols } = scenario;
    const items = [];
    let n = 0;
    // Per-venue clock error, drawn from the venue's own stream: the same whatever else the scenario holds.
    const venueClock = new Map();
    for (const s of symbols)
        if (!venueClock.has(s.venue))
            venueClock.set(s.venue, new Rng(`${root.seed}/venue:${s.venue}`).normal(0, 250_000));
    const on = (ws, i) => ws.filter((w) => w.syms.has(i));
    for (const [i, opts] of [...plan.ticks.entries()].sort(([a], [b]) => a - b)) {
        const spec = symbols[i];
        const ticks = simulateTicks(spec, opts, {
            durationNs,
            crashes: on(plan.crashes, i),
            blowouts: on(plan.blowouts, i),
            blackouts: [...on(plan.halts, i), ...on(plan.outages, i)].sort((a, b) => a.from - b.from || a.to - b.to),
            venueClockNs: venueClock.get(spec.venue),
        }, root.fork(`ticks:${spec.symbol}`));
        for (const tick of ticks)
            items.push({ t: tick.t, rank: RANK_TICK, n: n++, sym: i, tick });
    }
    for (const e of plan.extras)
        items.push({ t: e.t, rank: RANK_EXTRA, n: n++, sym: -1, body: e.body });
    items.sort((a, b) => a.t - b.t || a.rank - b.rank || a.n - b.n);
    const startData = {
        scenario: scenario.name,
        seed: String(seed),
        description: scenario.description,
        startNs: start.toString(),
        durationMs: durationNs / 1e6,
        symbols: symbols.map((s) => `${s.venue}:${s.symbol}`).join(','),
    };
    if (scenario.strategy)
        startData.strategy = scenario.strategy.path;
    if (scenario.expectations.length > 0)
        startData.expectations = scenario.expectations.map((e) => e.kind).join(',');
    const events = [
        { type: 'system', ts: start, runId, kind: 'session-start', message: `scenario ${scenario.name} seed ${String(seed)}`, data: startData },
    ];
    const faults = [
        ...plan.outOfOrder.map((f, k) => ({ f, kind: 'ooo', rng: root.fork(`outOfOrder:${k}`), left: f.count })),
        ...plan.duplicates.map((f, k) => ({ f, kind: 'dup', rng: root.fork(`duplicates:${k}`), left: f.count })),
    ];
    const highExch = new Map();
    let tickCount = 0;
    for (const it of items) {
        const ts = start + BigInt(it.t);
        if (!it.tick) {
            const { type, ...rest } = it.body;
            events.push({ type, ts, runId, ...rest });
            continue;
        }
        const raw = it.tick;
        let x = raw.x;
        let copies = 0;
        const high = highExch.get(it.sym);
        for (const fl of faults) {
            if (fl.left <= 0 || !hits(fl.f, it))
                continue;
            if (fl.kind === 'ooo') {
                // A late packet needs an earlier one to be out of order with.
                if (high === undefined)
                    continue;
                if (fl.f.rate !== undefined && !fl.rng.chance(fl.f.rate))
                    continue;
                x = high - 1 - Math.floor(fl.rng.uniform() * fl.f.maxSkewNs);
            }
            else {
                if (fl.f.rate !== undefined && !fl.rng.chance(fl.f.rate))
                    continue;
                copies++;
            }
            fl.left--;
        }
        // The high-water mark of exchTs as delivered, so each late packet is visibly behind one before it.
        highExch.set(it.sym, Math.max(high ?? -Infinity, x));
        const ev = tickEvent(raw, ts, start + BigInt(x), runId, symbols[it.sym]);
        events.push(ev);
        tickCount++;
        for (let c = 0; c < copies; c++) {
            events.push({ ...ev });
            tickCount++;
        }
    }
    events.push({
        type: 'system',
        ts: scenario.end,
        runId,
        kind: 'session-end',
        message: `scenario ${scenario.name} done`,
        data: { ticks: tickCount, events: events.length + 1 },
    });
    return events;
}
function hits(f, it) {
    return f.syms.has(it.sym) && it.t >= f.from && it.t < f.to && (f.at === undefined || it.t >= f.at);
}
function tickEvent(r, ts, exchTs, runId, s) {
    // Fixed key order, optional keys absent rather than undefined: deep-equal and JSON stay canonical.
    const ev = { type: 'tick', ts, runId, venue: s.venue, symbol: s.symbol, bid: r.bid, ask: r.ask, bidSize: r.bidSize, askSize: r.askSize };
    if (r.last !== undefined) {
        ev.last = r.last;
        ev.lastSize = r.lastSize;
        ev.aggressor = r.aggressor;
        ev.volume = r.volume;
    }
    ev.exchTs = exchTs;
    return ev;
}
//# sourceMappingURL=generate.js.map