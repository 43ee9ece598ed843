/**
 * One line of JSON input, parsed with a nesting limit checked first, without recursion: a line like
 * 200,000 nested `[` parses fine in V8, but every recursive step after it (JSON.stringify, String(),
 * an error message quoting the value) overflows the stack. Events nest two levels deep and venue
 * messages a few more, so anything deeper than MAX_JSON_DEPTH is bad input, stored as a reject.
 */
import { ValidationError } from '../errors.js';

export const MAX_JSON_DEPTH = 32;

/** The deepest nesting of arrays/objects in JSON text, counted in one pass (strings skipped);
 * stops counting once past `max`. */
export function jsonDepth(text: string, max = MAX_JSON_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > max) return deepest;
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/**
 * Whether the text holds more than `max` of `[` and `{` in all (strings included): nesting can be
 * no deeper than that count, so the exact pass runs only for the rare line over it. indexOf runs
 * natively, many times faster than a JS loop over every character.
 */
function openersExceed(text: string, max: number): boolean {
  let n = 0;
  for (let i = text.indexOf('{'); i >= 0; i = text.indexOf('{', i + 1)) if (++n > max) return true;
  for (let i = text.indexOf('['); i >= 0; i = text.indexOf('[', i + 1)) if (++n > max) return true;
  return false;
}

/** JSON.parse of one input line; invalid or too deeply nested JSON is a ValidationError. The
 * error quotes at most the start of the text (never the parsed value, which may be deep). */
export function parseJsonLine(text: string, position?: string): unknown {
  if (openersExceed(text, MAX_JSON_DEPTH) && jsonDepth(text) > MAX_JSON_DEPTH) {
    throw new ValidationError('(json)', `nests deeper than ${MAX_JSON_DEPTH} levels`, text.slice(0, 40), position);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ValidationError('(json)', `is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, text.length > 200 ? `${text.slice(0, 200)}…` : text, position);
  }
}
