#!/usr/bin/env node
// Rewrites the key list in README.md between <!-- keys:start --> and
// <!-- keys:end --> from the TUI's one keymap table (build first: npm run build).
// test/ui/keymap.test.ts fails when the README's list is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { keyListMarkdown } = await import(new URL('../dist/source/ui/keymap.js', import.meta.url).href);
const file = root + 'README.md';
const text = readFileSync(file, 'utf8');
const re = /(<!-- keys:start -->\n)[\s\S]*?(<!-- keys:end -->)/;
if (!re.test(text)) {
  process.stdout.write(keyListMarkdown());
  process.stderr.write('readme-keys: README.md has no <!-- keys:start --> / <!-- keys:end --> markers; the list is printed above\n');
  process.exit(1);
}
writeFileSync(file, text.replace(re, (_m, a, b) => a + keyListMarkdown() + b));
process.stderr.write('readme-keys: README.md key list updated\n');
