import { MachineWindows, buildWindow } from './window';

describe(buildWindow.name, () => {
  it('takes the last readings when there are more than the window', () => {
    const rows = [
      [1, 10],
      [2, 20],
      [3, 30],
      [4, 40],
    ];
    expect(Array.from(buildWindow(rows, 2, 2))).toEqual([3, 30, 4, 40]);
  });

  it('pads a short history by repeating its first reading at the front', () => {
    const rows = [
      [1, 10],
      [2, 20],
    ];
    expect(Array.from(buildWindow(rows, 4, 2))).toEqual([1, 10, 1, 10, 1, 10, 2, 20]);
  });

  it('rejects an empty history', () => {
    expect(() => buildWindow([], 3, 2)).toThrow('at least one reading');
  });
});

describe(MachineWindows.name, () => {
  it('keeps at most capacity readings per machine, newest last', () => {
    const sut = new MachineWindows(2);
    sut.push('m1', Float64Array.of(1));
    sut.push('m1', Float64Array.of(2));
    expect(sut.push('m1', Float64Array.of(3))).toBe(2);
    expect(sut.get('m1')!.map((r) => r[0])).toEqual([2, 3]);
  });

  it('drops the least recently updated machine beyond maxMachines', () => {
    const sut = new MachineWindows(2, 2);
    sut.push('a', Float64Array.of(1));
    sut.push('b', Float64Array.of(1));
    sut.push('a', Float64Array.of(2));
    sut.push('c', Float64Array.of(1));
    expect(sut.get('b')).toBeUndefined();
    expect(sut.get('a')).toHaveLength(2);
    expect(sut.size).toBe(2);
    sut.clear('a');
    expect(sut.get('a')).toBeUndefined();
  });
});
