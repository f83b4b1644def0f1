import { ConfigError } from '@industrialmind/config';
import { relationalStoreConfigFromEnv } from './env';
import { createRelationalStore } from './factory';
import { PrismaRelationalStore } from './prisma-store';
import { translateError } from './prisma-store';
import { ErrorCode } from '@industrialmind/errors';

const base = { DATABASE_SCHEMA: 'public', DATABASE_POOL_MAX: 10 };

describe(relationalStoreConfigFromEnv.name, () => {
  it('chooses PGlite for lite, in memory unless a folder is given', () => {
    expect(relationalStoreConfigFromEnv('lite', base)).toEqual({ backend: 'pglite' });
    expect(relationalStoreConfigFromEnv('lite', { ...base, PGLITE_DATA_DIR: '/tmp/x' })).toEqual({
      backend: 'pglite',
      dataDir: '/tmp/x',
    });
  });

  it('requires DATABASE_URL for full', () => {
    expect(() => relationalStoreConfigFromEnv('full', base)).toThrow(ConfigError);
    expect(relationalStoreConfigFromEnv('full', { ...base, DATABASE_URL: 'postgresql://u:p@h/db' })).toEqual({
      backend: 'postgres',
      url: 'postgresql://u:p@h/db',
      schema: 'public',
      poolMax: 10,
    });
  });
});

describe(createRelationalStore.name, () => {
  it('builds the adapter the config names', async () => {
    const lite = createRelationalStore({ backend: 'pglite' });
    const full = createRelationalStore({ backend: 'postgres', url: 'postgresql://u:p@127.0.0.1:1/db' });
    expect(lite).toBeInstanceOf(PrismaRelationalStore);
    expect(full).toBeInstanceOf(PrismaRelationalStore);
    await expect(full.connect()).rejects.toMatchObject({
      code: ErrorCode.UPSTREAM_UNAVAILABLE,
      retryable: true,
    });
    await lite.close();
    await full.close();
  });
});

describe(translateError.name, () => {
  it('maps Prisma and PostgreSQL failures to coded errors with a retry hint', () => {
    expect(translateError({ code: 'P2025', message: 'x' }, 'op')).toMatchObject({
      code: ErrorCode.NOT_FOUND,
    });
    expect(translateError({ code: 'P2002', message: 'x' }, 'op')).toMatchObject({ code: ErrorCode.CONFLICT });
    expect(
      translateError(
        { message: 'deadlock', meta: { driverAdapterError: { cause: { originalCode: '40P01' } } } },
        'op',
      ),
    ).toMatchObject({
      code: ErrorCode.UPSTREAM_UNAVAILABLE,
      retryable: true,
      details: { sqlState: '40P01' },
    });
    expect(translateError({ code: 'ECONNREFUSED', message: 'refused' }, 'op')).toMatchObject({
      code: ErrorCode.UPSTREAM_UNAVAILABLE,
    });
    expect(translateError(new Error('syntax error at or near'), 'op')).toMatchObject({
      code: ErrorCode.INTERNAL,
      retryable: false,
    });
  });
});
