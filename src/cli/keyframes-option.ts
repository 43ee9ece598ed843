/**
 * `record`/`import --keyframes <duration> [--keyframe-events <n>]`: book keyframes written as
 * events are written (spaced as `tapedeck keyframe --every/--every-events` spaces them). The
 * writer is first brought up to the end of what the recording already holds; each keyframe is
 * written only once the log is durable through its seq (the recorder's sync()), so a crash never
 * leaves a keyframe describing records the log lost.
 */
import type { TapeEvent } from '../events/types.js';
import type { Recorder } from '../record/recorder.js';
import { TapedeckError } from '../errors.js';
import { countArg, durationArg } from './args.js';
import type { CliIo } from './io.js';

export interface KeyframesOption {
  onWritten: (ev: TapeEvent, seq: number, recorder: Recorder) => void;
  /** Records already durable (`record --from nats`: the recorder syncs each batch before this). */
  onDurable: (ev: TapeEvent, seq: number) => void;
  /** Waits for the last keyframes; the line to print. */
  finish(): Promise<string>;
}

/**
 * --keyframes and --keyframe-events checked (a usage error, before anything is opened): the
 * spacing, or undefined when no keyframes are asked for.
 */
export function keyframeSpacingArgs(every: string | undefined, events: string | undefined): { everyNs: bigint; everyEvents?: number } | undefined {
  if (every === undefined) {
    if (events !== undefined) throw new TapedeckError('BAD_ARGUMENT', '--keyframe-events goes with --keyframes <duration>', { flag: '--keyframe-events' });
    return undefined;
  }
  const everyNs = durationArg('--keyframes', every);
  return events === undefined ? { everyNs } : { everyNs, everyEvents: countArg('--keyframe-events', events) };
}

export async function keyframesOption(io: CliIo, dir: string, text: string | undefined, eventsText?: string): Promise<KeyframesOption | undefined> {
  const spacing = keyframeSpacingArgs(text, eventsText);
  if (spacing === undefined) return undefined;
  const { catchUpKeyframes } = await import('../book/keyframes.js');
  let recorder: Recorder | null = null;
  const writer = await catchUpKeyframes(dir, {
    ...spacing,
    onWarning: (w) => io.stderr.write(`warning: keyframe ${w.name} ignored: ${w.problem}\n`),
    beforeWrite: () => recorder?.sync() ?? Promise.resolve(),
  });
  const before = writer.written.length;
  return {
    onWritten: (ev, seq, rec) => {
      recorder = rec;
      writer.push(ev, seq);
    },
    onDurable: (ev, seq) => writer.push(ev, seq),
    finish: async () => {
      await writer.flush();
      const r = writer.report(dir);
      const spaced = r.everyEvents > 0 ? `every ${text} or ${r.everyEvents} book events` : `every ${text}`;
      return `keyframes: ${r.written.length - before} written (${spaced}), ${r.total} in ${dir}/keyframes\n`;
    },
  };
}
