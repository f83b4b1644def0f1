import type { Priority, RulUnit } from '@industrialmind/contracts';

/**
 * How much warning each priority means, per unit. The policy looks at the interval's *lower* bound: the plant
 * plans for the earliest plausible failure, not the most likely one.
 *
 * | lower bound (cycles) | lower bound (hours) | priority | action |
 * |---|---|---|---|
 * | <= 15  | <= 24  | critical | stop at the next opportunity and inspect before further use |
 * | <= 40  | <= 72  | high     | schedule maintenance within the lower bound |
 * | <= 80  | <= 168 | medium   | plan maintenance, order parts |
 * | more   | more   | low      | no action, keep monitoring |
 */
export const POLICY_THRESHOLDS: Readonly<
  Record<RulUnit, { critical: number; high: number; medium: number }>
> = {
  cycles: { critical: 15, high: 40, medium: 80 },
  hours: { critical: 24, high: 72, medium: 168 },
};

export interface PolicyDecision {
  priority: Priority;
  recommended_action: string;
}

function amount(value: number, unit: RulUnit): string {
  return `${Math.max(0, Math.floor(value))} ${unit}`;
}

/** The documented maintenance policy (see the table above and services/rul-api/README.md). */
export function decideAction(lower: number, predicted: number, unit: RulUnit): PolicyDecision {
  const t = POLICY_THRESHOLDS[unit];
  if (lower <= t.critical)
    return {
      priority: 'critical',
      recommended_action: `Remaining life may be as short as ${amount(lower, unit)}: stop at the next opportunity and inspect before further use.`,
    };
  if (lower <= t.high)
    return {
      priority: 'high',
      recommended_action: `Schedule maintenance within ${amount(lower, unit)} (most likely remaining life ${amount(predicted, unit)}).`,
    };
  if (lower <= t.medium)
    return {
      priority: 'medium',
      recommended_action: `Plan maintenance and order parts; at least ${amount(lower, unit)} of life expected.`,
    };
  return {
    priority: 'low',
    recommended_action: `No action needed; keep monitoring (at least ${amount(lower, unit)} of life expected).`,
  };
}
