/**
 * Errors crossing a thread (sweep pool, replay read-ahead, UI jobs) as data: one pair,
 * toWireError / fromWireError, rebuilds the typed error its receiver branches on.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { CorruptionError, TapedeckError, fromWireError, toWireError, type WireError } from '../src/errors.js';

/** Through a real structured clone, as postMessage sends it. */
function cross(e: unknown): Error {
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(toWireError(e));
  const got = receiveMessageOnPort(port2)!.message as WireError;
  port1.close();
  return fromWireError(got);
}

test('a CorruptionError arrives as one, with its file, offset, seq, recording path and code', () => {
  const e = cross(new CorruptionError('00000000000000000001.seg', 4096, 'CRC mismatch', 17, 'CORRUPT_FRAME', '/rec/a'));
  assert.ok(e instanceof CorruptionError, `got ${e.name}`);
  const c = e as CorruptionError;
  assert.is(c.code, 'CORRUPT_FRAME');
  assert.is(c.file, '00000000000000000001.seg');
  assert.is(c.offsetBytes, 4096);
  assert.is(c.seq, 17);
  assert.is(c.path, '/rec/a');
  assert.is(c.message, '/rec/a/00000000000000000001.seg: corrupt at byte 4096 (seq 17): CRC mismatch');
});

test('a CorruptionError without seq or path keeps them undefined', () => {
  const c = cross(new CorruptionError('x.seg', 0, 'torn', undefined, 'TORN_TAIL')) as CorruptionError;
  assert.ok(c instanceof CorruptionError);
  assert.is(c.code, 'TORN_TAIL');
  assert.is(c.seq, undefined);
  assert.is(c.path, undefined);
});

test('a TapedeckError keeps its code and details (bigints as text); a Node errno error its errno', () => {
  const t = cross(new TapedeckError('VALIDATION', 'bad field', { field: 'px', seq: 5n }));
  assert.ok(t instanceof TapedeckError && !(t instanceof CorruptionError));
  assert.is((t as TapedeckError).code, 'VALIDATION');
  assert.is((t as TapedeckError).details.seq, '5');
  const io = Object.assign(new Error('ENOSPC: no space left'), { code: 'ENOSPC' });
  const back = cross(io) as NodeJS.ErrnoException;
  assert.not.ok(back instanceof TapedeckError);
  assert.is(back.code, 'ENOSPC');
  assert.is(back.message, 'ENOSPC: no space left');
});

test('an untyped error arrives as CHECK_FAILED with its message', () => {
  const e = cross(new Error('boom')) as TapedeckError;
  assert.is(e.code, 'CHECK_FAILED');
  assert.is(e.message, 'boom');
});

test.run();
