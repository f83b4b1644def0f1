import { ConfigError } from '@industrialmind/config';
import { relationalStoreConfigFromEnv } from './env';
import { createRelationalStore } from './factory';
import {
  CONFLICT_ATTEMPTS,
  PrismaRelationalStore,
  isConflictAbort,
  translateError,
  type PrismaBackend,
} from './prisma-store';
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

describe('conflict aborts (deadlock, serialization failure)', () => {
  const abort = (sqlState: string) => ({
    message: 'aborted',
    meta: { driverAdapterError: { cause: { originalCode: sqlState } } },
  });
  const storeWith = (queryRawUnsafe: () => Promise<unknown>) =>
    new PrismaRelationalStore({
      name: 'fake',
      client: { $queryRawUnsafe: queryRawUnsafe } as unknown as PrismaBackend['client'],
      migrate: async () => {},
      close: async () => {},
      supportsSkipLocked: true,
    });

  it('recognises deadlocks and serialization failures, nothing else', () => {
    expect(isConflictAbort(translateError(abort('40P01'), 'op'))).toBe(true);
    expect(isConflictAbort(translateError(abort('40001'), 'op'))).toBe(true);
    expect(isConflictAbort(translateError(abort('57P01'), 'op'))).toBe(false);
    expect(isConflictAbort(translateError({ code: 'P2002', message: 'x' }, 'op'))).toBe(false);
  });

  it('runs an operation again after a deadlock, and gives up after a bounded number of attempts', async () => {
    let calls = 0;
    const recovers = storeWith(async () => {
      if (++calls < 3) throw abort('40P01');
      return [];
    });
    await expect(recovers.ping()).resolves.toBeUndefined();
    expect(calls).toBe(3);

    let stuckCalls = 0;
    const stuck = storeWith(async () => {
      stuckCalls++;
      throw abort('40001');
    });
    await expect(stuck.ping()).rejects.toMatchObject({ details: { sqlState: '40001' } });
    expect(stuckCalls).toBe(CONFLICT_ATTEMPTS);

    let otherCalls = 0;
    const broken = storeWith(async () => {
      otherCalls++;
      throw new Error('syntax error at or near');
    });
    await expect(broken.ping()).rejects.toMatchObject({ code: ErrorCode.INTERNAL });
    expect(otherCalls).toBe(1);
  });
});
