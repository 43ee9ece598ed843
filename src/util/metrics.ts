/**
 * Counters and HDR histograms, readable at any time and printable as a short report. Used by the
 * log, the recorder and the replayer (each owns its own Metrics).
 */
import { createRequire } from 'node:module';
import type * as Hdr from 'hdr-histogram-js';

/**
 * hdr-histogram-js, loaded on the first histogram: loading it adds ~15 MiB to a process's RSS
 * (measured 39 → 55 MiB for `node` alone), which readers and max-speed replays that record no
 * histogram should not pay (the peak-RSS goal of issue 16 is < 100 MB).
 */
let hdrModule: typeof Hdr | null = null;
function hdr(): typeof Hdr {
  return (hdrModule ??= createRequire(import.meta.url)('hdr-histogram-js') as typeof Hdr);
}

export interface HistogramSummary {
  count: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export type Histogram = Hdr.Histogram;

type HistogramClass = new (lowestDiscernibleValue: number, highestTrackableValue: number, numberOfSignificantValueDigits: number) => Histogram;
let int32Histogram: HistogramClass | null = null;

/**
 * A histogram of non-negative integer values (nanoseconds, say) from 1 up to one hour in ns: what
 * hdr().build({ lowestDiscernibleValue: 1, highestTrackableValue: 3.6e12,
 * numberOfSignificantValueDigits: 3 }) makes (its default 32-bit buckets, autoResize on), made
 * from the class's own module (the version is pinned): the package's index also compiles its
 * WebAssembly build and the log readers and writers, ~64 ms of CPU against ~10 ms for the class
 * alone (fresh processes), which every Log.open paid inside a timed append or an import. The
 * full package still loads for encoding and decoding histograms.
 */
export function newHistogram(): Histogram {
  const C = (int32Histogram ??= (createRequire(import.meta.url)('hdr-histogram-js/dist/Int32Histogram.js') as { default: HistogramClass }).default);
  const h = new C(1, 3_600_000_000_000, 3);
  h.autoResize = true;
  return h;
}

/**
 * A percentile of `h`, never above its largest recorded value. HDR answers with the highest value
 * equivalent to the percentile's bucket (up to 0.1% above what was recorded at 3 significant
 * digits), so a raw p99 can print above the exact max ("p99 969.7µs max 969.5µs").
 */
export function percentile(h: Histogram, p: number): number {
  return Math.min(h.getValueAtPercentile(p), h.maxValue);
}

export function summarize(h: Histogram): HistogramSummary {
  if (h.totalCount === 0) return { count: 0, p50: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  return {
    count: h.totalCount,
    p50: percentile(h, 50),
    p99: percentile(h, 99),
    p999: percentile(h, 99.9),
    max: h.maxValue,
    mean: h.mean,
  };
}

export class Metrics {
  readonly counters: Record<string, number> = {};
  readonly histograms: Record<string, Histogram> = {};

  constructor(counterNames: readonly string[] = [], histogramNames: readonly string[] = []) {
    for (const c of counterNames) this.counters[c] = 0;
    for (const h of histogramNames) this.histograms[h] = newHistogram();
  }

  inc(name: string, by = 1): void {
    this.counters[name] = (this.counters[name] ?? 0) + by;
  }

  /** The histogram of that name, made empty on first use. */
  histogram(name: string): Histogram {
    return (this.histograms[name] ??= newHistogram());
  }

  /** Records a value (clamped to the histogram's range: a lag is never negative). */
  record(name: string, value: number): void {
    const h = this.histogram(name);
    h.recordValue(Math.min(Math.max(1, Math.round(value)), 3_600_000_000_000));
  }

  snapshot(): { counters: Record<string, number>; histograms: Record<string, HistogramSummary> } {
    const histograms: Record<string, HistogramSummary> = {};
    for (const [k, h] of Object.entries(this.histograms)) histograms[k] = summarize(h);
    return { counters: { ...this.counters }, histograms };
  }

  /** Encodes a histogram so another process can read it (HdrHistogram's compressed base64 form). */
  encodeHistogram(name: string): string {
    const h = this.histograms[name];
    return h ? hdr().encodeIntoCompressedBase64(h) : '';
  }

  /** A short human report; histogram values are taken to be nanoseconds. */
  report(): string {
    const lines: string[] = [];
    for (const [k, v] of Object.entries(this.counters)) lines.push(`${k.padEnd(22)} ${v}`);
    for (const [k, h] of Object.entries(this.histograms)) {
      const s = summarize(h);
      lines.push(`${k.padEnd(22)} n=${s.count} p50=${fmtNs(s.p50)} p99=${fmtNs(s.p99)} p99.9=${fmtNs(s.p999)} max=${fmtNs(s.max)}`);
    }
    return lines.join('\n');
  }
}

export function decodeHistogram(base64: string): Histogram {
  return hdr().decodeFromCompressedBase64(base64);
}

export function fmtNs(ns: number): string {
  if (ns < 1_000) return `${ns}ns`;
  if (ns < 1_000_000) return `${(ns / 1_000).toFixed(1)}µs`;
  if (ns < 1_000_000_000) return `${(ns / 1_000_000).toFixed(2)}ms`;
  return `${(ns / 1_000_000_000).toFixed(2)}s`;
}
