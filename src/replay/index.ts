/** Replay: recordings merged by ts and published onto an EventBus, paced by an RxJS scheduler. */
export { Replayer, ValueObservable } from './replayer.js';
export type { LagSummary, ReplayerOptions, ReplayProgress, ReplaySpeed, ReplayStartOptions, ReplayState } from './replayer.js';
export { EventMerge, MergeSource } from './merge.js';
export { recordingSpan, recordingsSpan, type TimeSpan } from './span.js';
