export { ConfigError, loadConfig, redactConfig } from './config';
export type { ConfigProblem, ConfigSchema, EnvSource } from './config';
export { PROFILES, SECRET_NAME_PATTERN, env, envSchema, isSecretField, secret } from './schema';
export type { Profile } from './schema';
export { serviceEnv, serviceSettings } from './service';
export type { ServiceEnvOptions, ServiceEnvValues } from './service';
