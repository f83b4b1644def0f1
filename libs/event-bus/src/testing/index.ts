export { describeEventBusContract, type EventBusHarness } from './event-bus.contract';
export { installTestTracing } from './tracing';
