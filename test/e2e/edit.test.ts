// End-to-end: the edit flow in a real pseudo-terminal with a fake $VISUAL.
// Edit, see the diff and the impact, cancel (file untouched), then confirm
// (file changed, backup present).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withSession } from './helpers/pty-session.js';
import { KEYS } from '../ui/helpers/keys.js';
import { makeFixture } from '../helpers/fixture.js';
import { maildir } from '../trace/baseline.js';

function fixture() {
  return makeFixture({
    '/etc/passwd': 'alias:x:7790:2108::/var/qmail/alias:/bin/true\nalice:x:1001:1001::/home/alice:/bin/sh\nbob:x:1002:1002::/home/bob:/bin/sh\n',
    '/var/qmail/control/me': 'mail.example.com\n',
    '/var/qmail/control/locals': 'mail.example.com\n',
    '/var/qmail/control/rcpthosts': 'mail.example.com\nexample.net\n',
    '/var/qmail/control/virtualdomains': 'example.net:alice\n',
    '/home/alice/.qmail': './Maildir/\n',
    '/home/bob/.qmail-info': './Info/\n',
    ...maildir('/home/alice/Maildir', 1001, 1001),
    ...maildir('/home/bob/Info', 1002, 1002),
    '/service/qmail-send/run': '#!/bin/sh\nexec env - PATH="/var/qmail/bin:$PATH" qmail-start ./Maildir/\n',
  });
}

/** A fake editor: appends a line to the file it is given, as an admin would. */
function fakeEditor(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qlens-editor-'));
  const script = path.join(dir, 'editor.sh');
  fs.writeFileSync(script, '#!/bin/sh\nprintf "example.org:bob\\n" >> "$1"\n', { mode: 0o755 });
  return script;
}

test('edit in $VISUAL: diff and impact shown; Enter cancels (untouched); y applies (changed, backup present)', { timeout: 240_000 }, async () => {
  const fx = fixture();
  const vd = fx.host('/var/qmail/control/virtualdomains');
  await withSession({ args: ['--sysroot', fx.dir], env: { VISUAL: fakeEditor(), EDITOR: undefined } }, async (s) => {
    await s.untilText(/example\.net/);
    // Domains → example.net → its virtualdomains line → the file itself.
    await s.press(KEYS.enter);
    await s.untilText('every file and line naming it');
    const open = async () => {
      await s.press('e');
      await s.untilText('Edit — nothing is written before the confirm screen');
    };
    // Rows: the installation, what qmail does with the domain, then its virtualdomains line.
    assert.match(s.text(), /virtual +\/var\/qmail\/control\/virtualdomains:1/);
    await s.press('j');
    await s.press('j');
    await open();
    assert.match(s.text(), /e {2}edit \/var\/qmail\/control\/virtualdomains/);
    await s.press('e');
    let t = await s.untilText('Apply? y = apply');
    assert.match(t, /\+example\.org:bob/);
    assert.match(t, /owner 0:0 mode 0644 kept/);
    assert.match(t, /Impact: \d+ of \d+ traced addresses change: \d+ deliver differently/);
    assert.match(t, /info@example\.org: remote info@example\.org → maildir \/home\/bob\/Info\//);
    // Enter is not yes.
    await s.press(KEYS.enter);
    t = await s.untilText('cancelled: nothing written');
    assert.equal(fs.readFileSync(vd, 'utf8'), 'example.net:alice\n');
    assert.equal(fs.existsSync(fx.host('/var/backups')), false);
    // Again, and this time y.
    await open();
    await s.press('e');
    await s.untilText('Apply? y = apply');
    await s.press('y');
    // Wait for the result's own lines, not its title: a frame can reach the
    // pty in two pieces, the title in the first (a fresh clone's CI saw
    // "Applied" over an empty body).
    t = await s.untilText(/backup: \/var\/backups\/qlens\/\d{8}T\d{6}Z-1/);
    assert.match(t, /^Applied$/m);
    assert.match(t, /\$ svc -h \/service\/qmail-send/);
    assert.equal(fs.readFileSync(vd, 'utf8'), 'example.net:alice\nexample.org:bob\n');
    const [entry] = fs.readdirSync(fx.host('/var/backups/qlens'));
    assert.equal(fs.readFileSync(fx.host(`/var/backups/qlens/${entry}/var/qmail/control/virtualdomains`), 'utf8'), 'example.net:alice\n');
    await s.press('x');
    await s.until((t) => !t.includes('Applied'), 'result closed');
    await s.press('q');
    assert.equal(await s.exited, 0);
  });
});

test('--read-only: e does nothing and the edit key is not offered', { timeout: 240_000 }, async () => {
  const fx = fixture();
  await withSession({ args: ['--sysroot', fx.dir, '--read-only'], env: { VISUAL: fakeEditor() } }, async (s) => {
    const t = await s.untilText(/example\.net/);
    assert.doesNotMatch(t, /e edit/);
    await s.press('e');
    assert.doesNotMatch(s.text(), /Edit — nothing is written/);
    await s.press('q');
    assert.equal(await s.exited, 0);
    assert.equal(fs.readFileSync(fx.host('/var/qmail/control/virtualdomains'), 'utf8'), 'example.net:alice\n');
  });
});
