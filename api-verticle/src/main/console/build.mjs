// Copies the console's front-end packages (ES modules and CSS from their npm tarballs) into the jar's ui/vendor/.
// Run by api-verticle's Maven build (generate-resources): node build.mjs <output dir>. Installs the packages from the
// lock file first when node_modules is missing or older than the lock file. Nothing is fetched when the console runs.

import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2];
if (!out) throw new Error('usage: node build.mjs <output dir>');

const installed = join(here, 'node_modules', '.package-lock.json');
const lock = join(here, 'package-lock.json');
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  execFileSync('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
    { cwd: here, stdio: 'inherit' });
}

// [package-relative source, name in ui/vendor/]
const files = [
  ['@xterm/xterm/lib/xterm.mjs', 'xterm.js'],
  ['@xterm/xterm/css/xterm.css', 'xterm.css'],
  ['@xterm/xterm/LICENSE', 'xterm.LICENSE'],
  ['js-yaml/dist/js-yaml.mjs', 'js-yaml.js'],
  ['js-yaml/LICENSE', 'js-yaml.LICENSE'],
];
mkdirSync(out, { recursive: true });
for (const [from, to] of files) {
  const source = join(here, 'node_modules', from);
  if (to.endsWith('.js')) {
    // The source map is not shipped: drop the comment that would make a browser's tools ask for it.
    writeFileSync(join(out, to), readFileSync(source, 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'));
  } else {
    copyFileSync(source, join(out, to));
  }
}
console.log(`console vendor files: ${files.map(([, to]) => to).join(', ')} -> ${out}`);
