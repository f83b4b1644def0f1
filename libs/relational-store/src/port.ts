/** Alert states, in lifecycle order: open → acknowledged → resolved. */
export type AlertStatus = 'open' | 'acknowledged' | 'resolved';
export type Severity = 'low' | 'medium' | 'high' | 'critical';
/** Why an alert was resolved: the label the retraining pipeline reads. */
export type ResolutionReason = 'confirmed_fault' | 'false_positive' | 'sensor_fault' | 'planned_work';
export type RuleKind = 'anomaly' | 'rul';

export const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];
export const RESOLUTION_REASONS: readonly ResolutionReason[] = [
  'confirmed_fault',
  'false_positive',
  'sensor_fault',
  'planned_work',
];

export interface SeverityBand {
  minScore: number;
  severity: Severity;
}

export interface Rule {
  id: string;
  name: string;
  enabled: boolean;
  kind: RuleKind;
  /** Applies to every machine of this type (null: any type). */
  machineType: string | null;
  /** Applies to this machine only (null: any machine); a machine rule wins over a type rule. */
  machineId: string | null;
  /** anomaly: the score must reach this (null: the model's own is_anomaly decides). */
  minScore: number | null;
  /**
   * anomaly: flap suppression. Once the episode's alert is open, readings scoring at least
   * `minScore - hysteresis` keep counting into it; only `minScore` opens one (0: no band).
   */
  hysteresis: number;
  /** anomaly: the anomaly event must have lasted this long before an alert opens. */
  minDurationSec: number;
  /** rul: alert when the predicted RUL is below this horizon. */
  rulHorizon: number | null;
  severity: Severity;
  /** Score bands that raise the severity, e.g. [{ minScore: 0.9, severity: 'high' }]. */
  severityMap: SeverityBand[];
  createdAt: Date;
  updatedAt: Date;
}

export type RuleInput = Omit<Rule, 'id' | 'createdAt' | 'updatedAt'>;

export type SilenceKind = 'maintenance' | 'silence';

export interface Silence {
  id: string;
  kind: SilenceKind;
  machineType: string | null;
  machineId: string | null;
  startsAt: Date;
  endsAt: Date;
  reason: string;
  createdBy: string;
  createdAt: Date;
}

export type SilenceInput = Omit<Silence, 'id' | 'createdAt'>;

export interface Alert {
  id: string;
  machineId: string;
  machineType: string;
  causeKey: string;
  causeKind: string;
  summary: string;
  severity: Severity;
  status: AlertStatus;
  ruleId: string | null;
  groupKey: string | null;
  sourceEventId: string | null;
  readingId: string | null;
  modelVersion: string | null;
  eventCount: number;
  firstEventAt: Date;
  lastEventAt: Date;
  createdAt: Date;
  updatedAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  resolutionReason: ResolutionReason | null;
  assignee: string | null;
  escalationLevel: number;
  nextReminderAt: Date | null;
}

/**
 * One incoming signal that may raise or extend an alert. `signalKey` is its natural key: the same message
 * delivered twice has the same key and is counted once.
 */
export interface AlertSignal {
  signalKey: string;
  machineId: string;
  machineType: string;
  /** The episode key: signals with the same machine and cause extend one alert until it is resolved. */
  causeKey: string;
  causeKind: string;
  summary: string;
  severity: Severity;
  occurredAt: Date;
  ruleId?: string | null;
  groupKey?: string | null;
  /** The upstream episode id (anomaly-detected `event_id`), for the duration threshold. */
  sourceEventId?: string | null;
  readingId?: string | null;
  score?: number | null;
  modelVersion?: string | null;
  /** The signal opens an alert only once its upstream episode has lasted this long (0: at once). */
  minDurationSec?: number;
  /** False: store the signal (e.g. during a maintenance window) but open no alert for it. */
  mayOpen?: boolean;
}

/** A notification to put in the outbox in the same transaction as the alert change it announces. */
export interface NotificationRequest {
  channel: string;
  kind: string;
  /** Unique per intended delivery; the receiver can use it to drop a repeat. */
  idempotencyKey: string;
  payload: unknown;
}

/** What recording a batch of signals did to one alert. */
export interface AlertChange {
  alert: Alert;
  /** The alert was opened by these signals. */
  opened: boolean;
  /** Signals newly counted (duplicates excluded). */
  newSignals: number;
  /** The severity went up. */
  escalated: boolean;
}

export interface RecordSignalsOptions {
  /** Called inside the transaction for each opened alert; the notifications are stored with it. */
  notificationsFor?: (alert: Alert) => NotificationRequest[];
}

export interface AlertFilter {
  status?: AlertStatus[];
  machineId?: string;
  groupKey?: string;
  assignee?: string;
  limit?: number;
  /** Alerts created before this id's alert (keyset pagination, newest first). */
  before?: Date;
}

export interface HistoryEntry {
  id: string;
  alertId: string;
  at: Date;
  actor: string;
  action: string;
  fromStatus: AlertStatus | null;
  toStatus: AlertStatus | null;
  details: Record<string, unknown>;
}

export interface Comment {
  id: string;
  alertId: string;
  author: string;
  body: string;
  createdAt: Date;
}

export interface Feedback {
  alertId: string;
  machineId: string;
  reason: ResolutionReason;
  note: string | null;
  modelVersion: string | null;
  labelledBy: string;
  createdAt: Date;
}

export interface Notification {
  id: string;
  alertId: string;
  channel: string;
  kind: string;
  idempotencyKey: string;
  payload: unknown;
  status: 'pending' | 'sent' | 'dead';
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

export interface Equipment {
  id: string;
  name: string;
  machineType: string;
  line: string | null;
  location: string | null;
}

/**
 * The RelationalStore port: what the platform keeps in PostgreSQL (full) or PGlite (lite). Every write that
 * changes an alert also appends to its history in the same transaction. Errors are AppErrors: NOT_FOUND,
 * CONFLICT (a lifecycle step that does not apply to the alert's state), VALIDATION_FAILED, and
 * UPSTREAM_UNAVAILABLE / UPSTREAM_TIMEOUT (retryable) when the database cannot be reached.
 */
export interface RelationalStore {
  /** Connects and applies pending migrations (idempotent, safe when several processes start together). */
  connect(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;

  upsertEquipment(equipment: Equipment): Promise<Equipment>;
  getEquipment(id: string): Promise<Equipment | null>;

  createRule(input: RuleInput): Promise<Rule>;
  updateRule(id: string, patch: Partial<RuleInput>): Promise<Rule>;
  deleteRule(id: string): Promise<void>;
  getRule(id: string): Promise<Rule>;
  listRules(): Promise<Rule[]>;

  createSilence(input: SilenceInput): Promise<Silence>;
  deleteSilence(id: string): Promise<void>;
  /** Silences whose window contains `at` (all of them without `at`). */
  listSilences(at?: Date): Promise<Silence[]>;

  /**
   * Counts each signal once (by `signalKey`) into the one unresolved alert of its (machine, cause), opening
   * that alert when there is none. The unresolved alert's uniqueness is a database constraint, so concurrent
   * callers with the same signals still make one alert and count each signal once.
   */
  recordSignals(signals: AlertSignal[], options?: RecordSignalsOptions): Promise<AlertChange[]>;

  getAlert(id: string): Promise<Alert>;
  listAlerts(filter?: AlertFilter): Promise<Alert[]>;
  countAlerts(filter?: Pick<AlertFilter, 'status' | 'machineId' | 'groupKey'>): Promise<number>;
  acknowledge(id: string, actor: string): Promise<Alert>;
  assign(id: string, assignee: string | null, actor: string): Promise<Alert>;
  /** Resolves and records the reason as technician feedback. */
  resolve(id: string, input: { actor: string; reason: ResolutionReason; note?: string }): Promise<Alert>;
  addComment(id: string, author: string, body: string): Promise<Comment>;
  listComments(id: string): Promise<Comment[]>;
  history(id: string): Promise<HistoryEntry[]>;
  getFeedback(id: string): Promise<Feedback | null>;

  /** Unacknowledged open alerts whose reminder is due at `now`. */
  dueReminders(now: Date, limit: number): Promise<Alert[]>;
  /** Records a reminder, raises the escalation level, schedules the next one and queues its notifications. */
  recordReminder(
    id: string,
    nextReminderAt: Date,
    notifications: NotificationRequest[],
  ): Promise<Alert | null>;

  /**
   * Leases up to `limit` due pending notifications for `leaseMs` (FOR UPDATE SKIP LOCKED on PostgreSQL), so
   * concurrent dispatchers never send the same one at once; a crashed dispatcher's lease simply expires.
   */
  claimNotifications(input: {
    channels?: string[];
    limit: number;
    leaseMs: number;
    now?: Date;
  }): Promise<Notification[]>;
  markNotificationSent(id: string): Promise<void>;
  /** Records a failed attempt: retried at `retryAt`, or dead-lettered when `retryAt` is null. */
  markNotificationFailed(id: string, error: string, retryAt: Date | null): Promise<void>;
  /** Notifications of a channel sent at or after `since` (for rate caps). */
  countSentNotifications(channel: string, since: Date): Promise<number>;
  listNotifications(filter?: { alertId?: string; status?: Notification['status'] }): Promise<Notification[]>;
}
