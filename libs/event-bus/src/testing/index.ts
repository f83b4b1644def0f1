export { describeEventBusContract, type EventBusHarness } from './event-bus.contract';
export { installTestTracing } from './tracing';
export { requireKafka, testKafkaBrokers } from './kafka';
