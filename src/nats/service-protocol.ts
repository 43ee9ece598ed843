/**
 * The replay service's protocol (pure: subjects, messages, validation). JSON over NATS
 * request/reply; the events themselves travel as wire.ts event messages.
 *
 *   <prefix>.svc.list              request {}            reply { ok, recordings: [{ name, events, firstTs, lastTs }] }
 *   <prefix>.svc.replay            request ReplayRequest reply { ok, id } | { ok: false, code, error }
 *   <deliverTo>                    the events (origin = id, origin seq 0, 1, …), then one end marker
 *                                  (subject <deliverTo>, header Tapedeck-End: end | cancelled | error | timeout)
 *   <prefix>.svc.ack.<id>          client → service: { originSeq } — every event up to it has arrived
 *   <prefix>.svc.cancel.<id>       client → service: stop; the end marker follows with reason cancelled
 *
 * Flow control is by credit: the service has at most `windowEvents` events unacknowledged per
 * request and holds that replay until the client acknowledges, so a slow client slows its own
 * replay and nobody's memory grows. A client silent for `idleTimeoutMs` while the service waits is
 * gone: its replay ends with reason timeout.
 */
import { TapedeckError } from '../errors.js';
import { parseTs } from '../events/ts.js';
import { EVENT_TYPES, type EventType } from '../events/types.js';

export const SERVICE_PREFIX_DEFAULT = 'tapedeck';
export const WINDOW_EVENTS_DEFAULT = 1000;
export const END_HEADER = 'Tapedeck-End';
export const ERROR_HEADER = 'Tapedeck-Error';

export type EndReason = 'end' | 'cancelled' | 'error' | 'timeout';

export const serviceSubjects = (prefix: string) => ({
  list: `${prefix}.svc.list`,
  replay: `${prefix}.svc.replay`,
  ack: (id: string) => `${prefix}.svc.ack.${id}`,
  cancel: (id: string) => `${prefix}.svc.cancel.${id}`,
  ackAll: `${prefix}.svc.ack.*`,
  cancelAll: `${prefix}.svc.cancel.*`,
});

/** What a replay asks for: the recording, a seq or ts range, filters and a speed (ts as ns). */
export interface ReplaySelection {
  recording: string;
  /** Inclusive seq range of the recording. */
  fromSeq?: number;
  toSeq?: number;
  /** Inclusive ts range, ns. */
  fromTs?: bigint;
  toTs?: bigint;
  types?: EventType[];
  symbols?: string[];
  venues?: string[];
  runId?: string;
  /** A multiplier, or 'max' (default). */
  speed?: number | 'max';
}

/**
 * A replay request as JSON: the selection with ts as decimal ns strings (or, from other clients,
 * ISO-8601 UTC), where the events go, and the credit window.
 */
export interface ReplayRequest extends Omit<ReplaySelection, 'fromTs' | 'toTs'> {
  fromTs?: string;
  toTs?: string;
  /** The subject the events go to (the client's inbox). */
  deliverTo: string;
  /** Unacknowledged events at most (default 1000). */
  windowEvents?: number;
}

/** A checked request, as the service uses it. */
export interface ParsedReplayRequest extends ReplaySelection {
  speed: number | 'max';
  deliverTo: string;
  windowEvents: number;
}

/** The request a client sends for `selection` (the inverse of parseReplayRequest). */
export function replayRequest(selection: ReplaySelection, deliverTo: string, windowEvents: number): ReplayRequest {
  return {
    recording: selection.recording,
    fromSeq: selection.fromSeq,
    toSeq: selection.toSeq,
    fromTs: selection.fromTs?.toString(),
    toTs: selection.toTs?.toString(),
    types: selection.types,
    symbols: selection.symbols,
    venues: selection.venues,
    runId: selection.runId,
    speed: selection.speed ?? 'max',
    deliverTo,
    windowEvents,
  };
}

function bad(message: string, field: string): TapedeckError {
  return new TapedeckError('BAD_ARGUMENT', `replay request: ${message}`, { field });
}

function strings(v: unknown, field: string): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && x.length > 0)) throw bad(`${field} must be an array of names`, field);
  return v as string[];
}

function seqOf(v: unknown, field: string): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isSafeInteger(v) || (v as number) < 0) throw bad(`${field} must be a whole number ≥ 0`, field);
  return v as number;
}

/** Checks a request (JSON text); throws BAD_ARGUMENT naming the field. */
export function parseReplayRequest(text: string, windowEventsMax: number): ParsedReplayRequest {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw bad('not valid JSON', '(json)');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad('must be a JSON object', '(request)');
  const r = v as Record<string, unknown>;
  if (typeof r.recording !== 'string' || r.recording.length === 0) throw bad('recording must name a served recording', 'recording');
  if (typeof r.deliverTo !== 'string' || !/^[^\s*>]+$/.test(r.deliverTo)) throw bad('deliverTo must be a subject without wildcards', 'deliverTo');
  const speed = r.speed === undefined || r.speed === 'max' ? 'max' : r.speed;
  if (speed !== 'max' && !(typeof speed === 'number' && speed > 0 && Number.isFinite(speed))) throw bad("speed must be a number > 0 or 'max'", 'speed');
  const windowEvents = r.windowEvents === undefined ? Math.min(WINDOW_EVENTS_DEFAULT, windowEventsMax) : r.windowEvents;
  if (!Number.isSafeInteger(windowEvents) || (windowEvents as number) < 1 || (windowEvents as number) > windowEventsMax) {
    throw bad(`windowEvents must be a whole number from 1 to ${windowEventsMax}`, 'windowEvents');
  }
  const types = strings(r.types, 'types');
  for (const t of types ?? []) if (!EVENT_TYPES.includes(t as EventType)) throw bad(`unknown event type "${t}"`, 'types');
  const ts = (x: unknown, field: string): bigint | undefined => {
    if (x === undefined) return undefined;
    try {
      return parseTs(x, field);
    } catch (e) {
      throw bad((e as Error).message, field);
    }
  };
  const out: ParsedReplayRequest = {
    recording: r.recording,
    fromSeq: seqOf(r.fromSeq, 'fromSeq'),
    toSeq: seqOf(r.toSeq, 'toSeq'),
    fromTs: ts(r.fromTs, 'fromTs'),
    toTs: ts(r.toTs, 'toTs'),
    types: types as EventType[] | undefined,
    symbols: strings(r.symbols, 'symbols'),
    venues: strings(r.venues, 'venues'),
    runId: typeof r.runId === 'string' ? r.runId : undefined,
    speed: speed as number | 'max',
    deliverTo: r.deliverTo,
    windowEvents: windowEvents as number,
  };
  if (out.fromSeq !== undefined && out.toSeq !== undefined && out.fromSeq > out.toSeq) throw bad('fromSeq is after toSeq', 'fromSeq');
  if (out.fromTs !== undefined && out.toTs !== undefined && out.fromTs > out.toTs) throw bad('fromTs is after toTs', 'fromTs');
  return out;
}

export interface ReplayReply {
  ok: boolean;
  id?: string;
  code?: string;
  error?: string;
}

export interface ListReply {
  ok: boolean;
  recordings: { name: string; events: number; firstTs: string | null; lastTs: string | null }[];
}
