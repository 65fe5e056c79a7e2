// Names that are not UTF-8 (written with Buffer paths), symlink loops,
// symlinks leading out of the sysroot: no exception, nothing raw printed,
// the rest loads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { build, runClean, ALL, assertNoRaw, type Built } from './harness.js';
import { loadInstallation, systemUsersOf } from '../../source/qmail/installation.js';
import { dotqmailTree } from '../../source/ui/dotqmail-tree.js';

/** A host path as bytes: the fixture directory (UTF-8) then raw bytes. */
function rawPath(b: Built, sysDir: string, name: string): Buffer {
  return Buffer.concat([Buffer.from(b.fx.dir + sysDir, 'utf8'), Buffer.from(name, 'latin1')]);
}

function withBadNames(): Built {
  const b = build();
  fs.writeFileSync(rawPath(b, '/home/alice/', '.qmail-\xff\xfe'), '&bob@example.com\n');
  fs.writeFileSync(rawPath(b, '/home/alice/', '.qmail-\x1b]0;pwned\x07'), '&bob@example.com\n');
  fs.writeFileSync(rawPath(b, '/var/qmail/alias/', '.qmail-\x9b2J\xe9'), '&alice\n');
  fs.writeFileSync(rawPath(b, '/var/qmail/control/', '\xff\x1b[2Jjunk'), 'x\n');
  fs.writeFileSync(rawPath(b, '/var/qmail/queue/mess/7/', '\xff\x1b[2J'), 'x\n');
  fs.writeFileSync(rawPath(b, '/var/qmail/queue/todo/', '\xff\x1b[2J'), 'x\n');
  fs.writeFileSync(rawPath(b, '/var/qmail/queue/info/7/', '\xff'), 'x\n');
  fs.mkdirSync(rawPath(b, '/home/', '\xff\x1b[2Jhome'));
  return b;
}

test('names that are not UTF-8 (and hold escapes) in homes, alias, control/ and the queue: every command clean', async () => {
  const b = withBadNames();
  for (const name of ALL) await runClean(name, b.sysroot());
  const check = await runClean('check', b.sysroot());
  // The stray control file is named, its escape shown as \x1b.
  assert.match(check.out, /^\/var\/qmail\/control\/.*\\x1b\[2Jjunk: info: qmail does not read control\//m);
  // The queue listing still shows the real message and ignores names that are not message numbers.
  const q = await runClean('queue', b.sysroot());
  assert.match(q.out, /#1000001 /);
  // qmail-qstat counts every file under mess/ and todo/ (a find | wc -l), odd names included; the listing takes message numbers only.
  assert.match(q.out, /^messages in queue: 2$/m);
  assert.match(q.out, /^1 listed/m);
  const tr = await runClean('trace', b.sysroot());
  assert.match(tr.out, /^maildir +\/home\/alice\/Maildir\//m);
});

test('the Dot-qmail tree (TUI) lists the oddly named files with visible escapes and nothing raw', () => {
  const b = withBadNames();
  const s = b.sysroot();
  const inst = loadInstallation(s, '/var/qmail');
  const nodes = dotqmailTree(s, inst, systemUsersOf(s));
  const text = nodes.map((n) => n.text).join('\n');
  assertNoRaw(text, 'dot-qmail tree');
  assert.match(text, /\.qmail-\\x1b\]0;pwned\\x07/);
  assert.match(text, /\.qmail-lists/, 'the well-named files are still there');
});

test('symlink loops: a self-linked control file, a looping .qmail pair, a home that links to itself, a looping queue directory', async () => {
  const b = build({
    '/home/alice/.qmail-loop': { symlink: '.qmail-loop2' },
    '/home/alice/.qmail-loop2': { symlink: '.qmail-loop' },
    '/home/bob/': null,
    '/home/bob/.qmail': null,
    '/home/bob': { symlink: '/home/bob' },
    '/var/qmail/control/smtproutes': { symlink: 'smtproutes' },
  });
  fs.symlinkSync('../mess', b.fx.host('/var/qmail/queue/mess/loop'));
  for (const name of ALL) await runClean(name, b.sysroot());
  const check = await runClean('check', b.sysroot());
  assert.match(check.out, /^\/var\/qmail\/control\/smtproutes: error: unreadable: \/var\/qmail\/control\/smtproutes: too many levels of symbolic links$/m);
  // qmail-local's qmeexists: an open() that fails with ELOOP is not a temporary error, so the file counts as absent.
  const loop = await runClean('trace', b.sysroot(), { positionals: ['alice-loop@example.com'] });
  assert.match(loop.out, /\.qmail-loop\? no/);
  const bob = await runClean('trace', b.sysroot(), { positionals: ['bob@example.com'] });
  assert.match(bob.out, /home \/home\/bob cannot be examined \(ELOOP\)/);
  // The rest loads: alice's own delivery is untouched.
  const alice = await runClean('trace', b.sysroot());
  assert.match(alice.out, /^maildir +\/home\/alice\/Maildir\//m);
});

test('a self-linked control/locals: qmail-send would not start, said once with the file; domains names it', async () => {
  const b = build({ '/var/qmail/control/locals': { symlink: 'locals' } });
  for (const name of ALL) await runClean(name, b.sysroot());
  const tr = await runClean('trace', b.sysroot());
  assert.match(tr.out, /\/var\/qmail\/control\/locals cannot be read \(unreadable: \/var\/qmail\/control\/locals: too many levels of symbolic links\): qmail-send would not start/);
  const dom = await runClean('domains', b.sysroot());
  assert.match(dom.err, /^qlens: unreadable: \/var\/qmail\/control\/locals: too many levels of symbolic links: the domains it names are missing from this table$/m);
});

test('symlinks leading out of the sysroot are not followed by readers', async () => {
  const b = build({ '/var/qmail/alias/.qmail-out': { symlink: '../../../../../../../../etc/shadow' } });
  const c = build({ '/var/qmail/control/virtualdomains': { symlink: '../../../../../../../../etc/passwd' } });
  for (const name of ALL) {
    await runClean(name, b.sysroot());
    await runClean(name, c.sysroot());
  }
  const tr = await runClean('trace', b.sysroot(), { positionals: ['out@example.com'] });
  assert.match(tr.out, /\.qmail-out\? a symlink leading outside the sysroot, not followed/);
  const check = await runClean('check', c.sysroot());
  assert.match(check.out, /^\/var\/qmail\/control\/virtualdomains: error: unreadable: .*leads outside the sysroot \(refused\)/m);
  const tr2 = await runClean('trace', c.sysroot(), { positionals: ['x@virt.example'] });
  assert.match(tr2.out, /virtualdomains cannot be read .*leads outside the sysroot \(refused\)\): qmail-send would not start/);
  assert.doesNotMatch(check.out + tr.out + tr2.out, /root:x:0:0/, 'the host file was never read');
});
