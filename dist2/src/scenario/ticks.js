import { decimalsOf } from './define.js';
const HOUR_NS = 3.6e12;
/** Packet latency from venue to recorder: a per-symbol base plus an exponential tail. */
const LATENCY_TAIL_NS = 80_000;
/** Bursty arrivals: busy and quiet spells (rate x1.6 and x0.4, equal mean length, so the mean rate holds). */
const SPELL_MEAN_SEC = 4;
const BURST_PROB = 0.06;
/** Extra ticks in a burst packet: 1 + floor(Exp(rate)), whose mean is 1 + 1/(e^rate - 1) (about 2.54). */
const BURST_EXTRA_RATE = 0.5;
const BURST_EXTRA_MEAN = 1 + 1 / (Math.exp(BURST_EXTRA_RATE) - 1);
export function simulateTicks(spec, o, env, rng) {
    const out = [];
    const tick = spec.tickSize;
    const tickDec = decimalsOf(tick);
    const lot = spec.lotSize;
    const lotDec = decimalsOf(lot);
    const p0 = spec.price;
    const bursty = o.arrival === 'bursty';
    // Packets per second such that ticks per second (packets carry 1 + bursts) averages ratePerSec.
    const packetRate = o.ratePerSec / (1 + (bursty ? BURST_PROB * BURST_EXTRA_MEAN : 0)) / 1e9;
    const baseLatencyNs = rng.uniform(150_000, 1_200_000);
    const halfVar = (o.volatility * o.volatility) / 2;
    let mid = p0;
    let shown = p0;
    let t = 0;
    let prevX = -Infinity;
    let volLots = 0;
    let pending = 0;
    let busy = true;
    let spellEnd = bursty ? Math.round(rng.exponential(1 / SPELL_MEAN_SEC) * 1e9) : Infinity;
    // An integer count of grid steps divided by a power of ten is the double nearest the decimal value
    // (as if parsed from text): exact on the grid, without toFixed's cost.
    const tickScale = 10 ** tickDec;
    const tickUnits = Math.round(tick * tickScale);
    const lotScale = 10 ** lotDec;
    const lotUnits = Math.round(lot * lotScale);
    const price = (ticks) => (ticks * tickUnits) / tickScale;
    const lots = (n) => (n * lotUnits) / lotScale;
    const size = (mean) => {
        const v = mean * Math.exp(o.sizeDispersion * rng.normal() - (o.sizeDispersion * o.sizeDispersion) / 2);
        const n = Math.max(1, Math.round(v / lot));
        return { lots: n, value: lots(n) };
    };
    for (;;) {
        let next;
        if (pending > 0) {
            pending--;
            next = t;
        }
        else {
            const crashMult = crashRateMult(env.crashes, t);
            let rate = packetRate * crashMult;
            if (bursty) {
                while (t >= spellEnd) {
                    busy = !busy;
                    spellEnd += Math.max(1, Math.round(rng.exponential(1 / SPELL_MEAN_SEC) * 1e9));
                }
                // Nobody is quiet in a crash.
                rate *= busy || crashMult > 1 ? 1.6 : 0.4;
                if (rng.chance(BURST_PROB))
                    pending = 1 + Math.floor(rng.exponential(BURST_EXTRA_RATE));
            }
            next = t + Math.max(1, Math.round(rng.exponential(rate)));
            // No ticks inside a halt or an outage: the first one comes shortly after it ends.
            for (let moved = true; moved;) {
                moved = false;
                for (const w of env.blackouts) {
                    if (next >= w.from && next < w.to) {
                        next = w.to + Math.round(rng.exponential(packetRate));
                        pending = 0;
                        moved = true;
                    }
                }
            }
        }
        if (next >= env.durationNs)
            break;
        const dtH = (next - t) / HOUR_NS;
        if (dtH > 0) {
            const dw = Math.sqrt(dtH) * rng.normal();
            if (o.model === 'gbm') {
                mid *= Math.exp((o.drift - halfVar) * dtH + o.volatility * dw);
            }
            else {
                mid += p0 * (o.drift * dtH + o.volatility * dw);
                if (mid < tick)
                    mid = 2 * tick - mid; // reflect at one tick: prices stay > 0
            }
        }
        t = next;
        // Market injections act on the shown mid; the latent path goes on beneath them.
        let factor = 1;
        let stress = 0;
        let sellBias = -1;
        for (const c of env.crashes) {
            if (t < c.from || t >= c.to)
                continue;
            let down;
            if (t < c.bottom) {
                const p = (t - c.from) / (c.bottom - c.from);
                down = c.depth * (1 - (1 - p) * (1 - p)); // fast at first, then decelerating
                sellBias = 0.85;
            }
            else {
                const q = (t - c.bottom) / (c.to - c.bottom);
                down = c.depth * (1 - q) * (1 - q); // sharp rebound, slow tail
                sellBias = 0.35;
            }
            factor *= 1 - down;
            stress = Math.max(stress, down / c.depth);
        }
        let spreadMult = 1 + 5 * stress;
        for (const b of env.blowouts)
            if (t >= b.from && t < b.to)
                spreadMult *= b.factor;
        const prevShown = shown;
        shown = mid * factor;
        const spread = Math.max(o.minSpreadTicks * tick, ((shown * o.spreadBps) / 1e4) * spreadMult * Math.exp(o.spreadJitter * rng.normal()));
        const bidTicks = Math.max(1, Math.floor((shown - spread / 2) / tick + 1e-9));
        const askTicks = Math.max(bidTicks + o.minSpreadTicks, Math.ceil((shown + spread / 2) / tick - 1e-9));
        // Venue stamp: before arrival by the latency, off by the venue clock; in order per symbol.
        const x = Math.max(prevX, Math.round(t - baseLatencyNs - rng.exponential(1 / LATENCY_TAIL_NS) + env.venueClockNs));
        prevX = x;
        // Thin books in a crash: sizes shrink with stress.
        const depthMean = o.sizeMean * (1 - 0.7 * stress);
        const tk = { t, x, bid: price(bidTicks), ask: price(askTicks), bidSize: size(depthMean).value, askSize: size(depthMean).value };
        if (rng.chance(o.tradeProb)) {
            const pSell = sellBias >= 0 ? sellBias : 0.5 + (shown < prevShown ? 0.15 : shown > prevShown ? -0.15 : 0);
            const aggressor = rng.chance(pSell) ? 'sell' : 'buy';
            const s = size(o.sizeMean * 0.5);
            volLots += s.lots;
            tk.last = aggressor === 'buy' ? tk.ask : tk.bid;
            tk.lastSize = s.value;
            tk.aggressor = aggressor;
            tk.volume = lots(volLots);
        }
        out.push(tk);
    }
    return out;
}
/** Trading intensifies in a crash: x4 on the way down, x2 while it recovers. */
function crashRateMult(crashes, t) {
    let m = 1;
    for (const c of crashes) {
        if (t >= c.from && t < c.bottom)
            m = Math.max(m, 4);
        else if (t >= c.bottom && t < c.to)
            m = Math.max(m, 2);
    }
    return m;
}
//# sourceMappingURL=ticks.js.map