/**
 * Bad input never crashes a run and never loses what follows it: line splitting is linear with a
 * cap (--max-line-bytes), invalid UTF-8 and oversize lines become rejects keeping their exact bytes
 * (or exit 65 with --strict), a BOM starts JSONL fine, deep nesting is refused without recursion,
 * a reject can never itself be invalid, and the receive clock says when it replaces an input ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { SystemEvent, TapeEvent } from '../src/events/types.js';
import { isUtf8 } from 'node:buffer';
import { firstInvalidUtf8, openInput, type Line } from '../src/record/input.js';
import { jsonDepth } from '../src/record/json-line.js';
import { rejectRaw } from '../src/record/recorder.js';
import { runCli } from './helpers/cli.js';
import { readEvents } from './record-helpers.js';
import { rm, tmpDir } from './helpers/tmp.js';

const base = tmpDir('tapedeck-input-');
test.after(() => rm(base));

const T0 = 1_700_000_000_000_000_000n;
const tick = (i: number) => `{"type":"tick","ts":"${T0 + BigInt(i)}","venue":"X","symbol":"A","bid":${i + 1}}`;

async function allLines(chunks: (string | Buffer)[], maxLineBytes?: number): Promise<Line[]> {
  const src = openInput('-', Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))), { maxLineBytes });
  const out: Line[] = [];
  for (let b = await src.nextLines(); b !== null; b = await src.nextLines()) out.push(...b);
  return out;
}

const rejects = (evs: TapeEvent[]) => evs.filter((e): e is SystemEvent => e.type === 'system' && e.kind === 'reject');

test('input - a line across many chunks, CRLF, a BOM on line 1 only, the last line without a newline', async () => {
  const long = 'x'.repeat(5000);
  const chunks = ['\uFEFFa', 'b\r\n', ...long.match(/.{1,7}/g)!, '\n', '\uFEFFc\nlast'];
  const lines = await allLines(chunks);
  assert.equal(
    lines.map((l) => [l.no, l.text]),
    [
      [1, 'ab'],
      [2, long],
      [3, '\uFEFFc'],
      [4, 'last'],
    ],
  );
});

test('input - a line over the cap is a too-long problem keeping exactly its first bytes; later lines are fine', async () => {
  const big = 'y'.repeat(100_000);
  const lines = await allLines([`ok1\n${big.slice(0, 30_000)}`, big.slice(30_000), '\nok2\n'], 1000);
  assert.is(lines.length, 3);
  assert.is(lines[0]!.text, 'ok1');
  const p = lines[1]!.problem!;
  assert.is(p.kind, 'too-long');
  assert.is(p.bytes, 100_000);
  assert.is(p.raw.length, 1000);
  assert.ok(p.raw.equals(Buffer.from(big.slice(0, 1000))));
  assert.match(p.message, /100000 bytes long, over the limit of 1000 \(--max-line-bytes\)/);
  assert.is(lines[2]!.text, 'ok2');
});

test('input - splitting is linear: one 8 MiB line in 64 KiB chunks costs about what 8 MiB of short lines costs', async () => {
  // Not a timing assertion: the work is counted. Quadratic splitting re-scans and re-copies the
  // held prefix for every chunk; here each chunk is scanned once and the line joined once.
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  const chunks = Array.from({ length: 128 }, () => chunk);
  const src = openInput('-', Readable.from([...chunks, Buffer.from('\n')]), { maxLineBytes: 16 * 1024 * 1024 });
  const origConcat = Buffer.concat;
  let copied = 0;
  Buffer.concat = ((list: readonly Uint8Array[], len?: number) => {
    const b = origConcat(list, len);
    copied += b.length;
    return b;
  }) as typeof Buffer.concat;
  try {
    const b = await src.nextLines();
    assert.is(b!.length, 1);
    assert.is(b![0]!.text.length, 8 * 1024 * 1024);
  } finally {
    Buffer.concat = origConcat;
  }
  assert.ok(copied < 2 * 8 * 1024 * 1024, `bytes copied joining the line: ${copied} (quadratic: ~${(128 * 129) / 2} chunks' worth, 516 MiB)`);
});

/** What each line of `input` must come back as, from the whole input at once (the rules of input.ts's header). */
function referenceLines(input: Buffer, max: number): unknown[] {
  const pieces: Buffer[] = [];
  for (let a = 0; a < input.length; ) {
    const e = input.indexOf(0x0a, a);
    pieces.push(input.subarray(a, e < 0 ? input.length : e));
    a = e < 0 ? input.length : e + 1;
  }
  return pieces.map((line, i) => {
    const total = line.length;
    let b = line.subarray(0, Math.min(total, max + 1));
    let bytes = total;
    if (bytes > 0 && b.length === bytes && b[b.length - 1] === 0x0d) {
      b = b.subarray(0, b.length - 1);
      bytes--;
    }
    if (i === 0 && b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) {
      b = b.subarray(3);
      bytes -= 3;
    }
    if (bytes > max) return [i + 1, 'too-long', bytes, b.subarray(0, max).toString('hex')];
    if (!isUtf8(b)) return [i + 1, 'invalid-utf8', bytes, b.toString('hex'), firstInvalidUtf8(b)];
    return [i + 1, b.toString('utf8')];
  });
}

test('input - any bytes in any chunks: the lines of a reference split (ASCII runs read at once, the rest line by line)', async () => {
  const piece = fc.oneof(
    { weight: 8, arbitrary: fc.string({ unit: fc.constantFrom('a', 'b', '{', '"', '1', ' ', '\r'), maxLength: 12 }).map((t) => Buffer.from(t)) },
    { weight: 3, arbitrary: fc.constant(Buffer.from('\n')) },
    { weight: 1, arbitrary: fc.constantFrom(Buffer.from('\r\n'), Buffer.from('é'), Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from([0xc3]), Buffer.from([0xff]), Buffer.from('x'.repeat(30))) },
  );
  await fc.assert(
    fc.asyncProperty(fc.array(piece, { maxLength: 40 }), fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 40 }), async (pieces, cuts, max) => {
      const input = Buffer.concat(pieces);
      const chunks: Buffer[] = [];
      for (let a = 0, k = 0; a < input.length; k++) {
        const n = cuts[k % cuts.length]!;
        chunks.push(input.subarray(a, a + n));
        a += n;
      }
      const got = (await allLines(chunks, max)).map((l) =>
        l.problem ? [l.no, l.problem.kind, l.problem.bytes, l.problem.raw.toString('hex'), ...(l.problem.kind === 'invalid-utf8' ? [Number(/byte (\d+)/.exec(l.problem.message)![1])] : [])] : [l.no, l.text],
      );
      assert.equal(got, referenceLines(input, max));
    }),
    { numRuns: 400 },
  );
});

test('input - large chunks: runs of ASCII lines, a line longer than a run, a non-ASCII line, CRLF and a cap', async () => {
  const parts: string[] = [];
  for (let i = 0; i < 6000; i++) parts.push(i % 7 === 0 ? `${tick(i)}\r` : i % 1000 === 3 ? '' : tick(i));
  parts.splice(2500, 0, 'z'.repeat(70_000), 'w'.repeat(300_000) + '\r', '{"venue":"Zürich"}');
  const input = Buffer.from(parts.join('\n') + '\n');
  for (const [size, max] of [[256 * 1024, 1 << 20], [1 << 20, 100_000], [100_000, 1 << 20]] as const) {
    const chunks: Buffer[] = [];
    for (let a = 0; a < input.length; a += size) chunks.push(input.subarray(a, a + size));
    const got = (await allLines(chunks, max)).map((l) => (l.problem ? [l.no, l.problem.kind, l.problem.bytes, l.problem.raw.toString('hex')] : [l.no, l.text]));
    assert.equal(got, referenceLines(input, max), `chunks of ${size}, cap ${max}`);
  }
});

test('input - invalid UTF-8 is a problem line with the exact bytes and the offset of the bad byte', async () => {
  const bad = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
  const lines = await allLines([Buffer.concat([Buffer.from('fine\n'), bad, Buffer.from('\n\u00e9t\u00e9\n')])]);
  assert.is(lines[0]!.text, 'fine');
  assert.is(lines[1]!.problem!.kind, 'invalid-utf8');
  assert.ok(lines[1]!.problem!.raw.equals(bad));
  assert.match(lines[1]!.problem!.message, /not valid UTF-8 \(byte 6 of the line\)/);
  assert.is(lines[2]!.text, 'été');
  assert.is(firstInvalidUtf8(Buffer.from([0x61, 0xed, 0xa0, 0x80])), 1, 'a UTF-8 encoded surrogate is invalid');
  assert.is(firstInvalidUtf8(Buffer.from([0xe2, 0x82])), 0, 'a cut sequence');
  assert.is(firstInvalidUtf8(Buffer.from([0xc0, 0xaf])), 0, 'an overlong');
});

test('input - a gzip file cut short (a capture still being written) or damaged: every whole line before it, then exit 74 naming the byte and line', async () => {
  const zlib = await import('node:zlib');
  const text = Array.from({ length: 400 }, (_, i) => `${1723161253937085768n + BigInt(i)} {"stream":"btcusdt@trade","data":{"e":"trade","s":"BTCUSDT","t":${i},"p":"61837.63000000","q":"0.00${i}","m":true}}`).join('\n') + '\n';
  const gz = zlib.gzipSync(Buffer.from(text));
  const cut = gz.subarray(0, Math.floor(gz.length * 0.6));
  // What a reader can get out of the cut file: its whole lines.
  const prefix = zlib.gunzipSync(cut, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString();
  const whole = prefix.slice(0, prefix.lastIndexOf('\n') + 1).split('\n').length - 1;
  assert.ok(whole > 10 && whole < 400, `${whole} whole lines`);
  const file = path.join(base, 'cut.capture.gz');
  fs.writeFileSync(file, cut);
  const src = openInput(file);
  const got: Line[] = [];
  try {
    for (let b = await src.nextLines(); b !== null; b = await src.nextLines()) got.push(...b);
    assert.unreachable('a cut gzip file must fail');
  } catch (e) {
    assert.is((e as Error).name, 'IoError');
    assert.is((e as Error).message, `${file}: the gzip data ends early (a cut file, or one still being written) at compressed byte ${cut.length}, after line ${whole} (every whole line up to it was read): Z_BUF_ERROR`);
  }
  assert.is(got.length, whole);
  assert.is(got[whole - 1]!.text, text.split('\n')[whole - 1]);
  // The CLI: exit 74, and the recording holds the events of those lines.
  const dir = path.join(base, 'cut-rec');
  const r = await runCli(['import', file, dir, '--format', 'binance']);
  assert.is(r.code, 74, r.stderr);
  assert.match(r.stderr, /the gzip data ends early .* after line \d+/);
  assert.is(readEvents(dir).filter((e) => e.type === 'tick').length, whole);
  // Damaged in the middle: named as such.
  const bad = Buffer.from(gz);
  for (let i = 200; i < 260; i++) bad[i] = bad[i]! ^ 0x5a;
  fs.writeFileSync(file, bad);
  const src2 = openInput(file);
  try {
    while ((await src2.nextLines()) !== null);
    assert.unreachable('a damaged gzip file must fail');
  } catch (e) {
    assert.match((e as Error).message, /: the gzip data is damaged at compressed byte \d+, (before any whole line|after line \d+)/);
  }
});

test('reject path - raw bytes exactly: text when UTF-8, base64 when not, a prefix never cutting a character', () => {
  assert.equal(rejectRaw('abc', 100), { rawLength: 3, raw: 'abc' });
  assert.equal(rejectRaw(Buffer.from([0xff, 0x41]), 100), { rawLength: 2, raw: '/0E=', rawEncoding: 'base64' });
  const emoji = rejectRaw('ab\u{1F600}cd', 4);
  assert.equal(emoji, { rawLength: 8, raw: 'ab', truncated: 1 });
});

test('record - invalid UTF-8 and an oversize line: rejects with exact bytes, later lines kept; --strict exits 65', async () => {
  const bad = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
  const input = Buffer.concat([Buffer.from(`${tick(1)}\n`), bad, Buffer.from(`\n${'z'.repeat(3000)}\n${tick(2)}\n`)]);
  const dir = path.join(base, 'lenient');
  const r = await runCli(['record', dir, '--clock', 'source', '--max-line-bytes', '1k', '--json', '--metrics-interval', '0'], { input });
  assert.is(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.is(s.events, 2);
  assert.is(s.rejects, 2);
  const rej = rejects(readEvents(dir));
  assert.is(rej[0]!.data!.rawEncoding, 'base64');
  assert.ok(Buffer.from(String(rej[0]!.data!.raw), 'base64').equals(bad), 'the exact bytes');
  assert.match(String(rej[0]!.data!.reason), /not valid UTF-8 \(byte 1 of the line\)/);
  assert.is(rej[1]!.data!.raw, 'z'.repeat(1024));
  assert.is(rej[1]!.data!.rawLength, 3000);
  assert.is(rej[1]!.data!.truncated, 1);
  for (const [n, what] of [
    [bad, 'not valid UTF-8'],
    [Buffer.from('z'.repeat(3000)), 'over the limit of 1024'],
  ] as const) {
    const d = path.join(base, `strict-${what.length}`);
    const st = await runCli(['record', d, '--clock', 'source', '--strict', '--max-line-bytes', '1k', '--metrics-interval', '0'], {
      input: Buffer.concat([Buffer.from(`${tick(1)}\n`), n, Buffer.from(`\n${tick(2)}\n`)]),
    });
    assert.is(st.code, 65, st.stderr);
    assert.match(st.stderr, new RegExp(`line 2: .*${what}`));
  }
  assert.is((await runCli(['record', path.join(base, 'x'), '--max-line-bytes', '64MiB'])).code, 2);
});

test('record - a UTF-8 BOM before JSONL is accepted (import too)', async () => {
  const text = `\uFEFF${tick(1)}\n${tick(2)}\n`;
  const r = await runCli(['record', path.join(base, 'bom'), '--clock', 'source', '--json', '--metrics-interval', '0'], { input: text });
  assert.is(r.code, 0, r.stderr);
  assert.is(JSON.parse(r.stdout).rejects, 0);
  const f = path.join(base, 'bom.jsonl');
  fs.writeFileSync(f, text);
  const i = await runCli(['import', f, path.join(base, 'bom-i'), '--json']);
  assert.is(i.code, 0, i.stderr);
  assert.is(JSON.parse(i.stdout).events, 2);
});

test('record - a quoted excerpt that would cut an emoji never makes the reject invalid; nothing after it is lost', async () => {
  // The reason quotes the value; an emoji straddling the quote's cut used to leave a lone surrogate.
  const lines: string[] = [];
  for (let k = 60; k < 90; k++) lines.push(JSON.stringify({ type: 'tick', ts: String(T0 + BigInt(k)), venue: 'X', symbol: 'A', bid: 'x'.repeat(k) + '\u{1F600}'.repeat(20) }));
  lines.push(tick(1000));
  const dir = path.join(base, 'emoji');
  const r = await runCli(['import', '-', dir, '--format', 'jsonl', '--json'], { input: lines.join('\n') + '\n' });
  assert.is(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.is(s.rejects, 30);
  assert.is(s.events, 1);
  for (const e of rejects(readEvents(dir))) assert.ok(String(e.data!.raw).startsWith('{"type":"tick"'));
});

test('record - deep nesting is a reject (no stack overflow), even 200,000 levels; --strict exits 65', async () => {
  assert.is(jsonDepth('{"a":[1,{"b":"[[[["}]}'), 3);
  const deep = '['.repeat(200_000) + ']'.repeat(200_000);
  const dir = path.join(base, 'deep');
  const r = await runCli(['record', dir, '--clock', 'source', '--json', '--metrics-interval', '0'], { input: `${tick(1)}\n${deep}\n${tick(2)}\n` });
  assert.is(r.code, 0, r.stderr);
  assert.equal([JSON.parse(r.stdout).events, JSON.parse(r.stdout).rejects], [2, 1]);
  assert.match(String(rejects(readEvents(dir))[0]!.data!.reason), /nests deeper than 32 levels/);
  const st = await runCli(['record', path.join(base, 'deep-strict'), '--clock', 'source', '--strict', '--metrics-interval', '0'], { input: `${deep}\n` });
  assert.is(st.code, 65, st.stderr);
  const v = await runCli(['import', '-', path.join(base, 'deep-venue'), '--format', 'binance'], { input: `1723161254087891268 ${deep}\n` });
  assert.is(v.code, 65, 'nothing but rejects');
  assert.match(v.stderr, /nests deeper/);
});

test('record - the receive clock says once that it replaces an input ts, and the summary counts it', async () => {
  const order = (i: number) => `{"type":"order","ts":"2024-03-01T14:30:00Z","venue":"X","symbol":"A","orderId":"o${i}","side":"buy","kind":"market","action":"new","qty":1}`;
  const dir = path.join(base, 'recv');
  const r = await runCli(['record', dir, '--metrics-interval', '0'], { input: `${order(1)}\n${order(2)}\n${tick(3)}\n` });
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stderr.match(/note: stdin: line 1: the receive clock replaces the ts this order event brought \(2024-03-01T14:30:00Z\)/g)?.length, 1, r.stderr);
  assert.match(r.stderr, /receive clock: replaced the ts that 2 input events \(not ticks\) brought; --clock source keeps them/);
  const j = await runCli(['record', path.join(base, 'recv-src'), '--clock', 'source', '--json', '--metrics-interval', '0'], { input: `${order(1)}\n` });
  assert.is(JSON.parse(j.stdout).tsReplaced, 0);
  assert.not.match(j.stderr, /receive clock/);
});

test('record - appending to an existing recording is said on stderr', async () => {
  const dir = path.join(base, 'append');
  const first = await runCli(['record', dir, '--metrics-interval', '0'], { input: `${tick(1)}\n` });
  assert.is(first.code, 0, first.stderr);
  assert.not.match(first.stderr, /already holds a recording/);
  const again = await runCli(['record', dir, '--metrics-interval', '0'], { input: `${tick(2)}\n` });
  assert.is(again.code, 0, again.stderr);
  assert.match(again.stderr, /already holds a recording: appending a new session to it/);
  const imp = await runCli(['import', '-', dir, '--format', 'jsonl'], { input: `${tick(3)}\n` });
  assert.match(imp.stderr, /already holds a recording/);
});

test('record - an impossible directory fails at once with 74 (no mkdir loop under /proc)', async () => {
  const file = path.join(base, 'a-file');
  fs.writeFileSync(file, '');
  for (const target of ['/proc/x', path.join(file, 'rec')]) {
    const r = await runCli(['record', target, '--metrics-interval', '0'], { input: `${tick(1)}\n` });
    assert.is(r.code, 74, `${target}: ${r.stderr}`);
    assert.match(r.stderr, /cannot create the recording directory/);
  }
});

test.run();
