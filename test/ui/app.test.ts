import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { renderApp } from './helpers/ink-app.js';
import { KEYS } from './helpers/keys.js';

const fixture = fileURLToPath(new URL('../fixtures/ui-multi', import.meta.url)).replace('/dist/test/', '/test/');

test('first screen: every installation with its me and how many domains it accepts and delivers', async () => {
  const app = renderApp(fixture);
  const f = await app.waitFor((f) => f.includes('/var/qmail2') && !f.includes('loading'));
  assert.match(f, /\/var\/qmail +me mail\.example\.com +accepts 4 · delivers 3 domains/);
  assert.match(f, /\/var\/qmail2 +me shop\.example\.net +accepts 1 · delivers 1 domains/);
  assert.match(f, /q quit/);
  app.unmount();
});

test('help opens with ? and F1, lists keys from the keymap, and closes with Esc or q', async () => {
  const app = renderApp(fixture);
  await app.waitFor((f) => f.includes('/var/qmail2'));
  await app.press('?');
  let f = await app.waitFor((f) => f.includes('Keys —'));
  assert.match(f, /reload everything from disk/);
  await app.press(KEYS.esc);
  f = await app.waitFor((f) => !f.includes('Keys —'));
  await app.press(KEYS.f1);
  await app.waitFor((f) => f.includes('Keys —'));
  await app.press('q');
  f = await app.waitFor((f) => !f.includes('Keys —'));
  assert.match(f, /\/var\/qmail2/, 'q closed the overlay and the app is still there');
  app.unmount();
});

test('a sysroot with no installation says so on screen', async () => {
  const app = renderApp('/nonexistent-qlens-sysroot');
  const f = await app.waitFor((f) => f.includes('no qmail installation'));
  assert.match(f, /✗ error +no qmail installation found under \/nonexistent-qlens-sysroot/);
  app.unmount();
});
