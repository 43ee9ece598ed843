/** Replay: recordings merged by ts and published onto an EventBus, paced by an RxJS scheduler. */
export { REPLAY_CHUNK_BYTES, Replayer, ValueObservable } from './replayer.js';
export { realtimeScheduler } from './scheduler.js';
export type { LagSummary, ReplayerOptions, ReplayProgress, ReplaySpeed, ReplayStartOptions, ReplayState } from './replayer.js';
export { EventMerge, MergeSource } from './merge.js';
export { recordingSpan, recordingsSpan, type TimeSpan } from './span.js';
