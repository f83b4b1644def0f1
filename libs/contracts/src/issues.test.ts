import { closestMatch, describeValue, failure, formatPath, IssueCode, MAX_ISSUES } from './issues';

describe(formatPath.name, () => {
  it('joins identifier keys with dots, indexes with brackets and quotes odd keys', () => {
    expect(formatPath([])).toBe('');
    expect(formatPath(['readings', 'temperature'])).toBe('readings.temperature');
    expect(formatPath(['channels', 2, 'name'])).toBe('channels[2].name');
    expect(formatPath(['readings', 'Volume Flow RateRMS'])).toBe('readings["Volume Flow RateRMS"]');
    expect(formatPath(['metadata', '1st'])).toBe('metadata["1st"]');
  });
});

describe(describeValue.name, () => {
  it('renders received values briefly and safely', () => {
    expect(describeValue(undefined)).toBe('nothing');
    expect(describeValue('a"b')).toBe('"a\\"b"');
    expect(describeValue(-Infinity)).toBe('-Infinity');
    expect(describeValue(10n)).toBe('10n');
    expect(describeValue(() => 1)).toBe('a function');
    expect(describeValue(new Map())).toBe('an object');
  });
});

describe(failure.name, () => {
  it('keeps at most MAX_ISSUES issues and spells out the first ten in the reason', () => {
    const issues = Array.from({ length: MAX_ISSUES + 5 }, (_, i) => ({
      code: IssueCode.INVALID_TYPE,
      path: `f${i}`,
      message: 'bad',
    }));

    const sut = failure(issues);

    expect(sut.issues).toHaveLength(MAX_ISSUES);
    expect(sut.reason).toBe(
      `${Array.from({ length: 10 }, (_, i) => `f${i}: bad`).join('; ')}; and 95 more issues`,
    );
  });

  it('says "1 more issue" in the singular', () => {
    const issues = Array.from({ length: 11 }, (_, i) => ({
      code: IssueCode.INVALID_TYPE,
      path: `f${i}`,
      message: 'bad',
    }));

    expect(failure(issues).reason).toMatch(/; and 1 more issue$/);
  });
});

describe(closestMatch.name, () => {
  it('suggests a candidate within a few edits, ignoring case, and nothing otherwise', () => {
    expect(closestMatch('temprature', ['temperature', 'vibration'])).toBe('temperature');
    expect(closestMatch('VIBRATION', ['temperature', 'vibration'])).toBe('vibration');
    expect(closestMatch('humidity', ['temperature', 'vibration'])).toBeUndefined();
    expect(closestMatch('x', ['temperature'])).toBeUndefined();
  });
});
