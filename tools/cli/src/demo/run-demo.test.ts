import { join } from 'node:path';
import { createMemoryEventBus, type EventBus } from '@industrialmind/event-bus';
import { createCapturedLogger } from '@industrialmind/logger/testing';
import { createEmbeddedTimeSeriesStore } from '@industrialmind/timeseries-store';
import { parseFaultOption } from '../commands/simulate';
import { runDemo, type DemoOptions } from './run-demo';

const MODEL_DIR = join(__dirname, '..', '..', '..', '..', 'models', 'anomaly');
const RUL_MODEL_DIR = join(__dirname, '..', '..', '..', '..', 'services', 'rul-api', 'models');

const OPTIONS: DemoOptions = {
  machines: 8,
  ratePerSec: 1000,
  durationSec: 2,
  seed: 7,
  badEvery: 50,
  json: true,
  drainTimeoutSec: 5,
  port: 0,
};

// A failed assertion must not leave a demo running (jest would never exit): every run is stopped after its test.
const stops: AbortController[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop.abort('test ended');
});

function setup(bus: EventBus = createMemoryEventBus()) {
  let output = '';
  const captured = createCapturedLogger({ level: 'warn' });
  const stop = new AbortController();
  stops.push(stop);
  const deps = {
    bus,
    logger: captured.logger,
    write: (text: string) => void (output += text),
    stopSignal: stop.signal,
    runId: 'test-run',
    reportIntervalMs: 250,
  };
  const lines = () =>
    output
      .trim()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { deps, stop, captured, lines, text: () => output };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(runDemo.name, () => {
  it('runs the data path: readings reach the store and the REST API, bad ones the DLQ, totals balance', async () => {
    const { deps, stop, lines, captured } = setup();
    const store = createEmbeddedTimeSeriesStore();
    const running = runDemo({ ...OPTIONS, durationSec: undefined }, { ...deps, store });

    await sleep(2000);
    const [start] = lines();
    expect(start).toMatchObject({ type: 'start', profile: 'lite', machines: 8, seed: 7, run_id: 'test-run' });
    const [latestUrl, readingsUrl] = start!.urls as string[];
    expect(latestUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/machines\/latest$/);
    const stored = await store.countPoints({ fromMs: 0, toMs: Date.now() + 60_000 });
    expect(stored).toBeGreaterThan(0);
    const latest = await fetch(latestUrl!);
    expect(latest.status).toBe(200);
    const body = JSON.stringify(await latest.json());
    expect(body).toContain('machine_id');
    const readings = await fetch(readingsUrl!);
    expect(readings.status).toBe(200);
    stop.abort('SIGINT');
    const sut = await running;

    expect(sut.written).toBeGreaterThanOrEqual(stored);
    expect(sut.deadLettered).toBeGreaterThan(0);
    expect(sut.deadLettered).toBe(sut.malformedSent);
    expect(sut.produced).toBe(sut.written + sut.deadLettered);
    expect(sut).toMatchObject({ isBalanced: true, isCleanShutdown: true, exitCode: 0, machinesSeen: 8 });
    const out = lines();
    const progress = out.filter((line) => line.type === 'progress');
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress.at(-1)).toMatchObject({ machines_seen: 8, last_dlq_reason: expect.any(String) });
    expect(out.at(-1)).toMatchObject({
      type: 'summary',
      balanced: true,
      produced: sut.produced,
      exit_code: 0,
    });
    expect(captured.find('first dead letter')).toMatchObject({ level: 'warn' });
    // The port is closed after the run.
    await expect(fetch(latestUrl!)).rejects.toThrow();
  }, 20_000);

  it('runs for --duration and prints the table with the URLs to try', async () => {
    const { deps, text } = setup();
    const sut = await runDemo({ ...OPTIONS, durationSec: 0.6, json: false, badEvery: 0 }, deps);
    expect(sut).toMatchObject({ isBalanced: true, deadLettered: 0, exitCode: 0 });
    expect(sut.written).toBeGreaterThan(0);
    expect(text()).toMatch(/curl 'http:\/\/127\.0\.0\.1:\d+\/machines\/latest'/);
    expect(text()).toMatch(/curl 'http:\/\/127\.0\.0\.1:\d+\/machines\/[a-z0-9-]+\/readings\?window=10s'/);
    expect(text()).toContain('elapsed   produced    written  readings/s');
    expect(text()).toContain('balanced       yes: produced = written + dead-lettered');
  }, 20_000);

  it('exits 1 and says so when messages go missing', async () => {
    const memory = createMemoryEventBus();
    let n = 0;
    // A bus that acknowledges every 10th reading but loses it.
    const lossy: EventBus = Object.assign(Object.create(memory) as EventBus, {
      publish: (topic: string, messages: Parameters<EventBus['publish']>[1]) =>
        memory.publish(topic, topic.endsWith('.dlq') ? messages : messages.filter(() => ++n % 10 !== 0)),
    });
    const { deps, text, captured } = setup(lossy);
    const sut = await runDemo({ ...OPTIONS, durationSec: 0.5, drainTimeoutSec: 0.3, json: false }, deps);
    expect(sut).toMatchObject({ isBalanced: false, exitCode: 1 });
    expect(text()).toContain('balanced       NO');
    expect(captured.find('ingestion did not catch up before the drain timeout')).toMatchObject({
      event: 'demo.shutdown.not_drained',
    });
    expect(captured.find('produced != written + dead-lettered')).toMatchObject({ level: 'error' });
  }, 20_000);

  it('throws when the port is taken, leaving nothing open', async () => {
    const first = setup();
    const running = runDemo({ ...OPTIONS, durationSec: undefined }, first.deps);
    await sleep(300);
    const port = Number(/:(\d+)\//.exec(first.lines()[0]!.urls as unknown as string)![1]);
    const closed: string[] = [];
    const memory = createMemoryEventBus();
    const bus: EventBus = Object.assign(Object.create(memory) as EventBus, {
      close: async () => void closed.push('bus'),
    });
    const { deps } = setup(bus);
    await expect(runDemo({ ...OPTIONS, port }, deps)).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(closed).toEqual(['bus']);
    first.stop.abort('SIGTERM');
    expect((await running).exitCode).toBe(0);
  }, 20_000);

  it('carries an injected fault through anomaly-api to stored root causes and an open alert', async () => {
    const { deps, stop, lines } = setup();
    const fault = 'centrifugal-pump-001';
    const running = runDemo(
      {
        ...OPTIONS,
        machines: 4,
        ratePerSec: 800,
        badEvery: 0,
        durationSec: undefined,
        // 200 simulated seconds per second at one reading per machine and simulated second (the models' sample
        // period): the 400-second cold start takes 2 s of wall time, and the fault starts right after it.
        speed: 200,
        faults: [parseFaultOption(`${fault}:cavitation:severity=1:start=420s`)],
      },
      { ...deps, anomalyModelDir: MODEL_DIR },
    );
    let chain: Record<string, unknown> | undefined;
    const deadline = Date.now() + 40_000;
    let analyses: Array<{ analysis_id: string; machine_id?: string }> = [];
    let alerts: Array<{ machine_id: string; status: string }> = [];
    while (Date.now() < deadline && (analyses.length === 0 || alerts.length === 0)) {
      await sleep(500);
      chain ??= lines().find((line) => line.type === 'chain');
      if (!chain) continue;
      const a = await fetch(`${String(chain.graph_api_url)}/analyses?limit=100`);
      analyses = ((await a.json()) as { analyses: typeof analyses }).analyses;
      const b = await fetch(`${String(chain.alerts_url)}/alerts?status=open`);
      alerts = ((await b.json()) as { alerts: typeof alerts }).alerts;
    }
    expect(chain).toMatchObject({ type: 'chain', plant_machines: 4 });
    expect(analyses.length).toBeGreaterThan(0);
    expect(alerts).toEqual(
      expect.arrayContaining([expect.objectContaining({ machine_id: fault, status: 'open' })]),
    );
    // graph-api ranked the anomaly against the demo plant: the faulty machine is among the candidates.
    const root = await fetch(`${String(chain!.graph_api_url)}/analyses?machine_id=${fault}&limit=1`).then(
      async (r) => (await r.json()) as { analyses: Array<{ candidates: Array<{ machine_id: string }> }> },
    );
    expect(root.analyses[0]!.candidates.map((c) => c.machine_id)).toContain(fault);
    stop.abort('SIGINT');
    const sut = await running;

    expect(sut).toMatchObject({ isBalanced: true, isCleanShutdown: true, exitCode: 0 });
    expect(sut.chain!.anomalyEvents).toBeGreaterThan(0);
    // One analysis per anomaly event (after the drain), deduplicated into at most one alert per machine and cause.
    expect(sut.chain!.analyses).toBe(sut.chain!.anomalyEvents);
    expect(sut.chain!.openAlerts).toBeGreaterThanOrEqual(1);
    expect(sut.chain!.openAlerts).toBeLessThanOrEqual(sut.chain!.anomalyEvents);
    const out = lines();
    expect(out.at(-1)).toMatchObject({
      type: 'summary',
      analyses: sut.chain!.analyses,
      open_alerts: sut.chain!.openAlerts,
    });
    expect(out.filter((line) => line.type === 'progress').at(-1)).toMatchObject({
      anomaly_events: expect.any(Number),
      open_alerts: expect.any(Number),
    });
    // Every port is closed after the run.
    await expect(fetch(`${String(chain!.alerts_url)}/healthz`)).rejects.toThrow();
    await expect(fetch(`${String(chain!.graph_api_url)}/healthz`)).rejects.toThrow();
  }, 60_000);

  it('forecasts the fleet remaining useful life with rul-api and serves it over REST', async () => {
    const { deps, stop, lines } = setup();
    const running = runDemo(
      // The simulator's RUL models sample every 20 simulated minutes and need 15 samples: 5 simulated hours,
      // 4.5 s of wall time at 4,000 simulated seconds per second; the test lets it run 10 s.
      { ...OPTIONS, machines: 4, ratePerSec: 800, badEvery: 0, durationSec: undefined, speed: 4000 },
      { ...deps, rulModelDir: RUL_MODEL_DIR, withChain: false },
    );
    let info: Record<string, unknown> | undefined;
    let forecast: Record<string, unknown> | undefined;
    const deadline = Date.now() + 40_000;
    let sawInfoAt: number | undefined;
    while (Date.now() < deadline && (sawInfoAt === undefined || Date.now() - sawInfoAt < 10_000)) {
      await sleep(500);
      info ??= lines().find((line) => line.type === 'rul-api');
      if (info) sawInfoAt ??= Date.now();
    }
    // The REST API forecasts a machine from the stream state the consumer built.
    if (info) {
      const res = await fetch(`${String(info.url)}/forecast`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ machine_id: 'cnc-mill-001' }),
      });
      forecast = (await res.json()) as Record<string, unknown>;
    }
    expect(info).toMatchObject({
      machine_types: expect.arrayContaining(['centrifugal-pump', 'cnc-mill', 'compressor', 'conveyor-motor']),
    });
    expect(forecast).toMatchObject({
      machine_id: 'cnc-mill-001',
      machine_type: 'cnc-mill',
      predicted_rul: expect.any(Number),
    });
    stop.abort('SIGINT');
    const sut = await running;

    expect(sut).toMatchObject({ isBalanced: true, isCleanShutdown: true, exitCode: 0 });
    const summary = lines().find((line) => line.type === 'rul-summary');
    expect(summary).toMatchObject({ machines: 4 });
    expect(summary!.predictions as number).toBeGreaterThanOrEqual(4);
    await expect(fetch(`${String(info!.url)}/healthz`)).rejects.toThrow();
  }, 60_000);
});
