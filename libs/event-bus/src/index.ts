export * from './port';
export {
  DLQ_HEADERS,
  deadLetterPart,
  deadLetterRejected,
  type Rejection,
  type RejectionReporter,
  messagePart,
  parseDeadLetter,
  toDeadLetter,
  type DeadLetterInfo,
} from './dead-letter';
export { DEFAULT_RETRY, DEFAULT_MAX_BATCH_SIZE } from './processing';
export { partitionForKey } from './partitioner';
export { MemoryEventBus, createMemoryEventBus, type MemoryEventBusOptions } from './memory.adapter';
export { KafkaEventBus, createKafkaEventBus, type KafkaEventBusOptions } from './kafka.adapter';
export { createEventBus, type EventBusConfig } from './factory';
export { eventBusEnv, eventBusConfigFromEnv, type EventBusEnv } from './env';
