export * from './nats-url.js';
export * from './nats-connect.js';
