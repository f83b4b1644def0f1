// Prints line coverage per package from each package's coverage/coverage-summary.json and fails below the floor.
const { readdirSync, readFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');

const FLOOR = 80;
const root = join(__dirname, '..');
const rows = [];
for (const group of ['libs', 'services', 'tools', 'bench']) {
  const dir = join(root, group);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir)) {
    const pkg = join(dir, name, 'package.json');
    if (!existsSync(pkg)) continue;
    const manifest = JSON.parse(readFileSync(pkg, 'utf8'));
    if (!manifest.scripts || !manifest.scripts['test:ci']) continue;
    const summary = join(dir, name, 'coverage', 'coverage-summary.json');
    if (!existsSync(summary)) {
      rows.push({ name: manifest.name, pct: NaN, covered: 0, total: 0 });
      continue;
    }
    const { lines } = JSON.parse(readFileSync(summary, 'utf8')).total;
    rows.push({ name: manifest.name, pct: lines.pct, covered: lines.covered, total: lines.total });
  }
}
const width = Math.max(...rows.map((r) => r.name.length));
let failed = 0;
process.stdout.write(`${'package'.padEnd(width)}  lines      covered/total\n`);
for (const r of rows) {
  const bad = !(r.pct >= FLOOR);
  if (bad) failed++;
  const pct = Number.isNaN(r.pct) ? '  n/a ' : `${r.pct.toFixed(1).padStart(5)}%`;
  process.stdout.write(
    `${r.name.padEnd(width)}  ${pct}   ${String(r.covered).padStart(6)}/${r.total}${bad ? '   < ' + FLOOR + ' %' : ''}\n`,
  );
}
if (failed > 0) {
  process.stderr.write(`${failed} package(s) below ${FLOOR} % line coverage or without a report\n`);
  process.exit(1);
}
