// Rewrites the configuration table of README.md from src/config.ts: `pnpm --filter @industrialmind/simulator docs:config`.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configTable, simulatorEnv, withConfigTable } from '@industrialmind/simulator';

const path = join(__dirname, '..', '..', 'README.md');
writeFileSync(path, withConfigTable(readFileSync(path, 'utf8'), configTable(simulatorEnv)));
process.stdout.write(`updated ${path}\n`);
