import { BacktestEngine } from './engine.js';
export function runBacktest(input, options) {
    const events = [];
    const seqs = [];
    const engine = new BacktestEngine(options, (ev, seq) => {
        events.push(ev);
        seqs.push(seq);
    });
    for (const ev of input)
        engine.onEvent(ev);
    const summary = engine.finish();
    return { events, seqs, summary };
}
//# sourceMappingURL=harness.js.map