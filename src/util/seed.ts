/**
 * What a seed may be, written once (CLI flags, scenario definitions, runScenario): a safe integer,
 * or up to 100 letters, digits, '.', '_' and '-' that is not '.' or '..'. Seeds name output
 * directories (recordings/<scenario>-<seed>), so a seed can never be a path.
 */
import { TapedeckError } from '../errors.js';

export const SEED_RULE = "an integer or up to 100 letters, digits, '.', '_' or '-' (a seed names a directory, so never a path)";

/** Why `seed` is not a seed, or null. */
export function seedProblem(seed: unknown): string | null {
  if (typeof seed === 'number') return Number.isSafeInteger(seed) ? null : `${seed} is not a safe integer`;
  if (typeof seed !== 'string') return `a ${seed === null ? 'null' : typeof seed} is not a seed`;
  if (!/^[A-Za-z0-9._-]+$/.test(seed) || seed === '.' || seed === '..' || seed.length > 100) return `"${seed}" is not a seed`;
  return null;
}

/** The seed, or BAD_ARGUMENT naming `what` (a flag or a field) and the rule. */
export function checkSeed<T>(seed: T, what: string): T & (number | string) {
  const p = seedProblem(seed);
  if (p !== null) throw new TapedeckError('BAD_ARGUMENT', `${what}: ${p}: use ${SEED_RULE}`, { flag: what, value: String(seed) });
  return seed as T & (number | string);
}
