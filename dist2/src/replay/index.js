/** Replay: recordings merged by ts and published onto an EventBus, paced by an RxJS scheduler. */
export { REPLAY_CHUNK_BYTES, Replayer, ValueObservable } from './replayer.js';
export { realtimeScheduler } from './scheduler.js';
export { EventMerge, MergeSource } from './merge.js';
export { recordingSpan, recordingsSpan } from './span.js';
//# sourceMappingURL=index.js.map