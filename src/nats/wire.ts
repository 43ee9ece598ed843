/**
 * How tapedeck events travel over NATS (pure: no I/O). One event is one message:
 *
 *   subject   <prefix>.<venue>.<symbol>.<type>     e.g. tapedeck.XNAS.AAPL.tick
 *   payload   the event's canonical MessagePack payload (docs/EVENTS.md §3), byte for byte as stored
 *   headers   Tapedeck-Tag      type tag (1..6)
 *             Tapedeck-Ts       ts, decimal ns
 *             Tapedeck-Seq      the event's seq in its source recording
 *             Tapedeck-Source   the source recording (as given to the publisher)
 *             Tapedeck-Run      the event's runId
 *             Tapedeck-Origin   id of the publishing run (one replay, one service stream)
 *             Tapedeck-Origin-Seq  0, 1, 2, … per origin: continuity, so a receiver finds gaps and duplicates
 *             Nats-Msg-Id       <origin>:<origin seq>, so a JetStream stream drops a resent duplicate
 *
 * Subject tokens are made safe for NATS: [A-Za-z0-9-] is kept, every other byte of the UTF-8 name
 * (including `.`, `*`, `>`, spaces and `_`) is written `_XX` (hex), and an absent venue or symbol
 * (signals have no venue, system events neither) is the token `_`. So `BRK.B` is `BRK_2EB`, and a
 * decoded token gives back the exact name.
 *
 * Control messages share the prefix: `<prefix>._ctl.end` marks the end of a replay (headers: origin,
 * the number of events, the last origin seq).
 */
import { TapedeckError } from '../errors.js';
import { TAG_TYPE, TYPE_TAG, type TapeEvent } from '../events/types.js';

export const HEADER = {
  tag: 'Tapedeck-Tag',
  ts: 'Tapedeck-Ts',
  seq: 'Tapedeck-Seq',
  source: 'Tapedeck-Source',
  run: 'Tapedeck-Run',
  origin: 'Tapedeck-Origin',
  originSeq: 'Tapedeck-Origin-Seq',
  count: 'Tapedeck-Count',
  reason: 'Tapedeck-Reason',
  msgId: 'Nats-Msg-Id',
} as const;

export const SUBJECT_PREFIX_DEFAULT = 'tapedeck';
export const CONTROL_TOKEN = '_ctl';
const ABSENT = '_';

/** A name as one NATS subject token (reversible). */
export function subjectToken(name: string | undefined): string {
  if (name === undefined) return ABSENT;
  if (name.length > 0 && /^[A-Za-z0-9-]+$/.test(name)) return name;
  let out = '';
  for (const byte of Buffer.from(name, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9-]/.test(c) ? c : `_${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out || ABSENT;
}

/** The name a token stands for (undefined for the absent token). */
export function tokenName(token: string): string | undefined {
  if (token === ABSENT) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < token.length; i++) {
    if (token[i] === '_') {
      const hex = token.slice(i + 1, i + 3);
      if (!/^[0-9A-F]{2}$/.test(hex)) throw new TapedeckError('BAD_INPUT', `subject token "${token}" has a bad escape at ${i}`);
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(token.charCodeAt(i));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The subject an event is published on. */
export function eventSubject(prefix: string, ev: TapeEvent): string {
  const venue = 'venue' in ev ? ev.venue : undefined;
  const symbol = 'symbol' in ev ? ev.symbol : undefined;
  return `${prefix}.${subjectToken(venue)}.${subjectToken(symbol)}.${ev.type}`;
}

/**
 * A subscription pattern for filters: `<prefix>.<venue|*>.<symbol|*>.<type|*>`; with several
 * values for one position the caller subscribes once per combination (see subjectPatterns).
 */
export function subjectPatterns(prefix: string, f: { venues?: readonly string[]; symbols?: readonly string[]; types?: readonly string[] } = {}): string[] {
  const venues = f.venues && f.venues.length > 0 ? f.venues.map(subjectToken) : ['*'];
  const symbols = f.symbols && f.symbols.length > 0 ? f.symbols.map(subjectToken) : ['*'];
  const types = f.types && f.types.length > 0 ? [...f.types] : ['*'];
  const out: string[] = [];
  for (const v of venues) for (const s of symbols) for (const t of types) out.push(`${prefix}.${v}.${s}.${t}`);
  return out;
}

export function controlSubject(prefix: string, kind: 'end'): string {
  return `${prefix}.${CONTROL_TOKEN}.${kind}`;
}

export function isControlSubject(subject: string): boolean {
  return subject.split('.').at(-2) === CONTROL_TOKEN;
}

/** Header values of one event message. */
export interface EventHeaders {
  tag: number;
  tsNs: bigint;
  seq: number;
  source: string;
  runId: string;
  origin: string;
  originSeq: number;
}

export function eventHeaderEntries(h: EventHeaders): [string, string][] {
  return [
    [HEADER.tag, String(h.tag)],
    [HEADER.ts, h.tsNs.toString()],
    [HEADER.seq, String(h.seq)],
    [HEADER.source, h.source],
    [HEADER.run, h.runId],
    [HEADER.origin, h.origin],
    [HEADER.originSeq, String(h.originSeq)],
    [HEADER.msgId, `${h.origin}:${h.originSeq}`],
  ];
}

/** A received event message, checked: the tag is known and the headers are whole numbers. */
export interface WireEvent extends EventHeaders {
  payload: Uint8Array;
}

type Get = (name: string) => string | undefined;

function wholeNumber(get: Get, name: string, where: string): number {
  const text = get(name);
  if (text === undefined || !/^\d{1,15}$/.test(text)) throw new TapedeckError('BAD_INPUT', `${where}: header ${name} must be a whole number (got ${JSON.stringify(text)})`, { field: name });
  return Number(text);
}

/** Reads an event message; throws BAD_INPUT naming the subject and header when it is not one. */
export function readEventMessage(subject: string, get: Get, payload: Uint8Array): WireEvent {
  const where = `message on ${subject}`;
  const tag = wholeNumber(get, HEADER.tag, where);
  if (!TAG_TYPE.has(tag)) throw new TapedeckError('BAD_INPUT', `${where}: unknown event type tag ${tag}`, { field: HEADER.tag });
  const tsText = get(HEADER.ts);
  if (tsText === undefined || !/^\d{1,19}$/.test(tsText)) throw new TapedeckError('BAD_INPUT', `${where}: header ${HEADER.ts} must be ns since the epoch (got ${JSON.stringify(tsText)})`, { field: HEADER.ts });
  const origin = get(HEADER.origin);
  if (!origin) throw new TapedeckError('BAD_INPUT', `${where}: header ${HEADER.origin} is missing`, { field: HEADER.origin });
  return {
    tag,
    tsNs: BigInt(tsText),
    seq: wholeNumber(get, HEADER.seq, where),
    source: get(HEADER.source) ?? '',
    runId: get(HEADER.run) ?? '',
    origin,
    originSeq: wholeNumber(get, HEADER.originSeq, where),
    payload,
  };
}

/** The type name of a tag (for messages and subjects). */
export function typeOfTag(tag: number): string {
  return TAG_TYPE.get(tag) ?? `tag ${tag}`;
}

export { TYPE_TAG };
