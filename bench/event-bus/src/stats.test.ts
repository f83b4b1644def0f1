import { formatRate, makePayloads, median } from './stats';

describe('makePayloads', () => {
  it('makes valid JSON readings of exactly the requested size, keyed by machine', () => {
    const sut = makePayloads(50, 200, 7);
    expect(sut).toHaveLength(50);
    for (const p of sut) {
      expect(p.value.length).toBe(200);
      expect(JSON.parse(p.value.toString()).machine_id).toBe(p.key);
    }
    expect(new Set(sut.map((p) => p.key)).size).toBe(7);
  });

  it('refuses a size below the bare reading', () => {
    expect(() => makePayloads(1, 100, 1)).toThrow('below the minimum');
  });
});

describe('median', () => {
  it('takes the middle value or the mean of the two middle values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
  it('formats rates as whole numbers with separators', () => {
    expect(formatRate(51234.6)).toBe('51,235');
  });
});
