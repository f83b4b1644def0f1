import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { simulatorEnv } from './config';
import { configTable, withConfigTable } from './config-docs';

describe(configTable.name, () => {
  it('lists each variable with its default or requirement and its description', () => {
    const table = configTable({
      A_URL: z.string().describe('An address'),
      B_LIST: z
        .string()
        .default('x,y')
        .transform((s) => s.split(','))
        .describe('A | list'),
      C_TOKEN: z.string().optional().describe('Optional'),
    });

    expect(table.split('\n')).toEqual([
      '| Variable | Default | Description |',
      '| --- | --- | --- |',
      '| `A_URL` | **required** | An address |',
      '| `B_LIST` | `x,y` | A \\| list |',
      '| `C_TOKEN` |  | Optional (secret) |',
    ]);
  });

  it('is what the README shows (run `pnpm docs:config` after changing src/config.ts)', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');

    expect(withConfigTable(readme, configTable(simulatorEnv))).toBe(readme);
  });

  it('needs the markers', () => {
    expect(() => withConfigTable('# no table', 'x')).toThrow(/markers/);
  });
});
