export { EventBus, type BusError, type BusFilter, type EventBusOptions } from './bus.js';
