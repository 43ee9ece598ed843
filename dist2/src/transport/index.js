export * from './nats-url.js';
export * from './nats-connect.js';
//# sourceMappingURL=index.js.map