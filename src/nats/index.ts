/** tapedeck over NATS: replay fan-out, the replay service and its client, recording from JetStream. */
export * from './wire.js';
export { ContinuityTracker, type Continuity } from './continuity.js';
export { FlowPublisher, type FlowPublisherOptions, type OutMessage, type PublisherStats } from './publisher.js';
export { NatsFanout, newOrigin, replayToNats, type FanoutSummary, type NatsFanoutOptions, type ReplayToNatsOptions } from './fanout.js';
