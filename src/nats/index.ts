/** tapedeck over NATS: replay fan-out, the replay service and its client, recording from JetStream. */
export * from './wire.js';
export { ContinuityTracker, type Continuity } from './continuity.js';
export { FlowPublisher, type FlowPublisherOptions, type OutMessage, type PublisherStats } from './publisher.js';
export { NatsFanout, newOrigin, replayToNats, type FanoutSummary, type NatsFanoutOptions, type ReplayToNatsOptions } from './fanout.js';
export { recordFromJetStream, defaultConsumerName, type JetStreamRecordOptions, type JetStreamRecordSummary } from './jetstream-recorder.js';
export { CURSOR_NAME, readCursor, type NatsCursor } from './cursor.js';
export { ReplayService, servedRecordings, type ReplayServiceOptions, type ReplaySessionSummary, type ServedRecording } from './service.js';
export { replayFrom, listServed, toObservable, type ReplayFromOptions, type ReplayStream } from './client.js';
export { parseReplayRequest, replayRequest, serviceSubjects, type ReplayRequest, type ReplaySelection, type EndReason } from './service-protocol.js';
