// The header line of an installation whose programs were built for another
// home says so, the Problems part carries the error, and the Trace view says
// which queue its mail really enters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fixtureWithQueue, loadSession } from './helpers/session.js';
import { instanceLine } from '../../source/ui/header-text.js';
import { initialState, reduce } from '../../source/ui/store.js';
import { traceView } from '../../source/ui/views/trace-view.js';
import { veilView } from '../../source/ui/views/veil-view.js';
import { filePane, type TextRow } from '../../source/ui/views/text-pane.js';
import { elfStandIn } from '../helpers/elf-writer.js';

function withBin(dir: string, root: string, home: string, names: string[]): void {
  for (const n of names) {
    const p = path.join(dir, root, 'bin', n);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, elfStandIn({ home, rodata: [`${n}: fatal`, 'bin/qmail-queue'] }));
  }
}

test('header: "binaries built for /var/qmail" on the copied installation only, within 80 columns', async () => {
  const dir = fixtureWithQueue();
  withBin(dir, '/var/qmail', '/var/qmail', ['qmail-queue', 'qmail-send']);
  withBin(dir, '/var/qmail2', '/var/qmail', ['qmail-queue', 'qmail-send', 'qmail-smtpd']);
  const { data } = await loadSession(dir);
  const [a, b] = data.instances;
  assert.equal(a.binaryHomes, null);
  assert.deepEqual(b.binaryHomes, ['/var/qmail']);
  const line = instanceLine(b, 80);
  assert.ok(line.length <= 80);
  assert.match(line, /^\/var\/qmail2 +me shop\.example\.net {2}✗ binaries built for \/var\/qmail {2}accepts/);
  assert.doesNotMatch(instanceLine(a, 80), /binaries/);
  const p = data.parts.problems?.find((x) => x.code === 'veil-binaries-built-for-other-home');
  assert.ok(p, 'the checks report it');
  assert.equal(p.severity, 'error');
  assert.equal(data.parts.veil?.some((l) => l.kind === 'binaries-built-for-other-home'), true);
  // Its kind is longer than the Veil list's column: cut, with a space before the installations.
  const rows = veilView.pane({ data, ui: initialState(data), width: 80, height: 20 }).rows as TextRow[];
  const row = rows.find((r) => r.text.includes('binaries-built-for-other'))!;
  assert.match(row.text, /^L22 ✗ high   binaries-built-for-other-h… \/var\/qmail2, \/var\/qmail  /); // the installations by root, as every other view names them (issue 21 point 8)
});

test('header: a partial copy names both homes', async () => {
  const dir = fixtureWithQueue();
  withBin(dir, '/var/qmail2', '/var/qmail2', ['qmail-send', 'qmail-smtpd']);
  withBin(dir, '/var/qmail2', '/var/qmail', ['qmail-queue']);
  const { data } = await loadSession(dir);
  assert.deepEqual(data.instances[1].binaryHomes, ['/var/qmail2', '/var/qmail']);
  assert.match(instanceLine(data.instances[1], 100), /✗ binaries built for \/var\/qmail2 and \/var\/qmail/);
});

test('Trace view: a copied installation\'s mail enters the other queue, said under its outcome and on its hop', async () => {
  const dir = fixtureWithQueue();
  withBin(dir, '/var/qmail', '/var/qmail', ['qmail-queue', 'qmail-send', 'qmail-smtpd']);
  withBin(dir, '/var/qmail2', '/var/qmail', ['qmail-queue', 'qmail-send', 'qmail-smtpd']);
  const session = await loadSession(dir);
  const data = await session.request({ kind: 'trace', address: 'bob@shop.example.net' });
  const s = reduce(initialState(data), { type: 'trace', address: 'bob@shop.example.net' });
  const rows = (w: number) => traceView.pane({ data: s.data, ui: s, width: w, height: 20 }).rows as TextRow[];
  const text = rows(80).map((r) => r.text).join('\n');
  // /var/qmail2's virtualdomains is never read: its qmail-smtpd hands the mail to /var/qmail's queue.
  assert.match(text, /\/var\/qmail2\n +⇢ remote +bob@shop\.example\.net +hop 0\n +! enters \/var\/qmail\/queue: \/var\/qmail delivers it\n/);
  assert.doesNotMatch(text, /\/var\/qmail\n(.*\n)?.*! enters/);
  assert.match(text, /\/var\/qmail2 — the walk\nhop 0 +remote +bob@shop\.example\.net +in \/var\/qmail\n/);
  assert.match(text, /\/var\/qmail — the walk\nhop 0 +remote +bob@shop\.example\.net\n/);
  assert.ok(rows(80).find((r) => r.text.includes('! enters'))?.tone === 'warn');
  // Side by side, the line sits in /var/qmail2's column.
  const wide = rows(120).find((r) => r.text.includes('enters'))!;
  assert.deepEqual(wide.segments!.map((g) => g.text.trim()), ['', '! enters /var/qmail/queue: /var/qmail delivers it']);
});

test('Enter on a program a problem names: the file view lists it by its strings, the compiled-in home marked, not as bytes', async () => {
  const dir = fixtureWithQueue();
  const p = path.join(dir, '/var/qmail2/bin/qmail-queue');
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, elfStandIn({ home: '/var/qmail', rodata: ['qmail-queue: fatal', 'bin/qmail-queue'], symbols: true }));
  const session = await loadSession(dir);
  const data = await session.request({ kind: 'file', path: '/var/qmail2/bin/qmail-queue' });
  const rows = filePane('problems', data, initialState(data), { k: 'file', path: '/var/qmail2/bin/qmail-queue', line: null }).rows;
  assert.match(rows[0].text, /^a program \(ELF\), \d+ bytes; qlens reads it as bytes and never runs it$/);
  assert.match(rows[1].text, /^built for \/var\/qmail \(symbol auto_qmail at byte \d+\): the home compiled in from conf-qmail$/);
  const home = rows.filter((r) => r.text.includes('← the home'));
  assert.equal(home.length, 1);
  assert.match(home[0].text, /^\d+  \/var\/qmail   ← the home \(the symbol auto_qmail\)$/);
  assert.equal(home[0].tone, 'warn');
  assert.ok(rows.some((r) => /^\d+  qmail-queue: fatal$/.test(r.text)));
  // No escaped bytes of the ELF header: the rows are the listing, unnumbered.
  assert.ok(rows.every((r) => !r.text.includes('\\x')));
  // A text file is still shown line by line, numbered.
  const ctl = await session.request({ kind: 'file', path: '/var/qmail2/control/me' });
  assert.match(filePane('problems', ctl, initialState(ctl), { k: 'file', path: '/var/qmail2/control/me', line: 1 }).rows[0].text, /^1▶ shop\.example\.net$/);
});
