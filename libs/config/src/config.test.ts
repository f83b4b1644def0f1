import { ErrorCode, isAppError } from '@industrialmind/errors';
import { ConfigError, loadConfig, redactConfig } from './config';
import { env, envSchema, secret } from './schema';

const schema = envSchema(
  {
    PROFILE: env.profile(),
    KAFKA_BROKERS: env.list(),
    HTTP_PORT: env.port().default(8080),
    DB_PASSWORD: env.string(),
    LLM_AUTH: secret(env.string()).optional(),
    DEBUG_SQL: env.bool().default(false),
  },
  (e) => ({
    profile: e.PROFILE,
    kafka: { brokers: e.KAFKA_BROKERS },
    http: { port: e.HTTP_PORT },
    db: { pass: e.DB_PASSWORD, debug: e.DEBUG_SQL },
    llm: { auth: e.LLM_AUTH },
  }),
);

const goodEnv = {
  PROFILE: 'full',
  KAFKA_BROKERS: 'a:9092, b:9092',
  DB_PASSWORD: 'hunter2-secret',
  UNRELATED: 'x',
};

function loadError(
  source: Record<string, string | undefined>,
  s: Parameters<typeof loadConfig>[0] = schema,
): ConfigError {
  try {
    loadConfig(s, source);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected loadConfig to throw');
}

describe(loadConfig.name, () => {
  it('maps env variables into a typed nested config with defaults', () => {
    const sut = loadConfig(schema, goodEnv);
    const typed: { brokers: string[]; port: number; debug: boolean; profile: 'lite' | 'full' } = {
      brokers: sut.kafka.brokers,
      port: sut.http.port,
      debug: sut.db.debug,
      profile: sut.profile,
    };

    expect(sut).toEqual({
      profile: 'full',
      kafka: { brokers: ['a:9092', 'b:9092'] },
      http: { port: 8080 },
      db: { pass: 'hunter2-secret', debug: false },
      llm: { auth: undefined },
    });
    expect(typed.brokers).toHaveLength(2);
  });

  it('accepts a plain object schema without a mapping and drops unknown variables', () => {
    const sut = loadConfig(envSchema({ NAME: env.string() }), { NAME: ' x ', OTHER: 'y' });

    expect(sut).toEqual({ NAME: 'x' });
  });

  it('throws one ConfigError listing every bad variable', () => {
    const sut = loadError({ PROFILE: 'medium', HTTP_PORT: 'eighty', DEBUG_SQL: 'yes', DB_PASSWORD: '' });

    expect(isAppError(sut)).toBe(true);
    expect(sut.code).toBe(ErrorCode.CONFIG_INVALID);
    expect(sut.problems.map((p) => p.key).sort()).toEqual([
      'DB_PASSWORD',
      'DEBUG_SQL',
      'HTTP_PORT',
      'KAFKA_BROKERS',
      'PROFILE',
    ]);
    expect(sut.message).toContain('invalid configuration (5 problems):');
    expect(sut.message).toContain('PROFILE="medium": must be one of lite, full');
    expect(sut.message).toContain('HTTP_PORT="eighty": must be an integer');
    expect(sut.message).toContain('DEBUG_SQL="yes": must be true, false, 1 or 0');
    expect(sut.message).toContain('KAFKA_BROKERS: is required');
    expect(sut.message).toContain('DB_PASSWORD: is required');
    expect(sut.details).toEqual({ problems: sut.problems });
  });

  it('masks the values of secret variables, by name or by mark', () => {
    const strict = envSchema({
      API_TOKEN: env.string().regex(/^tok_/),
      LLM_AUTH: secret(env.string().regex(/^Bearer /)).describe('auth header for the LLM'),
      PLAIN: env.int(),
    });

    const sut = loadError(
      { API_TOKEN: 'abc-very-secret', LLM_AUTH: 'Basic c2VjcmV0', PLAIN: 'nope' },
      strict,
    );

    expect(sut.message).not.toContain('abc-very-secret');
    expect(sut.message).not.toContain('c2VjcmV0');
    expect(sut.message).toContain('API_TOKEN="***"');
    expect(sut.message).toContain('LLM_AUTH="***"');
    expect(sut.message).toContain('PLAIN="nope"');
  });

  it('reports a problem singular and truncates long values', () => {
    const sut = loadError({ URL: `http://${'x'.repeat(200)}` }, envSchema({ URL: env.int() }));

    expect(sut.message).toMatch(/^invalid configuration \(1 problem\):/);
    expect(sut.problems[0]!.value).toHaveLength(83);
  });

  it('reports failures of the mapping step under (config)', () => {
    const checked = envSchema({ MIN: env.int(), MAX: env.int() }).refine((e) => e.MIN <= e.MAX, {
      error: 'MIN must not exceed MAX',
    });

    const sut = loadError({ MIN: '5', MAX: '1' }, checked);

    expect(sut.problems).toEqual([{ key: '(config)', message: 'MIN must not exceed MAX' }]);
  });

  it('reads process.env by default', () => {
    process.env.IM_CONFIG_TEST_VALUE = '42';
    try {
      expect(loadConfig(envSchema({ IM_CONFIG_TEST_VALUE: env.int() }))).toEqual({
        IM_CONFIG_TEST_VALUE: 42,
      });
    } finally {
      delete process.env.IM_CONFIG_TEST_VALUE;
    }
  });
});

describe(redactConfig.name, () => {
  it('masks secret-named keys, values from secret variables and URL passwords', () => {
    const withUrl = envSchema(
      { DATABASE_URL: env.url(), LLM_AUTH: secret(env.string()), BROKERS: env.list() },
      (e) => ({
        db: { url: e.DATABASE_URL },
        llm: { header: e.LLM_AUTH, note: `uses ${e.LLM_AUTH}` },
        brokers: e.BROKERS,
      }),
    );
    const config = loadConfig(withUrl, {
      DATABASE_URL: 'postgres://app:pa55word@db:5432/im',
      LLM_AUTH: 'Bearer abcdef123',
      BROKERS: 'k1:9092',
    });

    const sut = redactConfig({
      ...config,
      apiKey: 'k',
      nothing: null,
      when: new Date(0),
      link: new URL('http://u:p@h/'),
    });
    const loaded = redactConfig(config);

    expect(loaded).toEqual({
      db: { url: 'postgres://app:***@db:5432/im' },
      llm: { header: '***', note: 'uses ***' },
      brokers: ['k1:9092'],
    });
    expect(sut).toMatchObject({
      apiKey: '***',
      nothing: null,
      when: '1970-01-01T00:00:00.000Z',
      link: 'http://u:***@h/',
    });
  });

  it('masks mapped values of secrets named by pattern', () => {
    const config = loadConfig(
      envSchema({ S3_SECRET_ACCESS_KEY: env.string() }, (e) => ({
        s3: { secret: e.S3_SECRET_ACCESS_KEY, copy: e.S3_SECRET_ACCESS_KEY },
      })),
      {
        S3_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI',
      },
    );

    expect(redactConfig(config)).toEqual({ s3: { secret: '***', copy: '***' } });
  });

  it('leaves a config without secrets unchanged', () => {
    const sut = redactConfig({ a: 1, b: ['x'], c: { d: true } });

    expect(sut).toEqual({ a: 1, b: ['x'], c: { d: true } });
  });
});

describe('ConfigError', () => {
  it('is an AppError with code CONFIG_INVALID and is not retryable', () => {
    const sut = new ConfigError([{ key: 'A', message: 'is required' }]);

    expect(sut.retryable).toBe(false);
    expect(sut.toJSON().code).toBe('CONFIG_INVALID');
    expect(sut.message).toBe('invalid configuration (1 problem):\n  A: is required');
  });
});
