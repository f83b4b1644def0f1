import { deferred, sleep, uniqueName, waitFor } from './index';

describe('uniqueName', () => {
  it('makes distinct, topic-safe names with the prefix', () => {
    const a = uniqueName('Event Bus_test');
    const b = uniqueName('Event Bus_test');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^event-bus-test-[a-z0-9]+-[0-9a-f]{8}$/);
  });
});

describe('waitFor', () => {
  it('returns the first truthy value', async () => {
    let n = 0;
    await expect(waitFor(() => (++n >= 3 ? n : 0), { intervalMs: 1 })).resolves.toBe(3);
  });

  it('fails with the description and the last error after the timeout', async () => {
    await expect(
      waitFor(
        () => {
          throw new Error('not yet');
        },
        { timeoutMs: 30, intervalMs: 5, description: 'the broker' },
      ),
    ).rejects.toThrow('timed out after 30 ms waiting for the broker (last error: not yet)');
  });
});

describe('deferred', () => {
  it('resolves and rejects from outside', async () => {
    const d = deferred<number>();
    d.resolve(7);
    await expect(d.promise).resolves.toBe(7);
    const e = deferred();
    e.reject(new Error('x'));
    await expect(e.promise).rejects.toThrow('x');
    await sleep(1);
  });
});
