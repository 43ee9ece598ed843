/**
 * Capture files: raw venue messages, one per line behind the time it was received.
 *   `<ns since epoch> <message>`                      (e.g. hftbacktest's Binance captures)
 *   `<epoch seconds[.fraction]>: <message>`           (e.g. cryptofeed's ws text captures)
 *   `<url> -> <ts>: <body>`                           (cryptofeed: an HTTP response received, e.g.
 *                                                      a REST depth snapshot or exchangeInfo)
 *   `<url> <-> <ts>` / `<url> <- <ts>: <message>`     (connect / sent: not received messages)
 *   `configuration: <json>`                           (cryptofeed's header: what was subscribed)
 * Times are parsed as integers, never through a float, so the ns are exact.
 */
import { ValidationError } from '../errors.js';
import { INT64_MAX } from '../events/schema.js';

export type CaptureLine =
  /** A message received; `url` when it is an HTTP response (the URL that was fetched). */
  | { kind: 'message'; ts: bigint; message: string; url?: string }
  | { kind: 'connect'; ts: bigint; url: string }
  | { kind: 'sent'; ts: bigint; url: string; message: string }
  | { kind: 'configuration'; message: string };

const NS_LINE = /^(\d{1,19}) (.*)$/s;
const SECS_LINE = /^(\d{1,12})(?:\.(\d+))?: (.*)$/s;
const CONNECT_LINE = /^(\S+) <-> (\d{1,12}(?:\.\d+)?)$/;
const SENT_LINE = /^(\S+) <- (\d{1,12}(?:\.\d+)?): (.*)$/s;
const HTTP_LINE = /^(\S+) -> (\d{1,12}(?:\.\d+)?): (.*)$/s;
const CONFIGURATION_LINE = /^configuration: (.*)$/s;

/** "1618677817.0618958" → ns (fractions past 9 digits are truncated: below a ns). */
export function secondsToNs(whole: string, frac: string | undefined): bigint {
  const f = (frac ?? '').slice(0, 9).padEnd(9, '0');
  return BigInt(whole) * 1_000_000_000n + BigInt(f);
}

function splitSecs(s: string): bigint {
  const dot = s.indexOf('.');
  return dot < 0 ? secondsToNs(s, undefined) : secondsToNs(s.slice(0, dot), s.slice(dot + 1));
}

export function parseCaptureLine(text: string, position?: string): CaptureLine {
  let m = NS_LINE.exec(text);
  if (m) {
    const ts = BigInt(m[1]!);
    if (ts > INT64_MAX) throw new ValidationError('(receive time)', 'does not fit int64 nanoseconds', m[1], position);
    return { kind: 'message', ts, message: m[2]! };
  }
  m = SECS_LINE.exec(text);
  if (m) return { kind: 'message', ts: secondsToNs(m[1]!, m[2]), message: m[3]! };
  m = CONNECT_LINE.exec(text);
  if (m) return { kind: 'connect', ts: splitSecs(m[2]!), url: m[1]! };
  m = SENT_LINE.exec(text);
  if (m) return { kind: 'sent', ts: splitSecs(m[2]!), url: m[1]!, message: m[3]! };
  m = HTTP_LINE.exec(text);
  if (m) return { kind: 'message', ts: splitSecs(m[2]!), message: m[3]!, url: m[1]! };
  m = CONFIGURATION_LINE.exec(text);
  if (m) return { kind: 'configuration', message: m[1]! };
  throw new ValidationError(
    '(capture)',
    'is not a capture line (`<ns> <message>`, `<seconds>: <message>`, `<url> -> <ts>: <body>`, `<url> <-> <ts>`, `<url> <- <ts>: <message>` or `configuration: <json>`)',
    text.length > 60 ? `${text.slice(0, 57)}...` : text,
    position,
  );
}
