/**
 * The run settings a sweep job carries besides its identity: the same names as the backtest
 * runner's options, each present only when set. One rule copies them everywhere a job travels
 * (plan → task, plan → NATS job message → task, task → runner): `jobSettings`.
 */
import type { RiskOptions } from '../backtest/risk.js';
import type { RunnerVenueOptions } from '../backtest/runner.js';

export interface JobSettings {
  venue?: RunnerVenueOptions;
  risk?: RiskOptions;
  from?: bigint;
  to?: bigint;
  /** Rotate output segments at about this many bytes. */
  segmentBytes?: number;
}

const SETTING_KEYS = ['venue', 'risk', 'from', 'to', 'segmentBytes'] as const;

/** The settings of `source` that are set (and nothing else of it). */
export function jobSettings(source: JobSettings): JobSettings {
  const out: Record<string, unknown> = {};
  for (const k of SETTING_KEYS) if (source[k] !== undefined) out[k] = source[k];
  return out as JobSettings;
}
