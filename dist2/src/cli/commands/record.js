import { resolvePath } from '../io.js';
import { formatCount } from '../progress.js';
/** Warnings printed per run before the rest are only counted (rejects are all stored anyway). */
const MAX_WARNINGS = 100;
export function warningPrinter(stream) {
    let n = 0;
    return (w) => {
        n++;
        if (n <= MAX_WARNINGS)
            stream.write(`tapedeck: warning: ${w.message} (stored as a reject event)\n`);
        else if (n === MAX_WARNINGS + 1)
            stream.write(`tapedeck: warning: more bad input; further warnings suppressed (the summary counts every reject)\n`);
    };
}
/** JSON with bigints as decimal strings. */
export function toJson(v) {
    return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
}
function kinds(m) {
    return Object.entries(m)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${formatCount(v)}`)
        .join(', ');
}
/** The human summary (stderr). */
export function describeSummary(verb, s) {
    const types = Object.entries(s.byType)
        .filter(([, n]) => n > 0)
        .map(([t, n]) => `${t} ${formatCount(n)}`)
        .join(', ');
    const lines = [
        `${verb} ${formatCount(s.events)} event${s.events === 1 ? '' : 's'}${types ? ` (${types})` : ''} into ${s.dir}, run ${s.runId}` +
            `${s.rejects ? `; ${formatCount(s.rejects)} rejected (stored as reject events)` : ''}`,
    ];
    if (Object.keys(s.unmapped).length > 0)
        lines.push(`  unmapped messages, counted not recorded: ${kinds(s.unmapped)}`);
    if (Object.keys(s.control).length > 0)
        lines.push(`  connection lines: ${kinds(s.control)}`);
    if (s.gaps || s.reconnects)
        lines.push(`  gaps ${s.gaps}, reconnects ${s.reconnects}`);
    if (s.firstTs !== null)
        lines.push(`  seq ${s.firstSeq}..${s.lastSeq}, ${s.durationMs.toFixed(1)} ms of ${s.clock}-clock time`);
    return lines.join('\n') + '\n';
}
/** The --session-events choice as the Recorder's option. */
export function sessionEventsOption(v) {
    return v === 'yes' ? true : v === 'no' ? false : 'auto';
}
export function commonOptions(y) {
    return y
        .option('run-id', { type: 'string', describe: 'The run id stamped on events that carry none (default: generated)' })
        .option('durability', {
        choices: ['strict', 'batched', 'async'],
        default: 'batched',
        describe: 'strict: fsync before acknowledging; batched: group fsyncs; async: fsync in the background',
    })
        .option('segment-size', { type: 'string', describe: 'Rotate segments at about this size (e.g. 64MiB)' })
        .option('strict', { type: 'boolean', default: false, describe: 'Stop at the first bad line (exit 65) instead of storing it as a reject event' })
        .option('json', { type: 'boolean', default: false, describe: 'Print a machine-readable summary on stdout' })
        .option('deterministic', { type: 'boolean', default: false, describe: 'No wall-clock or host details in session-start; a reproducible run id' })
        .option('session-events', {
        choices: ['auto', 'yes', 'no'],
        default: 'auto',
        describe: "Write the recorder's own session-start/end (auto: not when, under the source clock, the input brings its own: a replay or export being re-recorded)",
    });
}
/** Installs SIGINT/SIGTERM handlers that abort `ac`; a second signal exits at once (the log's exit
 * hook still makes written data durable). Returns the uninstaller. */
export function onStopSignals(io, ac) {
    let count = 0;
    const handler = (sig) => {
        count++;
        if (count > 1)
            io.exit(sig === 'SIGINT' ? 130 : 143);
        ac.abort();
    };
    io.signals.on('SIGINT', handler);
    io.signals.on('SIGTERM', handler);
    return () => {
        io.signals.off('SIGINT', handler);
        io.signals.off('SIGTERM', handler);
    };
}
export default function recordCommand(io, rawArgs) {
    return {
        builder: (y) => commonOptions(y
            .positional('dir', { type: 'string', demandOption: true, describe: 'The recording directory (created if needed)' })
            .option('input', { alias: 'i', type: 'string', nargs: 1, describe: "Read this file instead of stdin ('-': stdin)" })
            .option('ws', { type: 'string', describe: 'Record this WebSocket feed (ws:// or wss://)' })
            .option('format', {
            choices: ['canonical', 'binance', 'coinbase'],
            default: 'canonical',
            describe: 'Messages: canonical tapedeck events, or Binance / Coinbase public market data mapped to ticks',
        })
            .option('send', { type: 'string', array: true, describe: 'With --ws: send this message after each (re)connect (e.g. a subscribe request)' })
            .option('clock', {
            choices: ['receive', 'source'],
            default: 'receive',
            describe: "ts: when the recorder received the event, or the event's own ts",
        })
            .option('max-attempts', { type: 'number', describe: 'With --ws: give up after this many failed connection attempts in a row' })
            .option('metrics-interval', { type: 'number', hidden: true, describe: 'ms between metrics.json updates (0: never; default 250 so the live dashboard updates 4 times a second; 0 with --deterministic)' })
            .conflicts('ws', 'input')
            .example('$0 replay rec/a --max | $0 record rec/b --clock source', 'Re-record a replay with its own timestamps')
            .example('$0 record rec/live --input events.jsonl.gz', 'Canonical JSONL from a (gzipped) file, stamped with the receive clock')
            .example("$0 record rec/btc --ws wss://stream.binance.com:9443/ws/btcusdt@bookTicker --format binance", 'A live venue feed, until Ctrl-C')
            .check((a) => {
            if (a.ws !== undefined && !/^wss?:\/\//.test(a.ws))
                throw new Error(`--ws needs a ws:// or wss:// URL (got "${a.ws}")`);
            if (a.send && a.ws === undefined)
                throw new Error('--send needs --ws');
            return true;
        })),
        handler: async (argv) => {
            const { normalizeDurability } = await import('../../log/index.js');
            const { openInput } = await import('../../record/input.js');
            const { Recorder } = await import('../../record/recorder.js');
            const { parseSize } = await import('../../record/size.js');
            const { recordJsonl, recordVenueLines } = await import('../../record/sources.js');
            const { recordWebSocket } = await import('../../record/ws.js');
            normalizeDurability(argv.durability);
            const segmentSize = argv['segment-size'] !== undefined ? parseSize(argv['segment-size']) : undefined;
            // yargs hands a lone '-' over as ''.
            const inputName = argv.input === undefined || argv.input === '' ? '-' : argv.input;
            // Open a named input before creating anything, so a missing file is a plain I/O error.
            const input = argv.ws === undefined ? openInput(resolvePath(io, inputName), io.stdin) : null;
            const source = argv.ws !== undefined ? `ws:${argv.ws}` : inputName === '-' ? 'stdin' : `file:${inputName}`;
            const ac = new AbortController();
            const uninstall = onStopSignals(io, ac);
            let rec = null;
            try {
                rec = await Recorder.open(resolvePath(io, argv.dir), {
                    runId: argv['run-id'],
                    durability: argv.durability,
                    segmentSize,
                    clock: argv.clock,
                    strict: argv.strict,
                    deterministic: argv.deterministic,
                    sessionEvents: sessionEventsOption(argv['session-events']),
                    source,
                    args: [...rawArgs],
                    onWarning: warningPrinter(io.stderr),
                    // A deterministic recording holds nothing that changes run to run (metrics.json would).
                    publishMetricsMs: argv['metrics-interval'] ?? (argv.deterministic ? 0 : 250),
                });
                const stopInput = () => input?.close();
                ac.signal.addEventListener('abort', stopInput, { once: true });
                if (argv.ws !== undefined) {
                    await recordWebSocket(rec, {
                        url: argv.ws,
                        format: argv.format,
                        send: argv.send,
                        signal: ac.signal,
                        maxAttempts: argv['max-attempts'],
                        onStatus: argv.json ? undefined : (m) => io.stderr.write(`tapedeck: ${m}\n`),
                    });
                }
                else if (argv.format === 'canonical') {
                    await recordJsonl(rec, input, { signal: ac.signal });
                }
                else {
                    await recordVenueLines(rec, input, argv.format, { signal: ac.signal });
                }
                input?.close();
                const summary = await rec.close();
                if (argv.json)
                    io.stdout.write(`${toJson({ ...summary, stopped: ac.signal.aborted ? 'signal' : 'end' })}\n`);
                else
                    io.stderr.write(describeSummary('recorded', summary));
            }
            catch (err) {
                input?.close();
                if (rec) {
                    const s = await rec.close({ error: err }).catch(() => null);
                    if (s && argv.json)
                        io.stdout.write(`${toJson(s)}\n`);
                }
                throw err;
            }
            finally {
                uninstall();
            }
        },
    };
}
//# sourceMappingURL=record.js.map