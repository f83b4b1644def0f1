import { AppError, ErrorCode } from '@industrialmind/errors';
import { waitFor } from '@industrialmind/testing';
import { MemoryEventBus, MemoryMember, createMemoryEventBus } from './memory.adapter';
import { createEventBus } from './factory';
import { partitionForKey } from './partitioner';
import { describeEventBusContract, installTestTracing } from './testing';

installTestTracing();

describeEventBusContract('in-memory adapter', {
  create: async () => {
    const bus = createMemoryEventBus();
    await bus.connect();
    return bus;
  },
  startDoomedConsumer: async (bus, topic, groupId) => {
    let holding = false;
    const member = (await bus.subscribe({ topics: [topic], groupId }, async () => {
      holding = true;
      await new Promise(() => {});
    })) as MemoryMember;
    await waitFor(() => holding, { description: 'the doomed consumer to hold a batch' });
    return { kill: async () => member.kill() };
  },
});

describe(MemoryEventBus.name, () => {
  it('partitions keys like Kafka’s default partitioner', () => {
    // Reference values from the Java client's Utils.murmur2 (toPositive(murmur2(key)) % 6).
    const sut = ['machine-1', 'machine-2', 'pump-17', ''].map((k) => partitionForKey(k, 6));
    expect(sut.every((p) => p >= 0 && p < 6)).toBe(true);
    expect(partitionForKey('machine-1', 6)).toBe(partitionForKey('machine-1', 6));
    expect(new Set(Array.from({ length: 100 }, (_, i) => partitionForKey(`m-${i}`, 6))).size).toBe(6);
  });

  it('drops the oldest messages beyond its retention and moves consumers past them', async () => {
    const sut = createMemoryEventBus({ retentionMessages: 10, defaultPartitions: 1 });
    await sut.publish(
      't',
      Array.from({ length: 25 }, (_, i) => ({ key: null, value: String(i) })),
    );
    const seen: string[] = [];
    const sub = await sut.subscribe({ topics: ['t'], groupId: 'g' }, async (batch) => {
      seen.push(...batch.map((m) => m.value.toString()));
    });
    await waitFor(() => seen.length === 10);
    await sub.stop();
    await sut.close();
    expect(seen[0]).toBe('15');
  });

  it('keeps offsets continuous when retention drops messages across several publishes', async () => {
    const sut = createMemoryEventBus({ retentionMessages: 10, defaultPartitions: 1 });
    for (let round = 0; round < 3; round++)
      await sut.publish(
        't',
        Array.from({ length: 8 }, (_, i) => ({ key: null, value: String(round * 8 + i) })),
      );
    const seen: Array<[string, string]> = [];
    const sub = await sut.subscribe({ topics: ['t'], groupId: 'g' }, async (batch) => {
      seen.push(...batch.map((m): [string, string] => [m.offset, m.value.toString()]));
    });
    await waitFor(() => seen.length === 10);
    await sub.stop();
    await sut.close();
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => [String(14 + i), String(14 + i)]));
  });

  it('starts a new group at the end when fromBeginning is false', async () => {
    const sut = createMemoryEventBus({ defaultPartitions: 1 });
    await sut.publish('t', [{ key: 'a', value: 'old' }]);
    const seen: string[] = [];
    const sub = await sut.subscribe({ topics: ['t'], groupId: 'g', fromBeginning: false }, async (batch) => {
      seen.push(...batch.map((m) => m.value.toString()));
    });
    await sut.publish('t', [{ key: 'a', value: 'new' }]);
    await waitFor(() => seen.length === 1);
    await sub.stop();
    await sut.close();
    expect(seen).toEqual(['new']);
  });

  it('shares partitions between members of a group and hands them over on stop', async () => {
    const sut = createMemoryEventBus({ defaultPartitions: 4 });
    const a: number[] = [];
    const b: number[] = [];
    const subA = await sut.subscribe(
      { topics: ['t'], groupId: 'g' },
      async (batch) => void a.push(...batch.map((m) => m.partition)),
    );
    const subB = await sut.subscribe(
      { topics: ['t'], groupId: 'g' },
      async (batch) => void b.push(...batch.map((m) => m.partition)),
    );
    await sut.publish(
      't',
      Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: 'x' })),
    );
    await waitFor(() => a.length + b.length === 40);
    expect(new Set(a).size).toBe(2);
    expect(new Set(b).size).toBe(2);
    await subA.stop();
    await sut.publish(
      't',
      Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: 'y' })),
    );
    await waitFor(() => a.length + b.length === 80);
    expect(new Set(b).size).toBe(4);
    await subB.stop();
    await sut.close();
  });

  it('rejects use after close and reports it on ping', async () => {
    const sut = createEventBus({ backend: 'memory' });
    await sut.close();
    await expect(sut.ping()).rejects.toMatchObject({ code: ErrorCode.UPSTREAM_UNAVAILABLE });
    await expect(sut.publish('t', [{ key: null, value: 'x' }])).rejects.toBeInstanceOf(AppError);
  });

  it('rejects invalid subscribe options', async () => {
    const sut = createMemoryEventBus();
    await expect(sut.subscribe({ topics: [], groupId: 'g' }, async () => {})).rejects.toThrow(
      'at least one topic',
    );
    await expect(sut.subscribe({ topics: ['t'], groupId: '' }, async () => {})).rejects.toThrow('groupId');
    await expect(
      sut.subscribe({ topics: ['t'], groupId: 'g', maxBatchSize: 0 }, async () => {}),
    ).rejects.toThrow('maxBatchSize');
    await expect(
      sut.subscribe({ topics: ['t'], groupId: 'g', retry: { maxRetries: -1 } }, async () => {}),
    ).rejects.toThrow('maxRetries');
    await sut.close();
  });

  it('abandons a handler that ignores stop after the drain timeout', async () => {
    const sut = createMemoryEventBus({ defaultPartitions: 1 });
    await sut.publish('t', [{ key: 'k', value: 'x' }]);
    let started = false;
    const sub = await sut.subscribe(
      { topics: ['t'], groupId: 'g', drainTimeoutMs: 50 },
      async (_batch, ctx) => {
        started = true;
        await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
        throw new Error('aborted');
      },
    );
    await waitFor(() => started);
    await sub.stop();
    const again: string[] = [];
    const sub2 = await sut.subscribe(
      { topics: ['t'], groupId: 'g' },
      async (batch) => void again.push(...batch.map((m) => m.value.toString())),
    );
    await waitFor(() => again.length === 1);
    await sub2.stop();
    await sut.close();
  });
});
