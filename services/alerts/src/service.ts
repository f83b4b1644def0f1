import { randomUUID } from 'node:crypto';
import { encodeAlert, parseAlert } from '@industrialmind/contracts';
import type { EventBus, Subscription } from '@industrialmind/event-bus';
import { createHttpApp, createMetricsRegistry, type IdentifyFn } from '@industrialmind/http';
import type { Logger } from '@industrialmind/logger';
import type { Alert, RelationalStore } from '@industrialmind/relational-store';
import type { Express } from 'express';
import type { Registry } from 'prom-client';
import { DEFAULT_TOPICS, startSignalsConsumer } from './consumers/signals.consumer';
import { EvaluationContextCache } from './domain/context-cache';
import { toAlertMessage } from './domain/messages';
import { AlertHub } from './http/alert-hub';
import { alertsRouter, rulesRouter, silencesRouter } from './http/routes';
import { createAlertsMetrics } from './metrics';
import { NotificationDispatcher, type DispatcherOptions } from './notifier/dispatcher';
import type { Sender } from './notifier/senders';
import { ReminderScheduler } from './reminders';

/** Headers of every `alerts` message: what changed, and which instance changed it. */
export const CHANGE_HEADER = 'x-alert-change';
export const INSTANCE_HEADER = 'x-alerts-instance';

export interface AlertsSettings {
  groupId: string;
  topics?: { anomaly: string; predictions: string; alerts: string };
  topicPartitions: number;
  maxBatchSize: number;
  partitionsConcurrently: number;
  rulesTtlMs: number;
  rulHorizon: number;
  dispatcher: DispatcherOptions;
  /** 0 turns reminders off. */
  reminderIntervalMs: number;
  reminderPollMs: number;
  /** Consume (false: only serve the API and send notifications, e.g. a second replica for the outbox). */
  consume?: boolean;
  /** Send notifications from this process. */
  dispatch?: boolean;
}

export interface AlertsService {
  app: Express;
  registry: Registry;
  hub: AlertHub;
  dispatcher: NotificationDispatcher;
  reminders: ReminderScheduler;
  start(): Promise<void>;
  stop(): Promise<void>;
  isReady(): boolean;
}

/** Builds the alerts service from its ports; used by main.ts and the lite profile. */
export function createService(deps: {
  settings: AlertsSettings;
  logger: Logger;
  ports: { bus: EventBus; store: RelationalStore };
  senders: Record<string, Sender>;
  registry?: Registry;
  identify?: IdentifyFn;
}): AlertsService {
  const { settings, logger, ports } = deps;
  const topics = settings.topics ?? DEFAULT_TOPICS;
  const registry = deps.registry ?? createMetricsRegistry({ defaultLabels: { service: 'alerts' } });
  const metrics = createAlertsMetrics(registry);
  const hub = new AlertHub();
  const context = new EvaluationContextCache(ports.store, settings.rulesTtlMs);
  const channels = Object.keys(deps.senders);
  let ready = false;
  let subscription: Subscription | null = null;
  let relay: Subscription | null = null;
  // Marks this instance's messages on `alerts`, so its SSE relay skips what its hub already streamed.
  const instanceId = randomUUID();
  const headers = (change: string) => ({ [CHANGE_HEADER]: change, [INSTANCE_HEADER]: instanceId });

  const announce = async (alert: Alert, change: string) => {
    hub.publish(alert, change);
    await ports.bus.publish(topics.alerts, [
      { key: alert.machineId, value: encodeAlert(toAlertMessage(alert)), headers: headers(change) },
    ]);
  };
  const dispatcher = new NotificationDispatcher(
    {
      store: ports.store,
      senders: deps.senders,
      logger: logger.child({ component: 'notifier' }),
      onSent: (channel, delayMs) => metrics.notificationDelay.observe({ channel }, delayMs / 1000),
    },
    settings.dispatcher,
  );
  const reminders = new ReminderScheduler(
    {
      store: ports.store,
      channels,
      logger: logger.child({ component: 'reminders' }),
      onChange: (alert) => hub.publish(alert, 'reminded'),
    },
    { intervalMs: settings.reminderIntervalMs, pollMs: settings.reminderPollMs },
  );
  const app = createHttpApp({
    logger,
    registry,
    readiness: () => ready,
    ...(deps.identify ? { identify: deps.identify } : {}),
    routes: (a) => {
      a.use(
        '/alerts',
        alertsRouter({ store: ports.store, hub, announce, onRulesChanged: () => context.invalidate() }),
      );
      a.use('/rules', rulesRouter({ store: ports.store, onRulesChanged: () => context.invalidate() }));
      a.use('/silences', silencesRouter({ store: ports.store, onRulesChanged: () => context.invalidate() }));
    },
  });

  return {
    app,
    registry,
    hub,
    dispatcher,
    reminders,
    isReady: () => ready,
    async start() {
      await ports.store.connect();
      await ports.bus.connect();
      await ports.bus.ensureTopics([
        { topic: topics.anomaly, partitions: settings.topicPartitions },
        { topic: topics.predictions, partitions: settings.topicPartitions },
        { topic: topics.alerts, partitions: settings.topicPartitions },
      ]);
      if (settings.consume !== false)
        subscription = await startSignalsConsumer(
          {
            bus: ports.bus,
            store: ports.store,
            context,
            logger,
            metrics,
            channels,
            defaults: { rulHorizon: settings.rulHorizon },
            headersFor: headers,
            onChanges: (changes) => {
              for (const c of changes)
                if (c.opened || c.escalated) hub.publish(c.alert, c.opened ? 'opened' : 'escalated');
            },
          },
          {
            groupId: settings.groupId,
            anomalyTopic: topics.anomaly,
            predictionsTopic: topics.predictions,
            alertsTopic: topics.alerts,
            maxBatchSize: settings.maxBatchSize,
            partitionsConcurrently: settings.partitionsConcurrently,
          },
        );
      // Changes other instances make reach this instance's SSE clients through the topic; a group per instance,
      // from the newest message on, so every instance sees every change once.
      relay = await ports.bus.subscribe(
        { topics: [topics.alerts], groupId: `alerts-sse-${instanceId}`, fromBeginning: false },
        async (batch) => {
          for (const message of batch) {
            if (message.headers[INSTANCE_HEADER] === instanceId) continue;
            const parsed = parseAlert(message.value);
            if (parsed.ok) hub.publishMessage(parsed.value, message.headers[CHANGE_HEADER] ?? 'changed');
          }
        },
      );
      if (settings.dispatch !== false) dispatcher.start();
      if (settings.reminderIntervalMs > 0) reminders.start();
      ready = true;
    },
    async stop() {
      ready = false;
      await subscription?.stop();
      subscription = null;
      await relay?.stop();
      relay = null;
      await reminders.stop();
      await dispatcher.stop();
      await Promise.all(Object.values(deps.senders).map((s) => s.close?.()));
    },
  };
}
