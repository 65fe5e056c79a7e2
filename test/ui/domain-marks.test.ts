// Issue 14 point 6: the Domains view marks a domain exactly when `qlens check`
// has an error about the way its mail goes (pure function over sysroots, and
// the view drawn from a session the real loader made).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import React from 'react';
import { render } from 'ink-testing-library';
import { makeFixture } from '../helpers/fixture.js';
import { loadSession } from './helpers/session.js';
import { stripAnsi } from './helpers/keys.js';
import { Sysroot } from '../../source/sysroot/sysroot.js';
import { loadInstallation, systemUsersOf } from '../../source/qmail/installation.js';
import { lintInstallations } from '../../source/qmail/lint.js';
import { veilLintRule } from '../../source/veil/index.js';
import { compileUsersCdb } from '../../source/qmail/assign.js';
import { domainErrors } from '../../source/ui/domain-marks.js';
import { domainsView, cellText } from '../../source/ui/views/domains-view.js';
import { initialState, reduce, type UiAction } from '../../source/ui/store.js';

const DEMO = (name: string) => path.join(fileURLToPath(new URL('../../../demo', import.meta.url)), name);

function marks(sysroot: Sysroot, roots: string[]) {
  const installs = roots.map((r) => loadInstallation(sysroot, r));
  const users = systemUsersOf(sysroot);
  const problems = lintInstallations(installs, users, [veilLintRule]);
  const de = domainErrors(installs, users, problems);
  const flat: Record<string, string[]> = {};
  for (const [root, byDomain] of Object.entries(de)) for (const [d, is] of Object.entries(byDomain)) flat[`${root} ${d}`] = is.map((i) => `${problems[i].path}:${problems[i].line} ${problems[i].code}`);
  return { flat, problems };
}

test('an error on the users/assign line qmail-lspawn takes for a virtual domain marks that domain, and no other', () => {
  const assign = '+shop-:shop:1500:1500:/home/shop:-::\n.\n';
  const fx = makeFixture({
    '/etc/passwd': 'alias:x:7790:2108::/var/qmail/alias:/bin/true\nalice:x:1001:1001::/home/alice:/bin/sh\n',
    '/var/qmail/control/me': 'mail.example.com\n',
    '/var/qmail/control/locals': 'mail.example.com\n',
    '/var/qmail/control/rcpthosts': 'mail.example.com\nshop.example\nother.example\n',
    '/var/qmail/control/virtualdomains': 'shop.example:shop\nother.example:alice\n',
    '/var/qmail/users/assign': assign,
    '/var/qmail/users/cdb': compileUsersCdb(Buffer.from(assign)),
    '/var/qmail/alias/.qmail-default': './Mailbox\n',
    '/home/alice/.qmail': './Maildir/\n',
  });
  const { flat, problems } = marks(fx.sysroot(), ['/var/qmail']);
  // check: the home of +shop- does not exist (an error at users/assign line 1).
  assert.ok(problems.some((p) => p.severity === 'error' && p.code === 'assign-home-missing' && p.line === 1));
  assert.deepEqual(flat, { '/var/qmail shop.example': ['/var/qmail/users/assign:1 assign-home-missing'] });
  // An error about a shared file as a whole (users/assign without users/cdb) concerns every domain alike: it marks none.
  fs.rmSync(fx.host('/var/qmail/users/cdb'));
  const again = marks(fx.sysroot(), ['/var/qmail']);
  assert.ok(again.problems.some((p) => p.severity === 'error' && p.code === 'cdb-missing' && p.line === null));
  assert.ok(!Object.values(again.flat).flat().some((x) => x.includes('cdb-missing')), JSON.stringify(again.flat));
});

test('the demos: a vpopmail catch-all error marks its domain; a veil error on an rcpthosts line marks that row of that installation', () => {
  assert.deepEqual(marks(new Sysroot(DEMO('vpopmail')), ['/var/qmail']).flat, {
    '/var/qmail shop.example': ['/home/vpopmail/domains/shop.example/.qmail-default:1 vpopmail-catchall-maildir'],
  });
  assert.deepEqual(marks(new Sysroot(DEMO('multi')), ['/var/qmail', '/var/qmail2', '/var/qmail3']).flat, {
    '/var/qmail2 mail.a.example': ['/var/qmail2/control/rcpthosts:1 veil-domain-in-two-installations'],
    '/var/qmail2 shop.example': ['/var/qmail2/control/rcpthosts:6 veil-domain-in-two-installations'],
  });
  assert.deepEqual(marks(new Sysroot(DEMO('plain')), ['/var/qmail']).flat, {});
});

test('the Domains view: a row check has errors for says so (✗N), in its cell and its detail, from the loader', async () => {
  const session = await loadSession(DEMO('vpopmail'));
  const d = session.data;
  assert.deepEqual(d.parts.domainErrors?.['/var/qmail'] && Object.keys(d.parts.domainErrors['/var/qmail']), ['shop.example']);
  const ui = (...as: UiAction[]) => as.reduce(reduce, initialState(d));
  const draw = (s: ReturnType<typeof ui>, width: number) => {
    const p = domainsView.pane({ data: s.data, ui: s, width, height: 20 });
    const inst = render(domainsView.render({ pane: p, ui: s, data: s.data, width, height: 20 }));
    const f = stripAnsi(inst.lastFrame() ?? '');
    inst.unmount();
    return f;
  };
  assert.match(draw(ui(), 80), /^ shop\.example +·VR· vpop 2u\/0a ✗1$/m);
  assert.match(draw(ui(), 80), /^ example\.com +·VR· vpop 7u\/3a$/m);
  assert.match(draw(ui(), 140), /shop\.example .*✗ 1 error in qlens check/);
  // Enter on the row: the error, with its file and line to jump to.
  const rows = domainsView.pane({ data: d, ui: ui(), width: 80, height: 20 }).rows as Array<{ domain: string }>;
  const s = ui();
  const det = domainsView.pane({ data: d, ui: s, width: 80, height: 20 });
  const opened = det.open?.(rows.find((r) => r.domain === 'shop.example')!);
  assert.ok(opened);
  const s2 = reduce(s, opened as UiAction);
  const detail = domainsView.pane({ data: d, ui: s2, width: 80, height: 20 }).rows as Array<{ text: string; jump?: { path: string; line: number | null } }>;
  const err = detail.find((r) => r.text.includes('✗ error'));
  assert.deepEqual(err?.jump, { path: '/home/vpopmail/domains/shop.example/.qmail-default', line: 1 });
  assert.match(err!.text, /catch-all path \/home\/vpopmail\/domains\/shop\.example\/postmaster\/Maildir ends in Maildir/);
});

test('cellText: errors before problems, readable without colour', () => {
  const row = { problems: ['x'], locals: true, implicit: false, virtual: null, rcpthosts: true, morercpthosts: false, manager: null } as unknown as Parameters<typeof cellText>[0];
  assert.equal(cellText(row, true, 2), 'L·R· ✗2 !1');
  assert.equal(cellText(row, true), 'L·R· !1');
  assert.equal(cellText(row, false, 1), '✓locals ·virtual ✓rcpt ·more ✗ 1 error in qlens check ! 1 problem');
});
