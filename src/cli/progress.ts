/**
 * A one-line progress bar for long CLI jobs: bytes (of a known total, with % and ETA), events and
 * events per second. Draws only on a TTY, and never with --json: piped output stays clean.
 */
import { performance } from 'node:perf_hooks';
import type { Writable } from 'node:stream';

export interface ProgressOptions {
  /** What is being done, shown first (e.g. "import"). */
  label?: string;
  /** Total bytes, when known (files); enables % and ETA. */
  totalBytes?: number;
  /** Default process.stderr. */
  stream?: Writable & { isTTY?: boolean; columns?: number };
  /** Force on/off; default: on when the stream is a TTY. */
  enabled?: boolean;
  /** Minimum ms between redraws (default 100). */
  intervalMs?: number;
}

export interface ProgressState {
  bytes: number;
  events: number;
  totalBytes?: number;
}

export interface Progress {
  readonly enabled: boolean;
  update(s: ProgressState): void;
  /** Clears the bar (call before printing a summary). */
  done(): void;
}

const NOOP: Progress = { enabled: false, update() {}, done() {} };

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

/**
 * A count with en-US thousands separators (1,234,567), what toLocaleString('en-US') writes for an
 * integer, without its first call's ICU set-up (15-30 ms of a CLI run that prints one summary).
 */
export function formatCount(n: number): string {
  if (!(Math.abs(n) < 1e21)) return Math.round(n).toLocaleString('en-US'); // exponent form, NaN, ∞
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function formatDuration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  if (s < 60) return `${Math.ceil(s)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** The bar's text for a state, `elapsedS` seconds in (pure: easy to test). */
export function renderProgress(label: string, s: ProgressState, elapsedS: number, width: number): string {
  const rate = elapsedS > 0 ? s.events / elapsedS : 0;
  const parts: string[] = [label];
  if (s.totalBytes && s.totalBytes > 0) {
    const frac = Math.min(1, s.bytes / s.totalBytes);
    const barW = Math.max(10, Math.min(30, width - 70));
    const filled = Math.round(frac * barW);
    parts.push(`[${'#'.repeat(filled)}${'.'.repeat(barW - filled)}] ${(frac * 100).toFixed(0).padStart(3)}%`);
    parts.push(`${formatBytes(s.bytes)}/${formatBytes(s.totalBytes)}`);
    const bytesRate = elapsedS > 0 ? s.bytes / elapsedS : 0;
    parts.push(`${formatCount(s.events)} ev`, `${formatCount(rate)} ev/s`);
    parts.push(`ETA ${bytesRate > 0 ? formatDuration((s.totalBytes - s.bytes) / bytesRate) : '?'}`);
  } else {
    parts.push(formatBytes(s.bytes), `${formatCount(s.events)} ev`, `${formatCount(rate)} ev/s`);
  }
  const line = parts.join('  ');
  return line.length > width ? line.slice(0, width) : line;
}

export function createProgress(opts: ProgressOptions & { json?: boolean } = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  const enabled = opts.enabled ?? (!opts.json && stream.isTTY === true);
  if (!enabled) return NOOP;
  const label = opts.label ?? '';
  const interval = opts.intervalMs ?? 100;
  const t0 = performance.now();
  let lastDraw = -Infinity;
  let drawn = false;
  return {
    enabled: true,
    update(s) {
      const now = performance.now();
      if (now - lastDraw < interval) return;
      lastDraw = now;
      const state = { ...s, totalBytes: s.totalBytes ?? opts.totalBytes };
      const width = (stream.columns || 100) - 1;
      stream.write(`\r${renderProgress(label, state, (now - t0) / 1000, width)}\x1b[K`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}
