import { ConfigError, env, secret, type Profile } from '@industrialmind/config';
import type { GraphStoreConfig } from './factory';
import { DEFAULT_NEO4J_TIMEOUT_MS } from './neo4j.adapter';

/**
 * The graph store's environment fragment; a service spreads it into its own `envSchema`. `NEO4J_URI`,
 * `NEO4J_USER` and `NEO4J_PASSWORD` have no default and are required when `PROFILE=full`.
 */
export const graphStoreEnv = {
  NEO4J_URI: env
    .url({ protocols: ['bolt', 'bolt+s', 'neo4j', 'neo4j+s'] })
    .optional()
    .describe('Neo4j Bolt URI, e.g. bolt://127.0.0.1:7687 (required when PROFILE=full)'),
  NEO4J_USER: env.string().optional().describe('Neo4j user (required when PROFILE=full)'),
  NEO4J_PASSWORD: secret(env.string()).optional().describe('Neo4j password (required when PROFILE=full)'),
  NEO4J_DATABASE: env.string().optional().describe('Neo4j database; default the server default (neo4j)'),
  NEO4J_TIMEOUT_MS: env
    .durationMs({ min: 100, max: 300_000 })
    .default(DEFAULT_NEO4J_TIMEOUT_MS)
    .describe('Timeout of one Neo4j transaction and of acquiring a connection'),
};

export interface GraphStoreEnv {
  NEO4J_URI?: string | undefined;
  NEO4J_USER?: string | undefined;
  NEO4J_PASSWORD?: string | undefined;
  NEO4J_DATABASE?: string | undefined;
  NEO4J_TIMEOUT_MS: number;
}

/** Picks the adapter for the profile and checks the variables that only the full profile needs. */
export function graphStoreConfigFromEnv(profile: Profile, e: GraphStoreEnv): GraphStoreConfig {
  if (profile === 'lite') return { backend: 'memory' };
  const problems: Array<{ key: string; message: string }> = [];
  for (const key of ['NEO4J_URI', 'NEO4J_USER', 'NEO4J_PASSWORD'] as const) {
    if (!e[key]) problems.push({ key, message: 'is required when PROFILE=full' });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    backend: 'neo4j',
    uri: e.NEO4J_URI!,
    user: e.NEO4J_USER!,
    password: e.NEO4J_PASSWORD!,
    ...(e.NEO4J_DATABASE ? { database: e.NEO4J_DATABASE } : {}),
    timeoutMs: e.NEO4J_TIMEOUT_MS,
  };
}
