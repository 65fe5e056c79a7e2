// End-to-end (issue 14 point 4): the impact of removing a domain from
// rcpthosts, locals and virtualdomains, as the admin reads it from the real
// program: `qlens edit` in a child process, and the TUI's confirm screen in a
// real pseudo-terminal at 80x24.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { withSession, CLI } from './helpers/pty-session.js';
import { KEYS } from '../ui/helpers/keys.js';
import { makeFixture } from '../helpers/fixture.js';
import { compileUsersCdb } from '../../source/qmail/assign.js';
import { maildir } from '../trace/baseline.js';

const assign = '=sam:alice:1001:1001:/home/alice:::\n.\n';

function fixture() {
  return makeFixture({
    '/etc/passwd': 'alias:x:7790:2108::/var/qmail/alias:/bin/true\nalice:x:1001:1001::/home/alice:/bin/sh\nbob:x:1002:1002::/home/bob:/bin/sh\n',
    '/var/qmail/control/me': 'mail.example.com\n',
    '/var/qmail/control/locals': 'mail.example.com\nexample.com\n',
    '/var/qmail/control/rcpthosts': 'mail.example.com\nexample.com\nexample.net\n',
    '/var/qmail/control/virtualdomains': 'example.net:bob\n',
    '/var/qmail/users/assign': assign,
    '/var/qmail/users/cdb': compileUsersCdb(Buffer.from(assign)),
    '/var/qmail/alias/.qmail-postmaster': 'alice\n',
    '/home/alice/': { dir: true, uid: 1001, gid: 1001 },
    '/home/alice/.qmail': './Maildir/\n',
    '/home/bob/': { dir: true, uid: 1002, gid: 1002 },
    '/home/bob/.qmail-info': './Info/\n',
    ...maildir('/home/alice/Maildir', 1001, 1001),
    ...maildir('/home/bob/Maildir', 1002, 1002),
    ...maildir('/home/bob/Info', 1002, 1002),
    '/service/qmail-send/run': '#!/bin/sh\nexec env - PATH="/var/qmail/bin:$PATH" qmail-start ./Maildir/\n',
  });
}

function edit(dir: string, file: string, content: string, json = false) {
  const r = spawnSync(process.execPath, [CLI, '--sysroot', dir, ...(json ? ['--json'] : []), 'edit', file], { input: content, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

const SMTPD_553 = "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)";
// qmail-remote's perm_ambigmx text, its two lines as the report keeps them.
const SELF_MX = "Sorry. Although I'm listed as a best-preference MX or A for that host,\n      it isn't in my control/locals file, so I don't treat it as local. (#5.4.6)\n";

test('qlens edit: removing example.com from rcpthosts says how many addresses qmail-smtpd now refuses from outside', { timeout: 60_000 }, () => {
  const fx = fixture();
  const out = edit(fx.dir, '/var/qmail/control/rcpthosts', 'mail.example.com\nexample.net\n');
  const m = /^impact in \/var\/qmail: \d+ addresses traced, (\d+) walks change: qmail-smtpd now refuses (\d+) from outside \(553; every address at example\.com\)$/m.exec(out);
  assert.ok(m, out);
  assert.equal(m[1], m[2], 'every change is the refusal');
  assert.ok(Number(m[2]) >= 4, out);
  for (const a of ['postmaster@example.com', 'alice@example.com', 'bob@example.com', 'sam@example.com']) assert.match(out, new RegExp(`^  ${a.replace('.', '\\.')}  — `, 'm'));
  assert.ok(out.includes(`    from outside: accepted → refused: ${SMTPD_553}`), out);
  assert.match(out, /^    delivered as before when it comes from this host \(a local injection or a forward\): maildir \/home\/alice\/Maildir\/$/m);
  // --json: the counts, per installation.
  const j = JSON.parse(edit(fx.dir, '/var/qmail/control/rcpthosts', 'mail.example.com\nexample.net\n', true));
  assert.equal(j.impact[0].refusedFromOutside.count, Number(m[2]));
  assert.deepEqual(j.impact[0].refusedFromOutside.domains, ['example.com']);
  assert.equal(fs.readFileSync(fx.host('/var/qmail/control/rcpthosts'), 'utf8'), 'mail.example.com\nexample.com\nexample.net\n', 'a preview writes nothing');
});

test('qlens edit: removing example.com from locals, and example.net from virtualdomains: remote by MX, then the self-MX bounce', { timeout: 60_000 }, () => {
  const fx = fixture();
  const locals = edit(fx.dir, '/var/qmail/control/locals', 'mail.example.com\n');
  assert.match(locals, /^impact in \/var\/qmail: \d+ addresses traced, (\d+) walks change: \1 deliver differently; \1 go to qmail-remote by MX and bounce while the MX names this host \(#5\.4\.6\)$/m);
  assert.match(locals, /^  alice@example\.com  — [^\n]*\n    before: maildir \/home\/alice\/Maildir\/\n    after: {2}remote alice@example\.com\n/m);
  assert.ok(locals.includes(`    ! qmail-smtpd still takes it from outside, and while the MX of example.com names this host, qmail-remote bounces: ${SELF_MX}`), locals);
  assert.match(locals, /parts at hop 0, qmail-send \(route\): "example\.com" in locals\? yes/);
  const vd = edit(fx.dir, '/var/qmail/control/virtualdomains', '');
  assert.match(vd, /^  info@example\.net  — [^\n]*\n    before: maildir \/home\/bob\/Info\/\n    after: {2}remote info@example\.net\n/m);
  assert.ok(vd.includes(`while the MX of example.net names this host, qmail-remote bounces: ${SELF_MX}`));
  assert.doesNotMatch(vd, /@example\.com  — /, 'example.com is not touched');
});

test('TUI at 80x24: "Remove a local domain" shows qmail-smtpd\'s refusals and the own-MX bounces on the confirm screen; Enter cancels', { timeout: 60_000 }, async () => {
  const fx = fixture();
  await withSession({ args: ['--sysroot', fx.dir], cols: 80, rows: 24 }, async (s) => {
    await s.untilText(/example\.com/);
    await s.press('e');
    await s.untilText('Remove a local domain');
    await s.press('l');
    await s.untilText('a line of control/locals');
    // The form is pre-filled from the selected Domains row (example.com, the first).
    assert.match(s.text(), /domain +example\.com/);
    await s.press(KEYS.enter);
    const t = await s.untilText('Apply? y = apply');
    assert.match(t, /^-example\.com$/m);
    const flat = t.replace(/\n {2,}/g, ' ');
    assert.match(flat, /Impact: (\d+) of \d+ traced addresses change: \d+ deliver differently; qmail-smtpd refuses \d+ from outside \(553: example\.com\); \d+ own-MX bounces \(#5\.4\.6\)/);
    assert.match(flat, /refused \(553\) from outside; [^\n]*→ remote \(MX\); own-MX bounce \(#5\.4\.6\)/);
    await s.press(KEYS.enter);
    await s.untilText('cancelled: nothing written');
    assert.equal(fs.readFileSync(fx.host('/var/qmail/control/locals'), 'utf8'), 'mail.example.com\nexample.com\n');
    await s.press('q');
    assert.equal(await s.exited, 0);
  });
});
