import {
  UsageError,
  choiceOption,
  closest,
  intOption,
  parseCommandArgs,
  positiveNumberOption,
  type OptionSpec,
} from './args';

const OPTIONS: OptionSpec[] = [
  { name: 'machines', type: 'string', description: 'machines' },
  { name: 'json', type: 'boolean', description: 'json' },
];

describe(parseCommandArgs.name, () => {
  it('returns option values by long name and the positionals', () => {
    const sut = parseCommandArgs('x', OPTIONS, ['--machines', '5', '--json', 'a'], { maxPositionals: 1 });
    expect(sut).toEqual({ values: { machines: '5', json: true }, positionals: ['a'] });
  });

  it('accepts -h for help on every command', () => {
    expect(parseCommandArgs('x', OPTIONS, ['-h']).values.help).toBe(true);
  });

  it('rejects an unknown option and suggests the close one', () => {
    expect(() => parseCommandArgs('x', OPTIONS, ['--machnes', '3'])).toThrow(
      new UsageError('unknown option --machnes (did you mean --machines?)', 'x'),
    );
  });

  it('rejects an unknown option without a suggestion when nothing is close', () => {
    expect(() => parseCommandArgs('x', OPTIONS, ['--zzzzzzzz'])).toThrow('unknown option --zzzzzzzz');
  });

  it('rejects a string option without its value', () => {
    expect(() => parseCommandArgs('x', OPTIONS, ['--machines'])).toThrow('--machines needs a value');
  });

  it('rejects a value on a boolean option', () => {
    expect(() => parseCommandArgs('x', OPTIONS, ['--json=yes'])).toThrow('--json takes no value');
  });

  it('rejects stray positionals', () => {
    expect(() => parseCommandArgs('x', OPTIONS, ['a', 'b'])).toThrow('unexpected arguments: a b');
    expect(() => parseCommandArgs('x', OPTIONS, ['a'])).toThrow('unexpected argument: a');
  });

  it('tags the error with its command', () => {
    try {
      parseCommandArgs('demo', OPTIONS, ['--nope']);
      throw new Error('expected a UsageError');
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).command).toBe('demo');
    }
  });
});

describe(intOption.name, () => {
  it('parses integers within bounds and passes undefined through', () => {
    expect(intOption('x', 'n', '42', { min: 0, max: 100 })).toBe(42);
    expect(intOption('x', 'n', undefined, { min: 0, max: 100 })).toBeUndefined();
  });

  it.each(['abc', '1.5', '-1', '101', '', 'NaN'])('rejects %j', (text) => {
    expect(() => intOption('x', 'n', text, { min: 0, max: 100 })).toThrow(
      `--n must be an integer from 0 to 100, got ${JSON.stringify(text)}`,
    );
  });
});

describe(positiveNumberOption.name, () => {
  it('parses decimals above zero', () => {
    expect(positiveNumberOption('x', 'rate', '2.5', { max: 10 })).toBe(2.5);
    expect(positiveNumberOption('x', 'rate', '.5', { max: 10 })).toBe(0.5);
    expect(positiveNumberOption('x', 'rate', undefined, { max: 10 })).toBeUndefined();
  });

  it.each(['0', '-1', '11', 'fast', '1e3', 'Infinity'])('rejects %j', (text) => {
    expect(() => positiveNumberOption('x', 'rate', text, { max: 10 })).toThrow(
      '--rate must be a number above 0',
    );
  });
});

describe(choiceOption.name, () => {
  it('accepts one of the choices', () => {
    expect(choiceOption('x', 'profile', 'full', ['lite', 'full'])).toBe('full');
    expect(choiceOption('x', 'profile', undefined, ['lite', 'full'])).toBeUndefined();
  });

  it('lists the choices when the value is not one', () => {
    expect(() => choiceOption('x', 'profile', 'medium', ['lite', 'full'])).toThrow(
      '--profile must be one of lite, full, got "medium"',
    );
  });
});

describe(closest.name, () => {
  it('finds a candidate within two edits, or nothing', () => {
    expect(closest('dmeo', ['demo', 'bench'])).toBe('demo');
    expect(closest('train', ['demo', 'bench'])).toBeUndefined();
  });
});
