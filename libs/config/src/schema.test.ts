import { z } from 'zod';
import { env, envSchema, isSecretField, isSecretSchema, secret } from './schema';

function parse<T extends z.ZodType>(schema: T, value: string | undefined) {
  return schema.safeParse(value);
}

function messages(result: z.ZodSafeParseResult<unknown>): string[] {
  return result.success ? [] : result.error.issues.map((i) => i.message);
}

describe('env', () => {
  it('splits comma-separated lists, dropping blanks', () => {
    expect(parse(env.list(), 'a:9092, b:9092,,').data).toEqual(['a:9092', 'b:9092']);
    expect(messages(parse(env.list(), ' , '))).toEqual(['must list at least 1 comma-separated item']);
    expect(messages(parse(env.list(z.string(), { min: 2 }), 'a'))).toEqual([
      'must list at least 2 comma-separated items',
    ]);
  });

  it('checks each list item with the item schema', () => {
    const sut = env.list(z.string().regex(/^[\w.-]+:\d+$/, { error: 'must be host:port' }));

    expect(parse(sut, 'a:1,b').error?.issues).toEqual([
      expect.objectContaining({ path: [1], message: 'must be host:port' }),
    ]);
  });

  it('parses bounded integers', () => {
    const sut = env.int({ min: 1, max: 10 });

    expect(parse(sut, ' 7 ').data).toBe(7);
    expect(messages(parse(sut, '7.5'))).toEqual(['must be an integer']);
    expect(messages(parse(sut, '0'))).toEqual(['must be >= 1']);
    expect(messages(parse(sut, '11'))).toEqual(['must be <= 10']);
    expect(messages(parse(env.int(), '99999999999999999999'))).toEqual(['must be a safe integer']);
    expect(parse(env.port(), '0').data).toBe(0);
    expect(parse(env.port(), '65536').success).toBe(false);
  });

  it('parses booleans as true/false/1/0 in any case', () => {
    expect(['true', 'TRUE', '1', 'false', '0'].map((v) => parse(env.bool(), v).data)).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
    expect(messages(parse(env.bool(), 'yes'))).toEqual(['must be true, false, 1 or 0']);
  });

  it('parses durations into milliseconds', () => {
    const cases = { '250': 250, '250ms': 250, '30s': 30_000, '5m': 300_000, '1h': 3_600_000 };
    for (const [text, ms] of Object.entries(cases)) expect(parse(env.durationMs(), text).data).toBe(ms);
    expect(messages(parse(env.durationMs(), '5 minutes'))).toEqual([
      'must be a duration such as 500, 500ms, 30s, 5m or 1h',
    ]);
    expect(messages(parse(env.durationMs({ max: 1000 }), '2s'))).toEqual(['must be <= 1000']);
  });

  it('accepts only listed enum values and profiles', () => {
    expect(parse(env.enum(['debug', 'info']), 'info').data).toBe('info');
    expect(messages(parse(env.enum(['debug', 'info']), 'loud'))).toEqual(['must be one of debug, info']);
    expect(parse(env.profile(), 'lite').data).toBe('lite');
  });

  it('accepts absolute URLs, optionally of given schemes', () => {
    expect(parse(env.url(), 'http://influx:8086').data).toBe('http://influx:8086');
    expect(messages(parse(env.url(), 'influx:8086'))).toEqual(['must be an absolute URL with a host']);
    expect(messages(parse(env.url(), 'not a url'))).toEqual(['must be an absolute URL with a host']);
    expect(parse(env.url({ requireHost: false }), 'file:///models').success).toBe(true);
    const sut = env.url({ protocols: ['http', 'https'] });
    expect(parse(sut, 'https://x.example').success).toBe(true);
    expect(messages(parse(sut, 'bolt://neo4j:7687'))).toEqual([
      'must be an absolute http or https URL with a host',
    ]);
  });

  it('rejects blank strings', () => {
    expect(parse(env.string(), '  x ').data).toBe('x');
    expect(messages(parse(env.string(), '   '))).toEqual(['must not be blank']);
  });
});

describe(secret.name, () => {
  it('marks a schema as secret through wrappers and clones, without marking the original', () => {
    const base = env.string();
    const sut = secret(base);

    expect(isSecretSchema(sut)).toBe(true);
    expect(isSecretSchema(sut.optional())).toBe(true);
    expect(isSecretSchema(sut.describe('x').default('d'))).toBe(true);
    expect(isSecretSchema(base)).toBe(false);
  });

  it('treats names like PASSWORD, SECRET, TOKEN, KEY and CREDENTIAL as secret', () => {
    for (const name of ['DB_PASSWORD', 'JWT_SECRET', 'API_TOKEN', 'S3_ACCESS_KEY', 'GCP_CREDENTIALS']) {
      expect(isSecretField(name)).toBe(true);
    }
    expect(isSecretField('KAFKA_BROKERS', env.list())).toBe(false);
    expect(isSecretField('LLM_AUTH', secret(env.string()))).toBe(true);
  });
});

describe(envSchema.name, () => {
  it('types the mapped output', () => {
    const sut = envSchema({ A: env.int() }, (e) => ({ nested: { a: e.A } }));
    const out: { nested: { a: number } } = sut.parse({ A: '1' });

    expect(out).toEqual({ nested: { a: 1 } });
  });
});
