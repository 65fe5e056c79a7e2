// The Domains view shows each manager domain's counts (row and Enter), and
// the Dot-qmail view lists manager domains as domain → users → deliveries,
// on the bundled vpopmail and VMailMgr demos loaded by the real loader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { render } from 'ink-testing-library';
import { loadSession } from './helpers/session.js';
import { stripAnsi } from './helpers/keys.js';
import { initialState, reduce, type UiState } from '../../source/ui/store.js';
import { domainsView } from '../../source/ui/views/domains-view.js';
import { dotqmailView } from '../../source/ui/views/dotqmail-view.js';
import type { ViewDef } from '../../source/ui/views/view-types.js';
import type { TextRow } from '../../source/ui/views/text-pane.js';
import type { SessionData } from '../../source/ui/session-data.js';

let ROOT = path.dirname(new URL(import.meta.url).pathname);
while (!fs.existsSync(path.join(ROOT, 'package.json')) && ROOT !== '/') ROOT = path.dirname(ROOT);

const vpop = (await loadSession(path.join(ROOT, 'demo/vpopmail'))).data;
const vmm = (await loadSession(path.join(ROOT, 'demo/vmailmgr'))).data;

const pane = (v: ViewDef, s: UiState, width = 100) => v.pane({ data: s.data, ui: s, width, height: 20 });
function draw(v: ViewDef, s: UiState, width = 100, height = 20): string {
  const inst = render(v.render({ pane: pane(v, s, width), ui: s, data: s.data, width, height }));
  const f = stripAnsi(inst.lastFrame() ?? '');
  inst.unmount();
  return f;
}
const ui = (d: SessionData): UiState => initialState(d);

test('Domains: each manager domain row carries its users and aliases', () => {
  assert.deepEqual(vpop.errors, []);
  const wide = draw(domainsView, ui(vpop), 120);
  assert.match(wide, /example\.com +·locals ✓virtual=example\.com ✓rcpt ·more vpopmail 7 users 3 aliases/);
  assert.match(wide, /example\.net +·locals ✓virtual=example\.net ✓rcpt ·more vpopmail 3 users 1 alias\b/);
  assert.match(wide, /shop\.example +·locals ✓virtual=shop\.example ✓rcpt ·more vpopmail 2 users 0 aliases/);
  // 80 columns: one letter per flag, the counts as Nu/Na.
  const narrow = draw(domainsView, ui(vpop), 80, 24);
  assert.match(narrow, /alias\.example +·VR· vpop 7u\/3a/);
  assert.match(narrow, /example\.net +·VR· vpop 3u\/1a/);
  assert.match(draw(domainsView, ui(vmm), 80, 24), /mydomain\.org +·VR· vmm 7u\/1a/);
});

test('Domains → Enter: the manager line with users, aliases and the catch-all kind, and the table problems', () => {
  let s = ui(vpop);
  const p = pane(domainsView, s);
  const net = p.rows.find((r: { domain: string }) => r.domain === 'example.net')!;
  s = reduce(s, p.open!(net)!);
  const frame = draw(domainsView, s, 160, 24);
  assert.match(frame, /manager +vpopmail: 3 users, 1 alias, catch-all delete/);
  const texts = pane(domainsView, s).rows.map((r: TextRow) => r.text);
  assert.ok(texts.some((t: string) => /! warning +\/home\/vpopmail\/domains\/example\.net\/vpasswd: vpasswd is newer than vpasswd\.cdb/.test(t)));

  let v = ui(vmm);
  const vp = pane(domainsView, v);
  v = reduce(v, vp.open!(vp.rows.find((r: { domain: string }) => r.domain === 'alias.org')!)!);
  assert.match(draw(domainsView, v, 120, 24), /manager +VMailMgr: 7 users, 1 alias, catch-all forward postmaster/);
});

test('Dot-qmail: a manager domain, its users, and each user\'s deliveries beneath it', () => {
  // Branches carry a fold mark ("- " open, "+ " folded); leaves two spaces.
  const rows = pane(dotqmailView, ui(vpop)).rows.map((r: TextRow) => r.text);
  const at = (re: RegExp): number => rows.findIndex((t: string) => re.test(t));
  const dom = at(/^ {4}- example\.net:example\.net +\(line 2\) +vpopmail: 3 users, 1 alias, catch-all delete$/);
  assert.ok(dom >= 0, rows.join('\n'));
  const bob = at(/^ {6}- user +bob +2 deliveries/);
  assert.ok(bob > dom);
  // bob's own .qmail: its comment line delivers nothing and is not listed.
  assert.deepEqual(rows.slice(bob + 1, bob + 3), ['          → ./Maildir/', '          → &archive@other.org']);
  assert.ok(at(/^ {8}user +joe +\/home\/vpopmail\/domains\/example\.com\/joe\/Maildir\//) > at(/^ {4}- example\.com:example\.com/));
  assert.ok(at(/^ {8}catch-all \(unknown users\) +path \/home\/vpopmail\/domains\/shop\.example\/postmaster\/Maildir\//) > 0);

  const vrows = pane(dotqmailView, ui(vmm)).rows.map((r: TextRow) => r.text);
  const sales = vrows.findIndex((t: string) => /^ {6}- user +sales +3 deliveries/.test(t));
  assert.deepEqual(vrows.slice(sales + 1, sales + 4), ['          → /home/myuser/users/sales/', '          → forward a@x.net', '          → forward b@y.net']);
});
