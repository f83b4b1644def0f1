import { z } from 'zod';

const MAX_WINDOWS = 10_000;
const DURATION = /^(\d+)(ms|s|m|h|d)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `250ms`, `10s`, `5m`, `1h`, `1d` or plain milliseconds. */
const Duration = z
  .string()
  .regex(DURATION, 'must be a duration like 500ms, 10s, 5m, 1h, 1d or a number of milliseconds')
  .transform((v) => {
    const [, n, unit] = DURATION.exec(v)!;
    return Number(n) * UNIT_MS[unit ?? 'ms']!;
  })
  .refine((ms) => ms >= 1, 'must be at least 1 ms');

/** An ISO-8601 date-time with a timezone, or epoch milliseconds. */
const Instant = z.string().transform((v, ctx) => {
  const ms = /^\d+$/.test(v) ? Number(v) : /T.*(Z|[+-]\d\d:\d\d)$/.test(v) ? Date.parse(v) : Number.NaN;
  if (!Number.isFinite(ms)) {
    ctx.addIssue({
      code: 'custom',
      message: 'must be an ISO-8601 date-time with a timezone (2024-05-01T12:00:00Z) or epoch milliseconds',
    });
    return z.NEVER;
  }
  return ms;
});

function commaList<T extends string>(item: z.ZodType<T, string>) {
  return z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item).min(1).max(200));
}

export const MachineParams = z.object({
  machineId: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'must be a machine id (letters, digits, . _ : -)'),
});

export const ReadingsQuery = z
  .object({
    from: Instant.optional(),
    to: Instant.optional(),
    window: Duration.optional(),
    aggregates: commaList(z.enum(['mean', 'min', 'max'])).optional(),
    channels: commaList(z.string().min(1).max(64)).optional(),
    limit: z.coerce.number().int().min(1).max(10_000).default(1_000),
  })
  .strict()
  .transform((q) => {
    const to = q.to ?? Date.now();
    // Without a start: the last hour.
    const from = q.from ?? to - 3_600_000;
    return { ...q, from, to };
  })
  .superRefine((q, ctx) => {
    if (q.from >= q.to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be before to' });
    if (q.window !== undefined && (q.to - q.from) / q.window > MAX_WINDOWS)
      ctx.addIssue({
        code: 'custom',
        path: ['window'],
        message: `gives more than ${MAX_WINDOWS} windows over the range; use a larger window or a shorter range`,
      });
    if (q.aggregates && q.window === undefined)
      ctx.addIssue({ code: 'custom', path: ['aggregates'], message: 'needs window' });
  });

export const LatestQuery = z
  .object({
    machine_id: commaList(MachineParams.shape.machineId).optional(),
  })
  .strict();
