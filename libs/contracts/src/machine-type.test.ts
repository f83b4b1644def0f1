import { AppError } from '@industrialmind/errors';
import { createMachineTypeRegistry, type MachineType } from './machine-type';

const press: MachineType = {
  name: 'hydraulic-press',
  channels: [
    { name: 'pressure', unit: 'bar', min: 0, max: 400 },
    { name: 'oil_temperature', unit: '°C' },
  ],
};
const fan: MachineType = { name: 'fan', channels: [{ name: 'speed', unit: 'rpm' }] };

describe(createMachineTypeRegistry.name, () => {
  it('looks machine types up by name with their channel set precomputed', () => {
    const sut = createMachineTypeRegistry([press, fan]);

    const type = sut.get('hydraulic-press')!;

    expect(type.channels).toEqual(press.channels);
    expect(type.channelNames.has('oil_temperature')).toBe(true);
    expect(type.declaredChannels).toBe('pressure, oil_temperature');
    expect(sut.has('fan')).toBe(true);
    expect(sut.get('drill')).toBeUndefined();
    expect(sut.has('__proto__')).toBe(false);
  });

  it('lists names sorted', () => {
    const sut = createMachineTypeRegistry([press, fan]);

    expect(sut.names()).toEqual(['fan', 'hydraulic-press']);
    expect(sut.list().map((type) => type.name)).toEqual(['fan', 'hydraulic-press']);
  });

  it('keeps its own frozen copy, unaffected by later changes to the input', () => {
    const input: MachineType = { name: 'fan', channels: [{ name: 'speed', unit: 'rpm' }] };
    const sut = createMachineTypeRegistry([input]);

    input.channels.push({ name: 'current', unit: 'A' });

    expect(sut.get('fan')!.channels).toHaveLength(1);
    expect(Object.isFrozen(sut.get('fan')!.channels[0])).toBe(true);
  });

  it('rejects two types with the same name', () => {
    expect(() => createMachineTypeRegistry([fan, fan])).toThrow(
      'machine type #1: name "fan" is registered twice',
    );
  });

  it.each([
    [
      { name: 'Fan', channels: [{ name: 'speed', unit: 'rpm' }] },
      'machine type #0: name: must be a kebab-case name',
    ],
    [{ name: 'fan', channels: [] }, 'machine type #0: channels: must have at least 1 items'],
    [
      { name: 'fan', channels: [{ name: 'Speed RPM', unit: 'rpm' }] },
      'channels[0].name: must be a snake_case channel name',
    ],
    [{ name: 'fan', channels: [{ name: 'speed' }] }, 'channels[0].unit: is required'],
    [
      { name: 'fan', channels: [{ name: 'speed', unit: 'rpm', min: 10, max: 1 }] },
      'channels[0].min: min must not be greater than max',
    ],
    [
      {
        name: 'fan',
        channels: [
          { name: 'speed', unit: 'rpm' },
          { name: 'speed', unit: 'rpm' },
        ],
      },
      'channels[1].name: channel "speed" is declared twice',
    ],
  ])(
    'rejects an invalid machine type (%#) with a VALIDATION_FAILED error naming the problem',
    (type, message) => {
      const act = () => createMachineTypeRegistry([type as MachineType]);

      expect(act).toThrow(AppError);
      expect(act).toThrow(message);
    },
  );
});
