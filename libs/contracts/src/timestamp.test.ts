import { timestampToMs } from './timestamp';

describe(timestampToMs.name, () => {
  it('agrees with Date.parse on canonical UTC timestamps across four centuries', () => {
    let s = 7;
    const random = (): number => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
    for (let i = 0; i < 20_000; i++) {
      const ms = Math.floor((random() * 2 - 0.5) * 2 ** 43); // about 1690 to 2248
      const iso = new Date(ms).toISOString();
      expect(timestampToMs(iso)).toBe(ms);
      const seconds = `${iso.slice(0, 19)}Z`;
      expect(timestampToMs(seconds)).toBe(Date.parse(seconds));
    }
  });

  it.each([
    '2024-02-29T23:59:59.999Z',
    '2000-02-29T00:00:00.000Z',
    '1970-01-01T00:00:00.000Z',
    '1969-12-31T23:59:59.999Z',
    '0000-01-01T00:00:00.000Z',
    '2026-11-28T12:00:00+02:00',
    '2026-11-28T12:00:00.5Z',
    '2026-11-28T12:00:00.123456Z',
    '2023-02-29T00:00:00.000Z',
    '1900-02-29T00:00:00Z',
    '2026-13-01T00:00:00.000Z',
    '2026-11-31T00:00:00.000Z',
    '2026-11-28T24:00:00.000Z',
    '2026-11-28T12:60:00.000Z',
    '2026-11-28T12:00:60.000Z',
    '2026-1a-28T12:00:00.000Z',
    '2026-11-28 12:00:00.000Z',
    'not a timestamp at all..',
    '',
  ])('agrees with Date.parse on %p', (text) => {
    expect(timestampToMs(text)).toBe(Date.parse(text));
  });
});
