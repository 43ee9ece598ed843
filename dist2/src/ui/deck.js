import { EventBus } from '../bus/index.js';
import { TapedeckError } from '../errors.js';
import { eventToJson } from '../events/json.js';
import { openRecording } from '../events/recording.js';
import { formatTsIso } from '../events/ts.js';
import { Replayer } from '../replay/index.js';
import { lowerBound } from './downsample.js';
/** How many events of the log to show before and after the cursor. */
const AROUND = 8;
export class Deck {
    dir;
    timeline;
    scheduler;
    recording;
    replayer;
    bus = new EventBus();
    speedValue = 1;
    constructor(dir, timeline, scheduler) {
        this.dir = dir;
        this.timeline = timeline;
        this.scheduler = scheduler;
        this.recording = openRecording(dir);
        this.replayer = this.fresh();
    }
    fresh() {
        const r = new Replayer(this.recording, this.bus, this.scheduler ? { scheduler: this.scheduler } : {});
        r.start({ paused: true, speed: this.speedValue }).subscribe({ error: () => undefined });
        return r;
    }
    /** The replayer, ready to move: a done one is replaced by a fresh paused one at `atNs`. */
    live(atNs) {
        if (this.replayer.state === 'done') {
            const at = atNs ?? this.replayer.now();
            this.replayer = this.fresh();
            this.replayer.seek(at);
        }
        return this.replayer;
    }
    control(c) {
        switch (c.action) {
            case 'play':
                this.live().resume();
                break;
            case 'pause':
                this.replayer.pause();
                break;
            case 'step': {
                const n = c.count ?? 1;
                if (!Number.isInteger(n) || n < 1 || n > 100_000)
                    throw new TapedeckError('BAD_ARGUMENT', `step count must be a whole number 1..100000, got ${String(n)}`);
                const r = this.live();
                r.pause();
                r.step(n);
                break;
            }
            case 'speed': {
                const s = c.speed;
                if (!(s === 'max' || (typeof s === 'number' && s > 0 && Number.isFinite(s)))) {
                    throw new TapedeckError('BAD_ARGUMENT', `speed must be a number > 0 or "max", got ${JSON.stringify(s)}`);
                }
                this.speedValue = s;
                if (this.replayer.state !== 'done')
                    this.replayer.speed(s);
                break;
            }
            case 'seek': {
                if (typeof c.ts !== 'string' || !/^\d{1,19}$/.test(c.ts))
                    throw new TapedeckError('BAD_ARGUMENT', `seek needs ts: ns as a decimal string, got ${JSON.stringify(c.ts)}`);
                const ts = BigInt(c.ts);
                if (this.replayer.state === 'done')
                    this.live(ts);
                else
                    this.replayer.seek(ts);
                break;
            }
            default:
                throw new TapedeckError('BAD_ARGUMENT', `unknown deck action ${JSON.stringify(c.action)} (play, pause, step, speed, seek)`);
        }
        return this.state();
    }
    state() {
        const tl = this.timeline();
        const p = this.replayer.progress();
        const ts = p.ts;
        const off = tl.offsetOf(ts);
        return {
            state: p.state,
            ts: ts.toString(),
            tsIso: ts >= 0n ? formatTsIso(ts) : '',
            seq: p.seq,
            percent: p.percent,
            speed: this.speedValue,
            emitted: p.emitted,
            firstTs: tl.originNs.toString(),
            lastTs: tl.lastNs.toString(),
            quotes: tl.quotesAt(off),
            around: this.around(tl, p.seq, off),
        };
    }
    /** The events of the log around the cursor: up to AROUND before it, the current one, AROUND after. */
    around(tl, seq, off) {
        if (tl.events === 0)
            return [];
        // The current event: the last published one, or after a seek the last one before the target.
        const cur = seq !== null ? lowerBound(tl.seqs, seq) : tl.positionAt(off) - 1;
        const a = Math.max(0, cur - AROUND);
        const b = Math.min(tl.events - 1, cur + AROUND);
        if (b < a)
            return [];
        const out = [];
        for (const ev of this.recording.events({ fromSeq: tl.seqs[a], toSeq: tl.seqs[b] })) {
            out.push({ seq: ev.seq ?? -1, ts: ev.ts.toString(), tsIso: formatTsIso(ev.ts), type: ev.type, json: eventToJson(ev), current: ev.seq === tl.seqs[cur] });
        }
        return out;
    }
    close() {
        this.replayer.stop();
    }
}
//# sourceMappingURL=deck.js.map