export { EventBus } from './bus.js';
//# sourceMappingURL=index.js.map