import {
  TOPICS,
  encodeAlert,
  parseAnomalyDetected,
  parseMaintenancePrediction,
} from '@industrialmind/contracts';
import type { EventBus, IncomingMessage, Subscription } from '@industrialmind/event-bus';
import type { Logger } from '@industrialmind/logger';
import type { AlertChange, AlertSignal, RelationalStore } from '@industrialmind/relational-store';
import type { EvaluationContextCache } from '../domain/context-cache';
import { notificationsFor, toAlertMessage } from '../domain/messages';
import { evaluateAnomaly, evaluatePrediction, type RuleDefaults } from '../domain/rules';
import { LogEvents } from '../log-events';
import type { AlertsMetrics } from '../metrics';

export interface SignalsConsumerDeps {
  bus: EventBus;
  store: Pick<RelationalStore, 'recordSignals'>;
  context: EvaluationContextCache;
  logger: Logger;
  metrics: AlertsMetrics;
  channels: readonly string[];
  defaults: RuleDefaults;
  /** Headers for an `alerts` message announcing `change` (opened, escalated). */
  headersFor?: (change: string) => Record<string, string>;
  /** Called after a batch's changes are stored and published (the SSE hub). */
  onChanges?: (changes: AlertChange[]) => void;
}

export interface SignalsConsumerOptions {
  groupId: string;
  anomalyTopic: string;
  predictionsTopic: string;
  alertsTopic: string;
  maxBatchSize: number;
  partitionsConcurrently: number;
}

/**
 * anomaly-detected + maintenance-predictions → deduplicated alerts. Each message is parsed with its contract (an
 * invalid one goes to `<topic>.dlq` with the reason), evaluated against the rules, and the batch's signals are
 * stored in one transaction, counted once each by their natural key. Opened alerts get their notifications in the
 * same transaction (the outbox); opened and escalated alerts are published on `alerts` before the offsets commit.
 * A redelivered batch stores nothing new and publishes nothing new.
 */
export async function startSignalsConsumer(
  deps: SignalsConsumerDeps,
  options: SignalsConsumerOptions,
): Promise<Subscription> {
  const { bus, store, context, logger, metrics } = deps;
  return bus.subscribe(
    {
      topics: [options.anomalyTopic, options.predictionsTopic],
      groupId: options.groupId,
      maxBatchSize: options.maxBatchSize,
      partitionsConcurrently: options.partitionsConcurrently,
      onEvent: (event) => {
        if (event.type === 'blocked' || event.type === 'retry')
          logger.warn(
            { event: LogEvents.storeUnavailable, error: event.error, attempt: event.attempt },
            'batch retried',
          );
      },
    },
    async (batch, ctx) => {
      const { rules, silences } = await context.get();
      const signals: AlertSignal[] = [];
      const reject = (message: IncomingMessage, reason: string) => {
        metrics.messages.inc({ topic: message.topic, result: 'invalid' });
        logger.warn(
          { event: LogEvents.messageDeadLettered, topic: message.topic, offset: message.offset, reason },
          'message dead-lettered',
        );
        ctx.deadLetter(message, reason);
      };
      for (const message of batch) {
        if (message.topic === options.anomalyTopic) {
          const parsed = parseAnomalyDetected(message.value);
          if (!parsed.ok) {
            reject(message, parsed.reason);
            continue;
          }
          const groupKey = await context.lineOf(parsed.value.machine_id);
          const { signal } = evaluateAnomaly(parsed.value, { rules, silences, groupKey });
          metrics.messages.inc({ topic: message.topic, result: signal ? 'signal' : 'ignored' });
          if (signal) signals.push(signal);
        } else {
          const parsed = parseMaintenancePrediction(message.value);
          if (!parsed.ok) {
            reject(message, parsed.reason);
            continue;
          }
          const groupKey = await context.lineOf(parsed.value.machine_id);
          const { signal } = evaluatePrediction(parsed.value, {
            rules,
            silences,
            defaults: deps.defaults,
            groupKey,
          });
          metrics.messages.inc({ topic: message.topic, result: signal ? 'signal' : 'ignored' });
          if (signal) signals.push(signal);
        }
      }
      if (signals.length === 0) return;
      const changes = await store.recordSignals(signals, {
        notificationsFor: (alert) => notificationsFor(alert, deps.channels, 'opened'),
      });
      const announce = changes.filter((c) => c.opened || c.escalated);
      if (announce.length > 0)
        await bus.publish(
          options.alertsTopic,
          announce.map((c) => ({
            key: c.alert.machineId,
            value: encodeAlert(toAlertMessage(c.alert)),
            ...(deps.headersFor ? { headers: deps.headersFor(c.opened ? 'opened' : 'escalated') } : {}),
          })),
        );
      for (const c of changes) {
        if (c.opened) metrics.opened.inc({ severity: c.alert.severity });
        metrics.grouped.inc(c.newSignals);
      }
      deps.onChanges?.(changes);
    },
  );
}

export const DEFAULT_TOPICS = {
  anomaly: TOPICS.ANOMALY_DETECTED,
  predictions: TOPICS.MAINTENANCE_PREDICTIONS,
  alerts: TOPICS.ALERTS,
};
