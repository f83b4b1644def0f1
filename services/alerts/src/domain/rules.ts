import type { AnomalyDetected, MaintenancePrediction } from '@industrialmind/contracts';
import type { AlertSignal, Rule, Severity, Silence } from '@industrialmind/relational-store';

/** The cause keys: one alert episode per machine and cause. */
export const CAUSE = { anomaly: 'anomaly', rul: 'rul' } as const;

const RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/** What the service does when no rule matches a machine: the defaults operators can override with rules. */
export interface RuleDefaults {
  /** RUL horizon (in the prediction's unit) below which a prediction raises an alert. */
  rulHorizon: number;
}

/** The most specific enabled rule of `kind` for a machine: machine rules win over type rules over global ones. */
export function ruleFor(rules: readonly Rule[], kind: Rule['kind'], machineId: string, machineType: string) {
  let best: Rule | undefined;
  let bestScore = -1;
  for (const r of rules) {
    if (!r.enabled || r.kind !== kind) continue;
    if (r.machineId !== null && r.machineId !== machineId) continue;
    if (r.machineType !== null && r.machineType !== machineType) continue;
    const specificity = (r.machineId !== null ? 2 : 0) + (r.machineType !== null ? 1 : 0);
    if (specificity > bestScore) {
      best = r;
      bestScore = specificity;
    }
  }
  return best;
}

/** True when a maintenance window or silence covers the machine at `at`. */
export function isSilenced(silences: readonly Silence[], machineId: string, machineType: string, at: Date) {
  const t = at.getTime();
  return silences.some(
    (s) =>
      s.startsAt.getTime() <= t &&
      t < s.endsAt.getTime() &&
      (s.machineId === null || s.machineId === machineId) &&
      (s.machineType === null || s.machineType === machineType),
  );
}

/** Severity from the rule's bands (the highest band the score reaches), never below the rule's base severity. */
export function severityFor(rule: Pick<Rule, 'severity' | 'severityMap'>, score: number): Severity {
  let severity = rule.severity;
  for (const band of rule.severityMap)
    if (score >= band.minScore && RANK[band.severity] > RANK[severity]) severity = band.severity;
  return severity;
}

/** Without a rule: how far past its threshold the score is. */
function defaultAnomalySeverity(score: number, threshold: number): Severity {
  const ratio = threshold > 0 ? score / threshold : score;
  if (ratio >= 2) return 'critical';
  if (ratio >= 1.5) return 'high';
  return 'medium';
}

export interface Evaluation {
  /** null: the message raises nothing (normal reading, below every threshold). */
  signal: AlertSignal | null;
  silenced: boolean;
}

/**
 * anomaly-detected → a signal for the machine's "anomaly" episode. A message counts when the model calls it
 * anomalous (or its score reaches the rule's min_score; down to min_score - hysteresis while the episode is open). Messages that end an anomaly raise nothing. During a
 * maintenance window or silence the signal is still stored (it counts in the episode) but may not open an alert.
 */
export function evaluateAnomaly(
  event: AnomalyDetected,
  ctx: { rules: readonly Rule[]; silences: readonly Silence[]; groupKey?: string | null },
): Evaluation {
  const rule = ruleFor(ctx.rules, 'anomaly', event.machine_id, event.machine_type);
  if (event.state === 'ended') return { signal: null, silenced: false };
  const opens = rule?.minScore != null ? event.score >= rule.minScore : event.is_anomaly;
  // Hysteresis: inside the band below min_score a reading still counts into an open episode (so a score that
  // hovers around the threshold does not split it), but it cannot open one.
  const continues = !opens && rule?.minScore != null && event.score >= rule.minScore - rule.hysteresis;
  if (!opens && !continues) return { signal: null, silenced: false };
  const at = new Date(event.timestamp);
  const silenced = isSilenced(ctx.silences, event.machine_id, event.machine_type, at);
  const severity = rule
    ? severityFor(rule, event.score)
    : defaultAnomalySeverity(event.score, event.threshold);
  const top = Object.entries(event.feature_contributions).sort((a, b) => b[1] - a[1])[0];
  return {
    silenced,
    signal: {
      signalKey: `anomaly:${event.machine_id}:${event.event_id}:${event.reading_id}`,
      machineId: event.machine_id,
      machineType: event.machine_type,
      causeKey: CAUSE.anomaly,
      causeKind: 'anomaly',
      summary: `anomaly, score ${event.score.toFixed(3)} > ${event.threshold.toFixed(3)}${top ? `, mostly ${top[0]}` : ''}`,
      severity,
      occurredAt: at,
      ruleId: rule?.id ?? null,
      groupKey: ctx.groupKey ?? null,
      sourceEventId: event.event_id,
      readingId: event.reading_id,
      score: event.score,
      modelVersion: event.model_version,
      minDurationSec: rule?.minDurationSec ?? 0,
      mayOpen: opens && !silenced,
    },
  };
}

const PRIORITY_SEVERITY: Record<MaintenancePrediction['priority'], Severity> = {
  low: 'low',
  medium: 'medium',
  high: 'high',
  critical: 'critical',
};

/** maintenance-predictions → a signal for the machine's "rul" episode when the RUL is below the horizon. */
export function evaluatePrediction(
  p: MaintenancePrediction,
  ctx: {
    rules: readonly Rule[];
    silences: readonly Silence[];
    defaults: RuleDefaults;
    groupKey?: string | null;
  },
): Evaluation {
  const rule = ruleFor(ctx.rules, 'rul', p.machine_id, p.machine_type);
  const horizon = rule?.rulHorizon ?? ctx.defaults.rulHorizon;
  if (!(p.predicted_rul < horizon)) return { signal: null, silenced: false };
  const at = new Date(p.timestamp);
  const silenced = isSilenced(ctx.silences, p.machine_id, p.machine_type, at);
  const base = PRIORITY_SEVERITY[p.priority];
  const severity = rule && RANK[rule.severity] > RANK[base] ? rule.severity : base;
  return {
    silenced,
    signal: {
      signalKey: `rul:${p.machine_id}:${p.timestamp}:${p.model_version}`,
      machineId: p.machine_id,
      machineType: p.machine_type,
      causeKey: CAUSE.rul,
      causeKind: 'rul',
      summary:
        `RUL ${p.predicted_rul.toFixed(1)} ${p.rul_unit} < ${horizon} ${p.rul_unit}: ${p.recommended_action}`.slice(
          0,
          1000,
        ),
      severity,
      occurredAt: at,
      ruleId: rule?.id ?? null,
      groupKey: ctx.groupKey ?? null,
      readingId: p.reading_id ?? null,
      score: p.predicted_rul,
      modelVersion: p.model_version,
      mayOpen: !silenced,
    },
  };
}
