import { AppError, ErrorCode } from '@industrialmind/errors';
import { z } from 'zod';
import { IssueCode, closestMatch, failure, fromZodIssue, type ContractIssue } from './issues';
import { ChannelNameSchema, FiniteNumberSchema, MAX_CHANNELS, MachineTypeNameSchema } from './primitives';

export const ChannelSchema = z
  .object({
    name: ChannelNameSchema.describe(
      'Wire name of the channel: the key in `readings` and `feature_contributions`.',
    ),
    unit: z
      .string()
      .min(1)
      .max(32)
      .describe('Unit of the values, e.g. "°C", "mm/s", "bar", "kW"; "-" if dimensionless.'),
    description: z.string().max(500).optional(),
    source_name: z
      .string()
      .min(1)
      .max(128)
      .optional()
      .describe(
        'Name of this channel in its source data set when it differs from `name`: a CSV column or the symbol its documentation uses.',
      ),
    min: FiniteNumberSchema.optional().describe(
      'Lower end of the physically plausible range (not the normal range).',
    ),
    max: FiniteNumberSchema.optional().describe(
      'Upper end of the physically plausible range (not the normal range).',
    ),
  })
  .refine((c) => c.min === undefined || c.max === undefined || c.min <= c.max, {
    error: 'min must not be greater than max',
    path: ['min'],
    params: { code: IssueCode.INCONSISTENT },
  });

export const MachineTypeSchema = z
  .object({
    name: MachineTypeNameSchema.describe(
      'Kebab-case machine type name, referenced by `machine_type` in messages.',
    ),
    description: z.string().max(500).optional(),
    channels: z
      .array(ChannelSchema)
      .min(1)
      .max(MAX_CHANNELS)
      .describe('The channels a reading of this type may carry.'),
  })
  .superRefine((type, ctx) => {
    const seen = new Set<string>();
    type.channels.forEach((channel, index) => {
      if (seen.has(channel.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['channels', index, 'name'],
          message: `channel "${channel.name}" is declared twice`,
          params: { code: IssueCode.INCONSISTENT },
        });
      }
      seen.add(channel.name);
    });
  })
  .meta({
    title: 'Machine type',
    description:
      'A kind of machine and the channels its readings carry. Readings are rejected if they name a channel the type does not declare. Values outside min/max are not rejected: they are what anomaly detection is for.',
  });

export type MachineChannel = z.infer<typeof ChannelSchema>;
export type MachineType = z.infer<typeof MachineTypeSchema>;

/** A machine type with what the hot path needs precomputed. */
export interface RegisteredMachineType extends MachineType {
  /** Declared channel names, for O(1) membership tests. */
  readonly channelNames: ReadonlySet<string>;
  /** `temperature, vibration, pressure, power`: the declared names in order, for error messages. */
  readonly declaredChannels: string;
  /** Source data-set names (e.g. SKAB's `Volume Flow RateRMS`) to wire names, for "did you mean" hints. */
  readonly channelsBySourceName: ReadonlyMap<string, string>;
}

/** The machine types a reader accepts. Build once at startup with {@link createMachineTypeRegistry}. */
export interface MachineTypeRegistry {
  get(name: string): RegisteredMachineType | undefined;
  has(name: string): boolean;
  /** Registered names, sorted. */
  names(): readonly string[];
  list(): readonly RegisteredMachineType[];
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function register(type: MachineType): RegisteredMachineType {
  const channelsBySourceName = new Map<string, string>();
  for (const channel of type.channels) {
    if (channel.source_name !== undefined) channelsBySourceName.set(channel.source_name, channel.name);
  }
  return deepFreeze({
    ...type,
    channelNames: new Set(type.channels.map((c) => c.name)),
    declaredChannels: type.channels.map((c) => c.name).join(', '),
    channelsBySourceName,
  }) as RegisteredMachineType;
}

/**
 * Validates and indexes machine types. Throws `VALIDATION_FAILED` listing every problem if a type is invalid
 * or two types share a name: a bad registry is a deployment error and must stop startup.
 */
export function createMachineTypeRegistry(types: Iterable<MachineType>): MachineTypeRegistry {
  const byName = new Map<string, RegisteredMachineType>();
  const problems: string[] = [];
  let index = 0;
  for (const candidate of types) {
    const parsed = MachineTypeSchema.safeParse(candidate);
    if (!parsed.success) {
      const { reason } = failure(parsed.error.issues.map((issue) => fromZodIssue(issue, candidate)));
      problems.push(`machine type #${index}: ${reason}`);
    } else if (byName.has(parsed.data.name)) {
      problems.push(`machine type #${index}: name "${parsed.data.name}" is registered twice`);
    } else {
      byName.set(parsed.data.name, register(parsed.data));
    }
    index++;
  }
  if (problems.length > 0) {
    throw new AppError(
      ErrorCode.VALIDATION_FAILED,
      `invalid machine type registry: ${problems.join(' | ')}`,
      {
        details: { problems },
      },
    );
  }
  const names = Object.freeze([...byName.keys()].sort());
  const list = Object.freeze(names.map((name) => byName.get(name)!));
  return {
    get: (name) => byName.get(name),
    has: (name) => byName.has(name),
    names: () => names,
    list: () => list,
  };
}

/** The registered type `input.machine_type` names, or undefined; an unregistered name adds an issue with a hint. */
export function checkMachineType(
  input: Record<string, unknown>,
  registry: MachineTypeRegistry,
  issues: ContractIssue[],
): RegisteredMachineType | undefined {
  const name = input.machine_type;
  if (typeof name !== 'string') return undefined;
  const type = registry.get(name);
  if (type === undefined) {
    const guess = closestMatch(name, registry.names());
    issues.push({
      code: IssueCode.UNKNOWN_MACHINE_TYPE,
      path: 'machine_type',
      message: `machine type ${JSON.stringify(name)} is not registered (registered: ${registry.names().join(', ')})${
        guess === undefined ? '' : `. Did you mean "${guess}"?`
      }`,
    });
  }
  return type;
}
