import { SCHEMA_VERSIONS, type Alert as AlertMessage, type AlertCauseKind } from '@industrialmind/contracts';
import type { Alert, NotificationRequest } from '@industrialmind/relational-store';

const CAUSE_KINDS: readonly AlertCauseKind[] = ['anomaly', 'rul', 'rule', 'manual'];

/** A stored alert as the `alerts` topic message (libs/contracts AlertSchema), plus the episode's counters. */
export function toAlertMessage(a: Alert): AlertMessage & { event_count: number; group_key?: string } {
  return {
    schema_version: SCHEMA_VERSIONS.alerts,
    alert_id: a.id,
    machine_id: a.machineId,
    machine_type: a.machineType,
    cause: {
      kind: (CAUSE_KINDS as readonly string[]).includes(a.causeKind)
        ? (a.causeKind as AlertCauseKind)
        : 'rule',
      summary: a.summary,
      ...(a.sourceEventId && a.causeKind === 'anomaly' ? { event_id: a.sourceEventId } : {}),
      ...(a.readingId ? { reading_id: a.readingId } : {}),
      ...(a.ruleId ? { rule_id: a.ruleId } : {}),
      ...(a.modelVersion ? { model_version: a.modelVersion } : {}),
    },
    severity: a.severity,
    status: a.status,
    created_at: a.createdAt.toISOString(),
    updated_at: a.updatedAt.toISOString(),
    ...(a.acknowledgedAt ? { acknowledged_at: a.acknowledgedAt.toISOString() } : {}),
    ...(a.acknowledgedBy ? { acknowledged_by: a.acknowledgedBy } : {}),
    ...(a.resolvedAt ? { resolved_at: a.resolvedAt.toISOString() } : {}),
    ...(a.resolvedBy ? { resolved_by: a.resolvedBy } : {}),
    ...(a.assignee ? { assignee: a.assignee } : {}),
    event_count: a.eventCount,
    ...(a.groupKey ? { group_key: a.groupKey } : {}),
  };
}

/** The REST shape of an alert: the message plus lifecycle details the topic does not carry. */
export function toAlertResource(a: Alert) {
  return {
    ...toAlertMessage(a),
    cause_key: a.causeKey,
    first_event_at: a.firstEventAt.toISOString(),
    last_event_at: a.lastEventAt.toISOString(),
    resolution_reason: a.resolutionReason,
    escalation_level: a.escalationLevel,
    next_reminder_at: a.nextReminderAt?.toISOString() ?? null,
  };
}

export type NotificationKind = 'opened' | 'reminder';

/**
 * The outbox rows for an alert event, one per enabled channel. The idempotency key names the alert, the kind
 * (and reminder level) and the channel: retries and redeliveries of one notification share it, so a receiver
 * that remembers keys sees each notification once.
 */
export function notificationsFor(
  alert: Alert,
  channels: readonly string[],
  kind: NotificationKind,
  level = 0,
): NotificationRequest[] {
  const message = toAlertMessage(alert);
  return channels.map((channel) => ({
    channel,
    kind,
    idempotencyKey: `${alert.id}:${kind}${kind === 'reminder' ? `-${level}` : ''}:${channel}`,
    payload: { kind, level, alert: message },
  }));
}
