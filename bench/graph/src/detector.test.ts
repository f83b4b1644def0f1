import { RobustZDetector } from './detector';

const T0 = Date.parse('2024-05-06T08:00:00Z');

/** A machine alternating between two load levels, with a little noise, every 10 s. */
function normal(i: number): Record<string, number> {
  const busy = Math.floor(i / 12) % 2 === 0;
  const wiggle = Math.sin(i * 1.7) * 0.05;
  return {
    power: (busy ? 20 : 2) + wiggle,
    pressure: (busy ? 6 : 0.3) + wiggle,
    temperature: 40 + wiggle,
    vibration: 2 + wiggle,
  };
}

describe(RobustZDetector.name, () => {
  it('stays quiet on normal bimodal operation and reports a pressure loss while busy, naming the channel', () => {
    const sut = new RobustZDetector();
    const events = [];
    for (let i = 0; i < 900; i++) {
      const r = normal(i);
      // From reading 700 on, a leak: pressure while busy drops to 3.3 bar, inside the overall 0.3-6 range.
      if (i >= 700 && r.power! > 10) r.pressure = 3.3;
      const e = sut.observe('m', T0 + i * 10_000, r);
      if (e) events.push({ i, ...e });
    }
    // One event per busy period with the leak (an idle period in between ends the event); none before it.
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(events[0]!.i).toBeGreaterThanOrEqual(700);
    expect(events[0]!.i).toBeLessThan(712);
    const c = events[0]!.contributions;
    expect(Object.entries(c).sort((a, b) => b[1] - a[1])[0]![0]).toBe('pressure');
    expect(events[0]!.eventId).toBe('m-evt-1');
  });

  it('uses only earlier readings: nothing is scored before the baseline has filled', () => {
    const sut = new RobustZDetector();
    for (let i = 0; i < 60; i++) {
      expect(sut.observe('m', T0 + i * 10_000, { power: i % 2 === 0 ? 1 : 1000 })).toBeUndefined();
    }
  });

  it('counts isolated spikes: three among ten readings start an event', () => {
    const sut = new RobustZDetector();
    let event;
    for (let i = 0; i < 700; i++) {
      const r = normal(i);
      if (i >= 600 && i % 3 === 0) r.power = 60;
      event ??= sut.observe('m', T0 + i * 10_000, r);
    }
    expect(event?.contributions.power).toBeGreaterThan(3);
  });
});
