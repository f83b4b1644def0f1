import { createMetricsRegistry } from './metrics';

describe(createMetricsRegistry.name, () => {
  it('collects process metrics with the default labels', async () => {
    const sut = createMetricsRegistry({ defaultLabels: { service: 'ingestion' } });

    const text = await sut.metrics();

    expect(text).toContain('process_cpu_user_seconds_total{service="ingestion"}');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('can leave process metrics out', async () => {
    const sut = createMetricsRegistry({ collectDefaults: false });

    expect(await sut.metrics()).toBe('\n');
  });
});
