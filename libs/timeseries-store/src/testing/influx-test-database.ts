import { uniqueName } from '@industrialmind/testing';

/** A database made for one test, addressed as the v2 bucket `<database>/autogen`. */
export interface InfluxTestDatabase {
  database: string;
  bucket: string;
  drop(): Promise<void>;
}

async function influxql(url: string, statement: string, token?: string): Promise<void> {
  const res = await fetch(`${url.replace(/\/+$/, '')}/query`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(token ? { authorization: `Token ${token}` } : {}),
    },
    body: new URLSearchParams({ q: statement }).toString(),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (!res.ok || text.includes('"error"'))
    throw new Error(`InfluxQL ${statement} failed: HTTP ${res.status} ${text}`);
}

/**
 * Creates a uniquely named database on InfluxDB 1.8 (through its v1 `/query` endpoint: 1.8 has no bucket API),
 * so each test sees an empty bucket; `drop()` removes it again.
 */
export async function createInfluxTestDatabase(
  url: string,
  options: { prefix?: string; token?: string } = {},
): Promise<InfluxTestDatabase> {
  const database = uniqueName(options.prefix ?? 'tsstore');
  await influxql(url, `CREATE DATABASE "${database}"`, options.token);
  return {
    database,
    bucket: `${database}/autogen`,
    drop: () => influxql(url, `DROP DATABASE "${database}"`, options.token),
  };
}
