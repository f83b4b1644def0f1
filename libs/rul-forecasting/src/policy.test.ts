import { decideAction } from './policy';

describe(decideAction.name, () => {
  it.each([
    [10, 'cycles', 'critical'],
    [15, 'cycles', 'critical'],
    [30, 'cycles', 'high'],
    [60, 'cycles', 'medium'],
    [120, 'cycles', 'low'],
    [20, 'hours', 'critical'],
    [48, 'hours', 'high'],
    [100, 'hours', 'medium'],
    [500, 'hours', 'low'],
  ] as const)('lower bound %d %s gives priority %s', (lower, unit, priority) => {
    expect(decideAction(lower, lower + 10, unit).priority).toBe(priority);
  });

  it('names the lower bound and the unit in the action', () => {
    const sut = decideAction(30.7, 55.2, 'cycles');
    expect(sut.recommended_action).toBe(
      'Schedule maintenance within 30 cycles (most likely remaining life 55 cycles).',
    );
  });

  it('never shows a negative amount', () => {
    expect(decideAction(-1, 0, 'hours').recommended_action).toContain('as short as 0 hours');
  });
});
