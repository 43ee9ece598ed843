/**
 * Tardis.dev CSV: each dataset detected from its header, µs → exact ns, decimal text kept,
 * rows sharing a local_timestamp batched, is_snapshot runs as clear + snapshot levels.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ValidationError } from '../src/errors.js';
import { detectTardis, TardisBatcher, TardisRows } from '../src/record/tardis.js';
import { fixture } from './record-helpers.js';
function batchesOf(file) {
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
    const layout = detectTardis(lines[0].split(','));
    const rows = new TardisRows(layout);
    const b = new TardisBatcher();
    const out = [];
    lines.slice(1).forEach((l, i) => {
        const done = b.push(rows.row(l.split(','), `line ${i + 2}`));
        if (done)
            out.push(done);
    });
    const last = b.flush();
    if (last)
        out.push(last);
    return out;
}
const T = (name) => path.join(fixture('tardis'), name);
test('detects each dataset from its header', () => {
    const head = (f) => fs.readFileSync(T(f), 'utf8').split('\n')[0].split(',');
    assert.is(detectTardis(head('bitmex_trades_XBTUSD.csv')).dataset, 'trades');
    assert.is(detectTardis(head('huobi-dm-swap_quotes_BTC-USD.csv')).dataset, 'quotes');
    assert.is(detectTardis(head('deribit_incremental_book_L2_BTC-PERPETUAL.csv')).dataset, 'incremental_book_L2');
    assert.equal(detectTardis(head('binance-futures_book_snapshot_5_BTCUSDT.csv')).depth, 5);
    assert.equal(detectTardis(head('binance-futures_book_snapshot_25_BTCUSDT.csv')).depth, 25);
    assert.is(detectTardis(['type', 'ts', 'runId']), null);
    assert.is(detectTardis(['exchange', 'symbol', 'timestamp', 'local_timestamp', 'funding_rate']), null);
});
test('trades: one tick per row, µs → ns, decimal text, trade id, aggressor; equal local_timestamps batched', () => {
    const batches = batchesOf(T('bitmex_trades_XBTUSD.csv'));
    const ticks = batches.flat();
    assert.is(ticks.length, 10);
    assert.equal(ticks[0], {
        type: 'tick',
        ts: 1583020803307160000n,
        venue: 'bitmex',
        symbol: 'XBTUSD',
        last: '8531.5',
        lastSize: '2152',
        aggressor: 'sell',
        tradeId: 'ccc3c1fa-212c-e8b0-1706-9b9c4f3d5ecf',
        exchTs: 1583020803145000000n,
    });
    // Rows 2..10 share local_timestamp 1583020803336743: one venue message, one batch.
    assert.equal(batches.map((b) => b.length), [1, 9]);
});
test('quotes: bid/ask and sizes as the venue wrote them', () => {
    const ticks = batchesOf(T('huobi-dm-swap_quotes_BTC-USD.csv')).flat();
    assert.is(ticks.length, 10);
    assert.equal(ticks[0], {
        type: 'tick',
        ts: 1588291201234268000n,
        venue: 'huobi-dm-swap',
        symbol: 'BTC-USD',
        bid: '8629.2',
        ask: '8629.3',
        bidSize: '806',
        askSize: '5494',
        exchTs: 1588291201099000000n,
    });
});
test('book_snapshot_5 and _25: a clear and every level per row, flagged snapshot, the last flagged last', () => {
    for (const [f, depth] of [
        ['binance-futures_book_snapshot_5_BTCUSDT.csv', 5],
        ['binance-futures_book_snapshot_25_BTCUSDT.csv', 25],
    ]) {
        const batches = batchesOf(T(f));
        assert.is(batches.length, 10, f);
        for (const b of batches) {
            assert.is(b.length, 1 + 2 * depth, f);
            assert.is(b[0].action, 'clear');
            for (const e of b)
                assert.ok((e.flags & 32) !== 0, 'snapshot flag');
            assert.is(b.at(-1).flags & 128, 128);
            assert.is(b.filter((e) => (e.flags & 128) !== 0).length, 1);
        }
        const first = batches[0];
        assert.equal(first[1], { type: 'book', ts: 1598918403810979000n, venue: 'binance-futures', symbol: 'BTCUSDT', exchTs: 1598918403696000000n, action: 'set', side: 'ask', price: '11657.08', size: '1.714', flags: 32 });
        assert.is(first[1 + depth].side, 'bid');
        assert.is(first[1 + depth].price, '11657.07');
    }
});
test('incremental_book_L2: the is_snapshot run is a clear + levels; live rows are sets; amount 0 is kept as a delete', () => {
    const events = batchesOf(T('deribit_incremental_book_L2_BTC-PERPETUAL.csv')).flat();
    const lines = fs.readFileSync(T('deribit_incremental_book_L2_BTC-PERPETUAL.csv'), 'utf8').trim().split('\n').slice(1);
    const snapRows = lines.filter((l) => l.split(',')[4] === 'true').length;
    assert.is(events.length, lines.length + 1, 'one clear added');
    assert.is(events[0].action, 'clear');
    assert.is(events[0].flags, 32);
    assert.is(events.slice(1, 1 + snapRows).every((e) => e.action === 'set' && (e.flags & 32) === 32), true);
    assert.is(events.slice(1 + snapRows).every((e) => (e.flags & 32) === 0), true);
});
test('a new is_snapshot run after live rows resets again', () => {
    const header = 'exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount'.split(',');
    const rows = new TardisRows(detectTardis(header));
    const r = (cells) => rows.row(cells.split(','), 'x').drafts.map((d) => d.action);
    assert.equal(r('d,S,1,10,true,bid,1,5'), ['clear', 'set']);
    assert.equal(r('d,S,1,10,true,ask,2,5'), ['set']);
    assert.equal(r('d,S,2,11,false,ask,2,0'), ['set']);
    assert.equal(r('d,S,3,12,true,bid,1,5'), ['clear', 'set']);
});
test('bad rows are ValidationErrors naming the field and line', () => {
    const header = 'exchange,symbol,timestamp,local_timestamp,id,side,price,amount'.split(',');
    const rows = new TardisRows(detectTardis(header));
    const bad = [
        ['bitmex,XBTUSD,1583020803.5,1583020803307160,a,sell,1,1', /timestamp.*microseconds/],
        ['bitmex,XBTUSD,1,2,a,sideways,1,1', /side/],
        ['bitmex,XBTUSD,1,2,a,buy,abc,1', /price.*decimal/],
        ['bitmex,XBTUSD,1,2,a,buy,1', /7 cells/],
    ];
    for (const [line, re] of bad) {
        try {
            rows.row(line.split(','), 'line 9');
            assert.unreachable(line);
        }
        catch (e) {
            assert.instance(e, ValidationError);
            assert.match(e.message, re);
            assert.match(e.message, /^line 9:/);
        }
    }
});
test.run();
//# sourceMappingURL=record-tardis.test.js.map