import {
  CMAPSS_TURBOFAN_MACHINE_TYPE,
  DEFAULT_MACHINE_TYPES,
  SIMULATOR_MACHINE_TYPES,
  SKAB_MACHINE_TYPE,
  createDefaultMachineTypeRegistry,
} from './default-machine-types';

describe(createDefaultMachineTypeRegistry.name, () => {
  it('registers the simulator types, SKAB and C-MAPSS', () => {
    const sut = createDefaultMachineTypeRegistry();

    expect(sut.names()).toEqual([
      'centrifugal-pump',
      'cmapss-turbofan',
      'cnc-mill',
      'compressor',
      'conveyor-motor',
      'skab',
    ]);
    expect(DEFAULT_MACHINE_TYPES).toHaveLength(6);
  });

  it('adds extra types from configuration', () => {
    const sut = createDefaultMachineTypeRegistry([
      { name: 'fan', channels: [{ name: 'speed', unit: 'rpm' }] },
    ]);

    expect(sut.has('fan')).toBe(true);
    expect(sut.has('cnc-mill')).toBe(true);
  });

  it('gives every simulator type temperature, vibration, pressure and power with units and plausible ranges', () => {
    for (const type of SIMULATOR_MACHINE_TYPES) {
      expect(type.channels.map((c) => [c.name, c.unit])).toEqual([
        ['temperature', '°C'],
        ['vibration', 'mm/s'],
        ['pressure', 'bar'],
        ['power', 'kW'],
      ]);
      for (const channel of type.channels) expect(channel.min).toBeLessThan(channel.max!);
    }
  });

  it('maps every SKAB CSV column (../shared/datasets/skab) to a wire-safe channel', () => {
    // The exact header of the SKAB files, minus datetime and the two label columns.
    const header = [
      'Accelerometer1RMS',
      'Accelerometer2RMS',
      'Current',
      'Pressure',
      'Temperature',
      'Thermocouple',
      'Voltage',
      'Volume Flow RateRMS',
    ];

    expect(SKAB_MACHINE_TYPE.channels.map((c) => c.source_name)).toEqual(header);
    expect(SKAB_MACHINE_TYPE.channels.map((c) => c.name)).toEqual([
      'accelerometer1_rms',
      'accelerometer2_rms',
      'current',
      'pressure',
      'temperature',
      'thermocouple',
      'voltage',
      'volume_flow_rate_rms',
    ]);
  });

  it('declares the 3 C-MAPSS settings and 21 sensors in file column order', () => {
    const names = CMAPSS_TURBOFAN_MACHINE_TYPE.channels.map((c) => c.name);

    expect(names).toEqual([
      'setting_1',
      'setting_2',
      'setting_3',
      ...Array.from({ length: 21 }, (_, i) => `s_${i + 1}`),
    ]);
    expect(CMAPSS_TURBOFAN_MACHINE_TYPE.channels.find((c) => c.name === 's_2')).toMatchObject({
      source_name: 'T24',
      unit: '°R',
    });
  });
});
