/** Replay: recordings merged by ts and published onto an EventBus, paced by an RxJS scheduler. */
export { REPLAY_CHUNK_BYTES, Replayer, ValueObservable } from './replayer.js';
export { realtimeScheduler } from './scheduler.js';
export type { LagSummary, ReplayerOptions, ReplayProgress, ReplaySpeed, ReplayStartOptions, ReplayState } from './replayer.js';
export { EventMerge, MergeSource } from './merge.js';
export { recordingSpan, recordingsSpan, type TimeSpan } from './span.js';
export type { EmittingFeed, FeedItem, FeedSource, ReplayFeed } from './feed.js';
export { LineFeed, type LineFeedOptions } from './line-feed.js';
export { LocalLineProducer, LineSource, workerLineProducer, type LineFormat, type LineProducer, type LineProducerFactory, type ProducerMessage } from './line-producer.js';
export type { LineBatch } from './line-batch.js';
export { BatchListProducer, rehearse, type RehearsalOptions } from './rehearsal.js';
export { shareLines, SharedLineCursor, type JsonLineSource, type SharedLineOptions } from './line-share.js';
