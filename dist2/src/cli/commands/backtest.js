import { TapedeckError } from '../../errors.js';
import { formatTsIso } from '../../events/ts.js';
import { parseDurationNs } from '../../scenario/time.js';
import { displayPath, resolvePath } from '../io.js';
/** --seed: an integer stays a number (as in scenario scripts), anything else is a string seed. */
export function parseSeedArg(s) {
    if (s === undefined)
        return undefined;
    if (/^-?\d+$/.test(s) && Number.isSafeInteger(Number(s)))
        return Number(s);
    if (s.length === 0)
        throw new TapedeckError('BAD_ARGUMENT', '--seed must not be empty', {});
    return s;
}
function parseSpeed(s) {
    if (s === 'max')
        return 'max';
    const n = Number(s);
    if (!(n > 0) || !Number.isFinite(n))
        throw new TapedeckError('BAD_ARGUMENT', `--speed must be 'max' or a number > 0 (got ${s})`, { speed: s });
    return n;
}
/** k=v pairs; numbers and true/false are typed, the rest stays a string. */
export function parseOptionArgs(pairs) {
    const out = {};
    for (const p of pairs ?? []) {
        const i = p.indexOf('=');
        if (i <= 0)
            throw new TapedeckError('BAD_ARGUMENT', `--option "${p}": expected key=value`, { option: p });
        const k = p.slice(0, i);
        const v = p.slice(i + 1);
        out[k] = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(v) ? Number(v) : v === 'true' ? true : v === 'false' ? false : v;
    }
    return out;
}
function latencyNs(s) {
    if (/^\d+$/.test(s))
        return BigInt(s);
    return BigInt(parseDurationNs(s, '--latency'));
}
/** --latency: ns (bare integer) or a duration (2ms, 500us), or a uniform range MIN-MAX. */
export function parseLatencyArg(s) {
    const m = /^([^-]+)-([^-]+)$/.exec(s.trim());
    if (m)
        return { minNs: latencyNs(m[1]), maxNs: latencyNs(m[2]) };
    return latencyNs(s.trim());
}
const r6 = (x) => Number(x.toFixed(6));
/** JSON-safe summary (bigints as decimal strings). */
export function summaryJson(s) {
    return JSON.parse(JSON.stringify(s, (_k, v) => (typeof v === 'bigint' ? v.toString() : v === undefined ? null : v)));
}
export function backtestJson(r) {
    return {
        dir: r.dir,
        runId: r.runId,
        digest: r.digest,
        records: r.records,
        summary: summaryJson(r.summary),
        manifest: r.manifest,
        wallMs: r2(r.wallMs),
        eventsPerSec: Math.round(r.eventsPerSec),
    };
}
const r2 = (x) => Math.round(x * 100) / 100;
/** The summary as an aligned table, for people. */
export function formatBacktest(r) {
    const s = r.summary;
    const rows = [
        ['strategy', `${s.strategy}  (run ${r.runId})`],
        ['replay', s.startTs === undefined ? '(no input events)' : `${formatTsIso(s.startTs)} → ${formatTsIso(s.endTs)}`],
        ['events', `${s.eventsProcessed} in (${s.ticks} ticks), ${s.eventsEmitted} out`],
        ['pnl', `net ${r6(s.netPnl)}  (realized ${r6(s.realizedPnl)}, unrealized ${r6(s.unrealizedPnl)}, fees ${r6(s.fees)})`],
        ['trades', `${s.trades}  volume ${r6(s.volume)}`],
        ['orders', `${s.orders}  acks ${s.acks}  rejects ${s.rejects}  cancels ${s.cancels}  expires ${s.expires}  open at end ${s.openOrders}`],
        ['signals', String(s.signals)],
        ['drawdown', `${r6(s.maxDrawdown)} max`],
        ['exposure', `${r6(s.maxExposure)} max gross notional`],
        ['risk', `${s.riskEvents} events, ${s.blocked} blocked${s.killed ? `, KILLED: ${s.killReason ?? ''}` : ''}`],
    ];
    for (const [sym, p] of Object.entries(s.positions)) {
        rows.push([`  ${sym}`, `position ${r6(p.qty)}  realized ${r6(p.realizedPnl)}  unrealized ${r6(p.unrealizedPnl)}  trades ${p.trades}`]);
    }
    rows.push(['speed', `${Math.round(r.eventsPerSec).toLocaleString('en-US')} events/s (${r2(r.wallMs)} ms wall)`]);
    rows.push(['output', `${r.dir}  (${r.records} records)`]);
    rows.push(['digest', r.digest]);
    const w = Math.max(...rows.map(([k]) => k.length));
    return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n') + '\n';
}
export default function backtestCommand(io) {
    return {
        builder: (y) => y
            .positional('recordings', { type: 'string', array: true, demandOption: true, describe: 'Input recording directories (merged by ts)' })
            .option('strategy', { type: 'string', demandOption: true, describe: 'Strategy module (.js, or .ts loaded through tsx) default-exporting defineStrategy(...)' })
            .option('seed', { type: 'string', describe: 'Seed of latency draws and ctx.random() (default 0)' })
            .option('speed', { type: 'string', default: 'max', describe: "'max' (read directly, as fast as possible) or a replay speed multiplier (paced by the real clock)" })
            .option('out', { type: 'string', describe: 'Output recording directory (default recordings/<runId>)' })
            .option('force', { type: 'boolean', default: false, describe: 'Replace a non-empty output recording' })
            .option('from', { type: 'string', describe: 'Start at this ts (inclusive): ns, ISO-8601 UTC, or an offset like +5m' })
            .option('to', { type: 'string', describe: 'End at this ts (inclusive): same forms as --from' })
            .option('option', { type: 'string', array: true, describe: 'A strategy option key=value (repeatable), e.g. --option fast=10 --option qty=0.5' })
            .option('run-id', { type: 'string', describe: 'runId of the output (default bt-<strategy>-<seed>-<input digest prefix>)' })
            .option('latency', { type: 'string', group: 'Venue:', describe: 'Order latency: ns, a duration (2ms, 500us), or a uniform range drawn from the seed (1ms-5ms)' })
            .option('taker-bps', { type: 'number', group: 'Venue:', describe: 'Taker fee, basis points of notional' })
            .option('maker-bps', { type: 'number', group: 'Venue:', describe: 'Maker fee (negative: rebate), basis points of notional' })
            .option('max-position', { type: 'number', group: 'Risk:', describe: 'Max absolute position per symbol' })
            .option('max-notional', { type: 'number', group: 'Risk:', describe: 'Max notional of one order' })
            .option('max-orders-per-sec', { type: 'number', group: 'Risk:', describe: 'Max orders per second of replay time' })
            .option('max-loss', { type: 'number', group: 'Risk:', describe: 'Kill when net PnL falls to -N' })
            .option('max-drawdown', { type: 'number', group: 'Risk:', describe: 'Kill when net PnL falls N below its peak' })
            .option('json', { type: 'boolean', default: false, describe: 'Print the result as one JSON object' })
            .example('$0 backtest rec/btc --strategy scenarios/strategies/ma-crossover.ts', 'Backtest the moving-average crossover at max speed')
            .example('$0 backtest rec/a rec/b --strategy my.ts --seed 7 --latency 1ms-5ms --out bt/7', 'Two recordings merged, random latency drawn from seed 7')
            .example('$0 backtest rec/btc --strategy scenarios/strategies/market-maker.ts --option halfSpread=0.02 --from +5m --to +10m --json', 'Minutes 5 to 10, one option changed, JSON summary')
            .example('$0 backtest rec/btc --strategy s.ts --speed 10', 'Replay paced at 10x real time'),
        handler: async (args) => {
            const { backtestRecordings } = await import('../../backtest/runner.js');
            const { openRecording } = await import('../../events/recording.js');
            const { parseTimeArg } = await import('../../events/ts.js');
            const { recordingsSpan } = await import('../../replay/span.js');
            const recordings = args.recordings.map((d) => resolvePath(io, d));
            let start;
            const time = (s) => {
                if (s.startsWith('+') && start === undefined)
                    start = recordingsSpan(recordings.map((d) => openRecording(d)))?.firstTs;
                return parseTimeArg(s, start);
            };
            const fees = {};
            if (args['taker-bps'] !== undefined)
                fees.takerBps = args['taker-bps'];
            if (args['maker-bps'] !== undefined)
                fees.makerBps = args['maker-bps'];
            const venue = {
                ...(args.latency !== undefined ? { latency: parseLatencyArg(args.latency) } : {}),
                ...(Object.keys(fees).length > 0 ? { fees } : {}),
            };
            const risk = {};
            if (args['max-position'] !== undefined)
                risk.maxPosition = args['max-position'];
            if (args['max-notional'] !== undefined)
                risk.maxNotional = args['max-notional'];
            if (args['max-orders-per-sec'] !== undefined)
                risk.maxOrdersPerSecond = args['max-orders-per-sec'];
            if (args['max-loss'] !== undefined)
                risk.maxLoss = args['max-loss'];
            if (args['max-drawdown'] !== undefined)
                risk.maxDrawdown = args['max-drawdown'];
            const seed = parseSeedArg(args.seed);
            const result = await backtestRecordings(recordings, {
                strategyPath: resolvePath(io, args.strategy),
                strategyOptions: parseOptionArgs(args.option),
                ...(seed !== undefined ? { seed } : {}),
                speed: parseSpeed(args.speed),
                ...(args.from !== undefined ? { from: time(args.from) } : {}),
                ...(args.to !== undefined ? { to: time(args.to) } : {}),
                ...(args.out !== undefined ? { out: resolvePath(io, args.out) } : {}),
                force: args.force,
                recordingsDir: resolvePath(io, 'recordings'),
                ...(args['run-id'] !== undefined ? { runId: args['run-id'] } : {}),
                ...(Object.keys(venue).length > 0 ? { venue } : {}),
                ...(Object.keys(risk).length > 0 ? { risk } : {}),
            });
            const shown = { ...result, dir: args.out ?? displayPath(io, result.dir) };
            io.stdout.write(args.json ? JSON.stringify(backtestJson(shown)) + '\n' : formatBacktest(shown));
        },
    };
}
//# sourceMappingURL=backtest.js.map