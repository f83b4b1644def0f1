import { env, envSchema, loadConfig, type EnvSource } from '@industrialmind/config';

// The only file of the CLI that reads process.env (STYLE.md, Configuration). Command-line options carry
// everything else; the environment holds what deployments set for every process (broker addresses, log level).
const schema = envSchema(
  {
    LOG_LEVEL: env
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('warn')
      .describe('Level of the JSON logs on stderr; warn keeps the demo table readable'),
    KAFKA_BROKERS: env
      .list()
      .optional()
      .describe(
        'Kafka bootstrap servers, comma-separated; required by `simulate` and `replay` with `--profile full`',
      ),
  },
  (e) => ({
    logLevel: e.LOG_LEVEL,
    kafka: { brokers: e.KAFKA_BROKERS },
  }),
);

export type CliConfig = ReturnType<typeof readCliConfig>;

/** Parses the environment once; throws ConfigError listing every bad variable. */
export function readCliConfig(source: EnvSource = process.env) {
  return loadConfig(schema, source);
}
