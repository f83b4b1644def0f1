import { createRandom, deriveSeed } from './random';

describe(createRandom.name, () => {
  it('repeats the same sequence for the same seed', () => {
    const a = createRandom(42);
    const b = createRandom(42);

    const first = Array.from({ length: 5 }, () => [a.next(), a.gaussian(), a.uniform(3, 4)]);
    const second = Array.from({ length: 5 }, () => [b.next(), b.gaussian(), b.uniform(3, 4)]);

    expect(first).toEqual(second);
  });

  it('gives different sequences for different seeds', () => {
    expect(createRandom(1).next()).not.toBe(createRandom(2).next());
  });

  it('draws uniforms in [0, 1) and standard normals', () => {
    const sut = createRandom(7);
    const n = 20_000;
    let sum = 0;
    let sumG = 0;
    let sumG2 = 0;
    for (let i = 0; i < n; i++) {
      const u = sut.next();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      sum += u;
      const g = sut.gaussian();
      sumG += g;
      sumG2 += g * g;
    }
    expect(sum / n).toBeCloseTo(0.5, 1);
    expect(sumG / n).toBeCloseTo(0, 1);
    expect(Math.sqrt(sumG2 / n)).toBeCloseTo(1, 1);
  });
});

describe(deriveSeed.name, () => {
  it('is stable and separates its inputs', () => {
    expect(deriveSeed(1, 'machine', 3)).toBe(deriveSeed(1, 'machine', 3));
    expect(deriveSeed(1, 'machine', 3)).not.toBe(deriveSeed(1, 'machine', 4));
    expect(deriveSeed(1, 'a', 12)).not.toBe(deriveSeed(1, 'a1', 2));
    expect(deriveSeed(5)).toBeGreaterThanOrEqual(0);
  });
});
