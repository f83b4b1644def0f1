// Package boundaries (STYLE.md, Layout): a lib depends only on libs; a service only on libs, never on another
// service; tools and benches on libs and services. Checked from each package.json, so a violation fails `make lint`.
const { readdirSync, readFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const kindOf = new Map();
const manifests = [];
for (const group of ['libs', 'services', 'tools', 'bench']) {
  const dir = join(root, group);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir)) {
    const file = join(dir, name, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    kindOf.set(manifest.name, group);
    manifests.push({ group, path: `${group}/${name}`, manifest });
  }
}

// tools/cli composes the lite profile (every service in one process), so it may import services; benches
// measure services end to end. Services never import each other.
const allowed = {
  libs: ['libs'],
  services: ['libs'],
  tools: ['libs', 'services'],
  bench: ['libs', 'services'],
};
const problems = [];
for (const { group, path, manifest } of manifests) {
  const deps = { ...manifest.dependencies, ...manifest.devDependencies };
  for (const dep of Object.keys(deps)) {
    const depKind = kindOf.get(dep);
    if (depKind === undefined) continue;
    if (!allowed[group].includes(depKind))
      problems.push(`${path} (${group}) must not depend on ${dep} (${depKind})`);
    if (!String(deps[dep]).startsWith('workspace:'))
      problems.push(`${path}: internal dependency ${dep} must use workspace:*`);
  }
}
if (problems.length > 0) {
  process.stderr.write(`package boundary violations:\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`package boundaries ok (${manifests.length} packages)\n`);
