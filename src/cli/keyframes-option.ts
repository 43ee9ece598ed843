/**
 * `record`/`import --keyframes <duration>`: book keyframes written as events are written. The
 * writer is first brought up to the end of what the recording already holds; each keyframe is
 * written only once the log is durable through its seq (the recorder's sync()), so a crash never
 * leaves a keyframe describing records the log lost.
 */
import type { TapeEvent } from '../events/types.js';
import type { Recorder } from '../record/recorder.js';
import { durationArg } from './args.js';
import type { CliIo } from './io.js';

export interface KeyframesOption {
  onWritten: (ev: TapeEvent, seq: number, recorder: Recorder) => void;
  /** Records already durable (`record --from nats`: the recorder syncs each batch before this). */
  onDurable: (ev: TapeEvent, seq: number) => void;
  /** Waits for the last keyframes; the line to print. */
  finish(): Promise<string>;
}

export async function keyframesOption(io: CliIo, dir: string, text: string | undefined): Promise<KeyframesOption | undefined> {
  if (text === undefined) return undefined;
  const everyNs = durationArg('--keyframes', text);
  const { catchUpKeyframes } = await import('../book/keyframes.js');
  let recorder: Recorder | null = null;
  const writer = await catchUpKeyframes(dir, {
    everyNs,
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
      return `keyframes: ${r.written.length - before} written (every ${text}), ${r.total} in ${dir}/keyframes\n`;
    },
  };
}
