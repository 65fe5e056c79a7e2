// Writing through hostile trees: every way a user could point a root editor
// at a file that is not theirs. Each edit --apply is refused with exit 3 and
// a one-line reason naming the path, and nothing at all is written (the
// whole sysroot is compared before and after; no journal entry is left).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { makeFixture, type Fixture, type FixtureEntry } from '../helpers/fixture.js';
import { run as runEdit } from '../../source/commands/edit.js';
import { run as runUndo } from '../../source/commands/undo.js';
import type { CommandContext } from '../../source/commands/context.js';
import { assertNoRaw } from './harness.js';

const BASE: Record<string, FixtureEntry> = {
  '/etc/passwd': 'root:x:0:0::/root:/bin/sh\nalias:x:7790:2108::/var/qmail/alias:/bin/true\nalice:x:1001:1001::/home/alice:/bin/sh\nmallory:x:1003:1003::/home/mallory:/bin/sh\n',
  '/etc/shadow': { content: 'root:$6$secret:19000::::::\n', mode: 0o600 },
  '/var/qmail/control/me': 'mail.example.com\n',
  '/var/qmail/control/locals': 'example.com\n',
  '/var/qmail/control/rcpthosts': 'example.com\n',
  '/home/alice/': { dir: true, uid: 1001, gid: 1001 },
  '/home/alice/.qmail': { content: './Maildir/\n', uid: 1001, gid: 1001 },
};

function world(extra: Record<string, FixtureEntry>): Fixture {
  return makeFixture({ ...BASE, ...extra });
}

function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const n of fs.readdirSync(d).sort()) {
      const p = path.join(d, n);
      const st = fs.lstatSync(p);
      const h = st.isFile() ? createHash('sha256').update(fs.readFileSync(p)).digest('hex') : st.isSymbolicLink() ? fs.readlinkSync(p) : '';
      out.push(`${path.relative(dir, p)} ${st.mode.toString(8)} ${st.size} ${h}`);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

async function edit(fx: Fixture, target: string, content: string, options: CommandContext['options'] = {}, cmd: 'edit' | 'undo' = 'edit') {
  let out = '';
  let err = '';
  const ctx: CommandContext = {
    sysroot: fx.sysroot(),
    instances: ['/var/qmail'],
    instancesExplicit: false,
    positionals: cmd === 'edit' ? [target] : [],
    options: { apply: cmd === 'edit', 'backup-dir': '/var/backups/qlens', ...options },
    json: false,
    color: false,
    readOnly: false,
    out: (t) => (out += t),
    err: (t) => (err += t),
    readStdin: async () => content,
  };
  let status: number | null = null;
  let thrown: unknown;
  try {
    status = await (cmd === 'edit' ? runEdit(ctx) : runUndo(ctx));
  } catch (e) {
    thrown = e;
  }
  return { status, out, err, thrown };
}

interface Case {
  what: string;
  extra: Record<string, FixtureEntry>;
  target: string;
  /** What the one-line refusal must say. */
  says: RegExp;
  /** Host-side set-up the fixture format cannot express. */
  setup?: (fx: Fixture) => void;
}

const CASES: Case[] = [
  { what: "a user's .qmail-x that is a symlink to /etc/shadow", extra: { '/home/alice/.qmail-x': { symlink: '/etc/shadow' } }, target: '/home/alice/.qmail-x', says: /\/home\/alice\/\.qmail-x: is a symbolic link \(refused\)/ },
  { what: 'a .qmail-x symlink that climbs out of the sysroot', extra: { '/home/alice/.qmail-x': { symlink: '../../../../../../../../../etc/passwd' } }, target: '/home/alice/.qmail-x', says: /symbolic link|outside the sysroot/ },
  { what: 'a home directory that is a symlink to /etc', extra: { '/home/mallory': { symlink: '/etc' } }, target: '/home/mallory/.qmail', says: /\/home\/mallory on the way is a symbolic link/ },
  { what: 'a directory on the way that is a symlink (Maildir -> /etc)', extra: { '/home/alice/sub': { symlink: '/etc' } }, target: '/home/alice/sub/shadow', says: /\/home\/alice\/sub on the way is a symbolic link/ },
  { what: 'a path climbing above / with ..', extra: {}, target: '/home/alice/../../../../etc/shadow', says: /outside the sysroot|climbs above|refused|not a file qlens edits/ },
  { what: 'a relative path climbing out of the installation', extra: {}, target: '../../../etc/shadow', says: /outside|climbs|refused|not a file qlens edits/ },
  { what: 'a home owned by another user than its passwd entry', extra: { '/home/mallory/': { dir: true, uid: 1001, gid: 1001 } }, target: '/home/mallory/.qmail', says: /home \/home\/mallory belongs to uid 1001, not 1003 \(refused\)/ },
  { what: 'a .qmail file in a home owned by someone else than the user', extra: { '/home/alice/.qmail-x': { content: '&a@example.com\n', uid: 0, gid: 0 } }, target: '/home/alice/.qmail-x', says: /belongs to uid 0, not 1001 \(refused\)/ },
  { what: 'a directory between the home and the file owned by someone else', extra: { '/home/alice/dir/': { dir: true, uid: 0, gid: 0 }, '/home/alice/dir/.keep': '' }, target: '/home/alice/dir/.qmail-x', says: /\/home\/alice\/dir belongs to uid 0, not 1001 \(refused\)/ },
  { what: 'a journal directory (--backup-dir) that is a symlink to /etc', extra: { '/var/backups/qlens': { symlink: '/etc' } }, target: '/var/qmail/control/locals', says: /\/var\/backups\/qlens.*symbolic link/ },
];

for (const c of CASES) {
  test(`refused: ${c.what}; nothing written`, async () => {
    const fx = world(c.extra);
    c.setup?.(fx);
    const before = snapshot(fx.dir);
    const r = await edit(fx, c.target, 'example.com\nevil.example\n');
    if (r.thrown !== undefined && !(r.thrown as Error).name?.includes('UsageError')) assert.fail(`threw: ${(r.thrown as Error).stack}`);
    if (r.thrown === undefined) assert.equal(r.status, 3, `status ${r.status}\n${r.out}\n${r.err}`);
    const msg = r.thrown !== undefined ? (r.thrown as Error).message : r.err;
    assert.match(msg, c.says);
    if (r.thrown === undefined) assert.equal(r.err.trim().split('\n').length, 1, `one line: ${r.err}`);
    assertNoRaw(r.out + r.err, 'edit output');
    assert.deepEqual(snapshot(fx.dir), before, 'nothing written, no journal entry');
  });
}

test('a .qmail hard-linked to /etc/shadow (root-owned inode, as stat on / shows it): refused, and the secret is never printed', async () => {
  // .fsmeta says what the real inode would: owner root (a hard link shares the inode's owner).
  const fx = world({ '/home/alice/.qmail-h': { content: '', uid: 0, gid: 0, mode: 0o600 } });
  fs.rmSync(fx.host('/home/alice/.qmail-h'));
  fs.linkSync(fx.host('/etc/shadow'), fx.host('/home/alice/.qmail-h'));
  const before = snapshot(fx.dir);
  const r = await edit(fx, '/home/alice/.qmail-h', '&x@example.com\n');
  assert.equal(r.status, 3, r.out + r.err);
  assert.match(r.err, /\/home\/alice\/\.qmail-h: belongs to uid 0, not 1001 \(refused\)/);
  assert.doesNotMatch(r.out + r.err, /secret/);
  assert.deepEqual(snapshot(fx.dir), before);
});

test('a .qmail hard-linked to another file of the same user: the write replaces the name (rename), the other file keeps its bytes', async () => {
  const fx = world({ '/home/alice/notes': { content: 'private notes\n', uid: 1001, gid: 1001 } });
  fs.linkSync(fx.host('/home/alice/notes'), fx.host('/home/alice/.qmail-h'));
  const r = await edit(fx, '/home/alice/.qmail-h', '&x@example.com\n');
  assert.equal(r.status, 0, r.err);
  assert.equal(fs.readFileSync(fx.host('/home/alice/notes'), 'utf8'), 'private notes\n');
  assert.equal(fs.readFileSync(fx.host('/home/alice/.qmail-h'), 'utf8'), '&x@example.com\n');
});

test('undo refuses a journal whose file was replaced by a symlink since the change', async () => {
  const fx = world({});
  const r = await edit(fx, '/home/alice/.qmail', './Maildir/\n&bob@example.com\n');
  assert.equal(r.status, 0, r.err);
  fs.rmSync(fx.host('/home/alice/.qmail'));
  fs.symlinkSync('/etc/shadow', fx.host('/home/alice/.qmail'));
  const before = snapshot(fx.dir);
  const u = await edit(fx, '', '', {}, 'undo');
  assert.equal(u.status, 3, u.err);
  assert.match(u.err, /symbolic link/);
  assert.deepEqual(snapshot(fx.dir), before);
});
