import { envSchema, loadConfig } from '@industrialmind/config';
import { graphStoreConfigFromEnv, graphStoreEnv } from './env';

const schema = envSchema(graphStoreEnv);

describe(graphStoreConfigFromEnv.name, () => {
  it('builds the memory store for lite without any Neo4j variable', () => {
    expect(graphStoreConfigFromEnv('lite', loadConfig(schema, {}))).toEqual({ backend: 'memory' });
  });

  it('requires the URI, user and password for full, listing each missing one', () => {
    expect(() =>
      graphStoreConfigFromEnv('full', loadConfig(schema, { NEO4J_URI: 'bolt://127.0.0.1:7687' })),
    ).toThrow(/NEO4J_USER[\s\S]*NEO4J_PASSWORD/);
  });

  it('passes the connection settings through for full', () => {
    const e = loadConfig(schema, {
      NEO4J_URI: 'bolt://127.0.0.1:7687',
      NEO4J_USER: 'neo4j',
      NEO4J_PASSWORD: 'secret-pw',
      NEO4J_DATABASE: 'neo4j',
      NEO4J_TIMEOUT_MS: '2s',
    });
    expect(graphStoreConfigFromEnv('full', e)).toEqual({
      backend: 'neo4j',
      uri: 'bolt://127.0.0.1:7687',
      user: 'neo4j',
      password: 'secret-pw',
      database: 'neo4j',
      timeoutMs: 2000,
    });
  });

  it('rejects a URI that is not Bolt', () => {
    expect(() => loadConfig(schema, { NEO4J_URI: 'http://127.0.0.1:7474' })).toThrow(/NEO4J_URI/);
  });
});
