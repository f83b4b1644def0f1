import { createSinkServer, listenSink } from './sink';
import { bestMicros, clientStages, decodeStages, encodeStages, stageWorkload } from './stages';

const small = { readings: 2_000, machines: 20, perMessage: 50, batch: 500, repeats: 2 };

describe(bestMicros.name, () => {
  it('returns the fastest pass per item and runs the given number of passes', () => {
    let passes = 0;
    const us = bestMicros(1_000, 3, () => {
      passes++;
      let x = 0;
      for (let i = 0; i < 10_000; i++) x += Math.sqrt(i);
      if (x < 0) throw new Error('unreachable');
    });
    expect(passes).toBe(3);
    expect(us).toBeGreaterThan(0);
  });
});

describe(decodeStages.name, () => {
  it('decodes every reading of both forms, the row form in far fewer bytes', () => {
    const rows = decodeStages(stageWorkload('rows', small), small);
    const array = decodeStages(stageWorkload('array', small), small);

    for (const stage of [rows, array])
      for (const key of ['json_parse_us', 'collect_sensor_readings_us', 'to_point_us', 'validate_points_us'])
        expect(stage[key]).toBeGreaterThan(0);
    expect(rows.bytes_per_reading).toBeLessThan(array.bytes_per_reading! / 2);
  });
});

describe(encodeStages.name, () => {
  it('checks that both encoders write identical bytes', () => {
    const sut = encodeStages(stageWorkload('rows', small), small);

    expect(sut.identical).toBe(true);
    expect(sut.encode_lines_us).toBeGreaterThan(0);
    expect(sut.encode_ratio).toBeCloseTo(
      (sut.encode_lines_us as number) / (sut.to_lines_and_buffer_us as number),
      10,
    );
  });
});

describe(clientStages.name, () => {
  it('posts every body with both clients to a sink and reports CPU per point', async () => {
    const server = createSinkServer();
    let posts = 0;
    server.on('request', () => posts++);
    const port = await listenSink(server);
    try {
      const sut = await clientStages(stageWorkload('rows', small), { port, close: () => {} }, 1);

      // 2,000 readings in bodies of 500: 4 posts per client and round, a warm-up round and one counted.
      expect(posts).toBe(4 * 2 * 2);
      expect(sut.fetch_client_cpu_us).toBeGreaterThan(0);
      expect(sut.node_http_client_cpu_us).toBeGreaterThan(0);
      expect(sut.client_ratio).toBeCloseTo(sut.node_http_client_cpu_us! / sut.fetch_client_cpu_us!, 10);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
