import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CsvEvents, splitCsvRecord } from '../src/record/csv.js';
test('csv - a quoted empty cell is an empty string, an unquoted one is absent', () => {
    const quoted = [];
    assert.equal(splitCsvRecord('a,"",,"x"', quoted), ['a', '', '', 'x']);
    assert.equal(quoted, [undefined, true, undefined, true]);
    const csv = new CsvEvents(splitCsvRecord('type,ts,runId,orderId,venue,symbol,side,kind,action,qty,reason,tif'));
    const ev = csv.push('order,1700000000000000000,r1,o1,X,AAPL,buy,market,new,5,"",', 'line 2');
    assert.is(ev.reason, '');
    assert.not.ok('tif' in ev);
});
test.run();
//# sourceMappingURL=record-csv.test.js.map