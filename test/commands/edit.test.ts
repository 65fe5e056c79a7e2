import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { syncBuiltinESMExports } from 'node:module';
import { createHash } from 'node:crypto';
import { makeFixture, type Fixture } from '../helpers/fixture.js';
import { run as runEdit } from '../../source/commands/edit.js';
import { run as runUndo } from '../../source/commands/undo.js';
import type { CommandContext } from '../../source/commands/context.js';
import { CdbReader } from '../../source/qmail/cdb.js';

const passwd = [
  'root:x:0:0::/root:/bin/sh',
  'alias:x:7790:2108::/var/qmail/alias:/bin/true',
  'alice:x:1001:1001::/home/alice:/bin/sh',
  'bob:x:1002:1002::/home/bob:/bin/sh',
].join('\n') + '\n';

function world(extra: Record<string, Parameters<typeof makeFixture>[0][string]> = {}): Fixture {
  return makeFixture({
    '/etc/passwd': passwd,
    '/var/qmail/control/me': 'mail.example.com\n',
    '/var/qmail/control/locals': 'mail.example.com\nexample.com\n',
    '/var/qmail/control/rcpthosts': 'example.com\n',
    '/var/qmail/control/virtualdomains': { content: 'example.net:alice\n', mode: 0o640, uid: 0, gid: 82 },
    '/var/qmail/users/assign': '=joe:alice:1001:1001:/home/alice:::\n.\n',
    '/var/qmail/alias/.qmail-postmaster': 'alice\n',
    '/home/alice/.qmail': './Maildir/\n',
    '/home/bob/.qmail-ww': { content: './Maildir/\n', mode: 0o666, uid: 1002, gid: 1002 },
    '/service/qmail-send/run': '#!/bin/sh\nexec env - PATH="/var/qmail/bin:$PATH" qmail-start ./Maildir/\n',
    '/var/qmail2/control/me': 'other.example.com\n',
    '/var/qmail2/control/locals': 'other.example.com\n',
    ...extra,
  });
}

interface Ran {
  status: number;
  out: string;
  err: string;
}

async function qlens(fx: Fixture, cmd: 'edit' | 'undo', positionals: string[], options: CommandContext['options'] = {}, stdin = '', instances = ['/var/qmail', '/var/qmail2']): Promise<Ran> {
  let out = '';
  let err = '';
  const ctx: CommandContext = {
    sysroot: fx.sysroot(),
    instances,
    instancesExplicit: false,
    positionals,
    options,
    json: Boolean(options.json),
    color: false,
    readOnly: Boolean(options['read-only']),
    out: (t) => (out += t),
    err: (t) => (err += t),
    readStdin: async () => stdin,
  };
  const status = await (cmd === 'edit' ? runEdit(ctx) : runUndo(ctx));
  return { status, out, err };
}

const read = (fx: Fixture, p: string) => fs.readFileSync(fx.host(p), 'utf8');
const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const journal = (fx: Fixture) => (fs.existsSync(fx.host('/var/backups/qlens')) ? fs.readdirSync(fx.host('/var/backups/qlens')).sort() : []);

test('preview: diff, owner and mode, activation plan; nothing written', async () => {
  const fx = world();
  const r = await qlens(fx, 'edit', ['control/virtualdomains'], {}, 'example.net:alice\nexample.org:bob\n');
  assert.equal(r.status, 0, r.err);
  assert.match(r.out, /^\+example\.org:bob$/m);
  assert.match(r.out, /owner 0:82, mode 0640 kept/);
  assert.match(r.out, /svc -h \/service\/qmail-send/);
  assert.match(r.out, /nothing written/);
  assert.equal(read(fx, '/var/qmail/control/virtualdomains'), 'example.net:alice\n');
  assert.deepEqual(journal(fx), []);
});

test('--apply writes atomically, keeps owner and mode, journals the old file first', async () => {
  const fx = world();
  const r = await qlens(fx, 'edit', ['/var/qmail/control/virtualdomains'], { apply: true, json: true }, 'example.net:alice\nexample.org:bob\n');
  assert.equal(r.status, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.written, true);
  assert.equal(read(fx, '/var/qmail/control/virtualdomains'), 'example.net:alice\nexample.org:bob\n');
  assert.match(read(fx, '/.fsmeta'), /^0640 0 82 \/var\/qmail\/control\/virtualdomains$/m);
  const entries = journal(fx);
  assert.equal(entries.length, 1);
  assert.match(entries[0], /^\d{8}T\d{6}Z-1$/);
  assert.equal(j.journal, `/var/backups/qlens/${entries[0]}`);
  const m = JSON.parse(read(fx, `/var/backups/qlens/${entries[0]}/manifest.json`));
  assert.equal(m.state, 'applied');
  assert.deepEqual(m.files.map((f: { path: string }) => f.path), ['/var/qmail/control/virtualdomains']);
  assert.equal(m.files[0].before, sha('example.net:alice\n'));
  assert.equal(m.files[0].after, sha('example.net:alice\nexample.org:bob\n'));
  assert.deepEqual([m.files[0].uid, m.files[0].gid, m.files[0].mode], [0, 82, 0o640]);
  assert.equal(read(fx, `/var/backups/qlens/${entries[0]}/var/qmail/control/virtualdomains`), 'example.net:alice\n');
});

test('invalid content: exit 1, nothing written', async () => {
  const fx = world();
  const r = await qlens(fx, 'edit', ['users/assign'], { apply: true }, '=joe:alice:1001:1001:/home/alice::\n.\n');
  assert.equal(r.status, 1);
  assert.match(r.out, /\/var\/qmail\/users\/assign:1: error/);
  assert.equal(read(fx, '/var/qmail/users/assign'), '=joe:alice:1001:1001:/home/alice:::\n.\n');
  assert.equal(fs.existsSync(fx.host('/var/qmail/users/cdb')), false);
  assert.deepEqual(journal(fx), []);
  const q = await qlens(fx, 'edit', ['/home/alice/.qmail'], { apply: true }, '\n./Maildir/\n');
  assert.equal(q.status, 1);
  assert.equal(read(fx, '/home/alice/.qmail'), './Maildir/\n');
});

test('users/assign compiles users/cdb as qmail-newu, in the same journal entry', async () => {
  const fx = world();
  const assign = [
    '=joe:joe:503:78:/home/joe:::',
    '+Joe-:joe:503:78:/home/joe:-:x:',
    '+bill:bill:504:78:/home/bill:-::',
    '+JOE:jj:505:78:/home/jj:-::',
    '+:alias:7790:2108:/var/qmail/alias:-::',
    '=Joe.Shmoe:joe:503:78:/home/joe:::extra:stuff',
    '.',
    '',
  ].join('\n');
  const r = await qlens(fx, 'edit', ['users/assign'], { apply: true }, assign);
  assert.equal(r.status, 0, r.err + r.out);
  const cdb = fs.readFileSync(fx.host('/var/qmail/users/cdb'));
  const recs = [...new CdbReader(cdb).records()].map((x) => [x.key.toString('latin1'), x.value.toString('latin1')]);
  assert.deepEqual(recs, [
    ['!joe\x00', 'joe\x00503\x0078\x00/home/joe\x00\x00'],
    ['!joe-', 'joe\x00503\x0078\x00/home/joe\x00-\x00x'],
    ['!bill', 'bill\x00504\x0078\x00/home/bill\x00-\x00'],
    ['!joe', 'jj\x00505\x0078\x00/home/jj\x00-\x00'],
    ['!', 'alias\x007790\x002108\x00/var/qmail/alias\x00-\x00'],
    ['!joe.shmoe\x00', 'joe\x00503\x0078\x00/home/joe\x00\x00'],
    ['', '-lE'],
  ]);
  assert.equal(new CdbReader(cdb).validate(), null);
  const [entry] = journal(fx);
  const m = JSON.parse(read(fx, `/var/backups/qlens/${entry}/manifest.json`));
  assert.deepEqual(m.files.map((f: { path: string }) => f.path).sort(), ['/.fsmeta', '/var/qmail/users/assign', '/var/qmail/users/cdb']);
  assert.match(r.out, /qmail-newu already done/);
  // The new users/cdb is recorded with its owner and mode.
  assert.match(read(fx, '/.fsmeta'), /^0644 0 0 \/var\/qmail\/users\/cdb$/m);
  // Undo takes both back as one change.
  const u = await qlens(fx, 'undo', []);
  assert.equal(u.status, 0, u.err);
  assert.equal(fs.existsSync(fx.host('/var/qmail/users/cdb')), false);
  assert.equal(read(fx, '/var/qmail/users/assign'), '=joe:alice:1001:1001:/home/alice:::\n.\n');
  assert.doesNotMatch(read(fx, '/.fsmeta'), /users\/cdb/);
});

test('unchanged content: nothing written, no journal entry', async () => {
  const fx = world();
  const r = await qlens(fx, 'edit', ['control/rcpthosts'], { apply: true }, 'example.com\n');
  assert.equal(r.status, 0, r.err);
  assert.match(r.out, /nothing to write/);
  assert.deepEqual(journal(fx), []);
});

test('morercpthosts compiles morercpthosts.cdb as qmail-newmrh', async () => {
  const fx = world();
  const r = await qlens(fx, 'edit', ['control/morercpthosts'], { apply: true }, 'Big.Example  \n#comment\n\nsmall.example\n');
  assert.equal(r.status, 0, r.err);
  const cdb = new CdbReader(fs.readFileSync(fx.host('/var/qmail/control/morercpthosts.cdb')));
  assert.deepEqual([...cdb.records()].map((x) => x.key.toString()), ['big.example', 'small.example']);
});

test('--expect-sha256 that no longer matches: exit 3, nothing written', async () => {
  const fx = world();
  const r = await qlens(fx, 'edit', ['control/rcpthosts'], { apply: true, 'expect-sha256': sha('stale\n') }, 'example.com\nexample.org\n');
  assert.equal(r.status, 3);
  assert.match(r.err, /changed on disk/);
  assert.equal(read(fx, '/var/qmail/control/rcpthosts'), 'example.com\n');
  assert.deepEqual(journal(fx), []);
  const ok = await qlens(fx, 'edit', ['control/rcpthosts'], { apply: true, 'expect-sha256': sha('example.com\n') }, 'example.com\nexample.org\n');
  assert.equal(ok.status, 0, ok.err);
  await assert.rejects(qlens(fx, 'edit', ['control/rcpthosts'], { 'expect-sha256': 'xyz' }, ''), /64 hex digits/);
});

test('symlink and escaping paths are refused with exit 3', async () => {
  const fx = world({ '/etc/shadow': 'root:secret\n', '/home/bob/.qmail-evil': { symlink: '/etc/shadow' } });
  const r = await qlens(fx, 'edit', ['/home/bob/.qmail-evil'], { apply: true }, 'x@example.net\n');
  assert.equal(r.status, 3);
  assert.match(r.err, /symbolic link/);
  assert.equal(read(fx, '/etc/shadow'), 'root:secret\n');
  const e = await qlens(fx, 'edit', ['../../../etc/shadow'], { apply: true }, 'x\n');
  assert.equal(e.status, 3);
  assert.equal(read(fx, '/etc/shadow'), 'root:secret\n');
  assert.deepEqual(journal(fx), []);
});

test('a world-writable .qmail keeps its mode and is warned about', async () => {
  const fx = world();
  const r = await qlens(fx, 'edit', ['/home/bob/.qmail-ww'], { apply: true }, './Maildir/\n&alice@example.com\n');
  assert.equal(r.status, 0, r.err);
  assert.match(r.out, /mode 0666 is kept and is world-writable/);
  assert.match(read(fx, '/.fsmeta'), /^0666 1002 1002 \/home\/bob\/\.qmail-ww$/m);
});

test('a new .qmail-EXT gets the home owner in .fsmeta; undo removes both', async () => {
  const fx = world();
  const r = await qlens(fx, 'edit', ['/home/alice/.qmail-lists'], { apply: true }, './Maildir/\n');
  assert.equal(r.status, 0, r.err);
  assert.match(r.out, /\(new file\)/);
  assert.match(read(fx, '/.fsmeta'), /^0644 1001 1001 \/home\/alice\/\.qmail-lists$/m);
  const u = await qlens(fx, 'undo', [], { json: true });
  assert.equal(u.status, 0, u.err);
  assert.equal(fs.existsSync(fx.host('/home/alice/.qmail-lists')), false);
  assert.doesNotMatch(read(fx, '/.fsmeta'), /qmail-lists/);
});

test('a home owned by someone else is not written through (exit 3)', async () => {
  const fx = world({ '/home/alice/': { dir: true, uid: 1002, gid: 1002 } });
  const r = await qlens(fx, 'edit', ['/home/alice/.qmail-x'], { apply: true }, './Maildir/\n');
  assert.equal(r.status, 3);
  assert.equal(fs.existsSync(fx.host('/home/alice/.qmail-x')), false);
});

test('undo walks back one change at a time, refuses a file changed since, and says when nothing is left', async () => {
  const fx = world();
  assert.equal((await qlens(fx, 'edit', ['control/rcpthosts'], { apply: true }, 'a\n')).status, 0);
  assert.equal((await qlens(fx, 'edit', ['control/rcpthosts'], { apply: true }, 'b\n')).status, 0);
  assert.equal((await qlens(fx, 'undo', [])).status, 0);
  assert.equal(read(fx, '/var/qmail/control/rcpthosts'), 'a\n');
  // Changed by hand since the change being undone: refuse.
  fs.writeFileSync(fx.host('/var/qmail/control/rcpthosts'), 'by hand\n');
  const c = await qlens(fx, 'undo', []);
  assert.equal(c.status, 3);
  assert.equal(read(fx, '/var/qmail/control/rcpthosts'), 'by hand\n');
  fs.writeFileSync(fx.host('/var/qmail/control/rcpthosts'), 'a\n');
  assert.equal((await qlens(fx, 'undo', [])).status, 0);
  assert.equal(read(fx, '/var/qmail/control/rcpthosts'), 'example.com\n');
  const none = await qlens(fx, 'undo', []);
  assert.equal(none.status, 1);
  // Every apply and undo is its own entry.
  assert.equal(journal(fx).length, 4);
});

test('--backup-dir and relative paths against --instance', async () => {
  const fx = world();
  const r = await qlens(fx, 'edit', ['control/locals'], { apply: true, 'backup-dir': '/root/qlens-journal' }, 'other.example.com\nnew.example\n', ['/var/qmail2']);
  assert.equal(r.status, 0, r.err);
  assert.equal(read(fx, '/var/qmail2/control/locals'), 'other.example.com\nnew.example\n');
  assert.equal(fs.readdirSync(fx.host('/root/qlens-journal')).length, 1);
  assert.equal((await qlens(fx, 'undo', [], { 'backup-dir': '/root/qlens-journal' })).status, 0);
  assert.equal(read(fx, '/var/qmail2/control/locals'), 'other.example.com\n');
});

function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of fs.readdirSync(d).sort()) {
      const p = path.join(d, n);
      const st = fs.lstatSync(p);
      out.push(`${path.relative(dir, p)} ${st.mode} ${st.mtimeMs} ${st.size}`);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

function opensForWriting(flags: unknown): boolean {
  const c = fs.constants;
  if (typeof flags === 'number') return (flags & (c.O_WRONLY | c.O_RDWR | c.O_CREAT | c.O_TRUNC | c.O_APPEND)) !== 0;
  if (typeof flags === 'string') return /[wa+]/.test(flags);
  return false;
}

test('--read-only: nothing is written, and no write is even attempted', async () => {
  const fx = world();
  const other = world();
  // Read-only on disk too (CI runs as root, so this alone would not stop a write: the spy below does).
  const dirs = snapshot(fx.dir).map((l) => l.split(' ')[0]).filter((rel) => fs.lstatSync(path.join(fx.dir, rel)).isDirectory());
  for (const d of [fx.dir, ...dirs.map((rel) => path.join(fx.dir, rel))]) fs.chmodSync(d, 0o555);
  const before = snapshot(fx.dir);
  const names = ['writeFileSync', 'openSync', 'renameSync', 'mkdirSync', 'unlinkSync', 'rmSync', 'writeSync', 'appendFileSync', 'chmodSync', 'fchmodSync', 'fchownSync'] as const;
  const real = new Map<string, unknown>();
  const attempts: string[] = [];
  const mod = fs as unknown as Record<string, (...a: unknown[]) => unknown>;
  const target = (fs as unknown as { default?: Record<string, unknown> }).default ?? mod;
  for (const n of names) {
    const orig = target[n] as (...a: unknown[]) => unknown;
    real.set(n, orig);
    target[n] = (...a: unknown[]) => {
      if (n !== 'openSync' || opensForWriting(a[1])) attempts.push(`${n} ${String(a[0])}`);
      return orig(...a);
    };
  }
  syncBuiltinESMExports();
  let r: Ran;
  let u: Ran;
  let control: string[];
  try {
    r = await qlens(fx, 'edit', ['control/virtualdomains'], { apply: true, 'read-only': true }, 'example.org:bob\n');
    u = await qlens(fx, 'undo', [], { 'read-only': true });
    // The spy does see writes: the same apply without --read-only is caught by it.
    const seen = attempts.length;
    await qlens(other, 'edit', ['control/virtualdomains'], { apply: true }, 'example.org:bob\n');
    control = attempts.splice(seen);
  } finally {
    for (const [n, f] of real) target[n] = f;
    syncBuiltinESMExports();
  }
  const after = snapshot(fx.dir);
  for (const d of [fx.dir, ...dirs.map((rel) => path.join(fx.dir, rel))]) fs.chmodSync(d, 0o755);
  assert.equal(r.status, 3);
  assert.match(r.err, /read-only/);
  assert.equal(u.status, 3);
  assert.deepEqual(attempts, []);
  assert.ok(control.some((a) => a.startsWith('renameSync')), 'the spy sees a normal apply');
  assert.deepEqual(after, before);
  // The preview still works under --read-only.
  const p = await qlens(fx, 'edit', ['control/virtualdomains'], { 'read-only': true }, 'example.org:bob\n');
  assert.equal(p.status, 0);
});

test('the real program keeps non-UTF-8 bytes from stdin byte for byte', async () => {
  const { spawnSync } = await import('node:child_process');
  const fx = world();
  // The built bin, whether this test runs compiled (dist/test/commands) or from source (test/commands).
  let root = path.dirname(new URL(import.meta.url).pathname);
  while (!fs.existsSync(path.join(root, 'package.json'))) root = path.dirname(root);
  const cli = path.join(root, 'dist/source/cli.js');
  // Latin-1 "Grüße" in a comment line of a .qmail file: not valid UTF-8.
  const content = Buffer.concat([Buffer.from('# Gr'), Buffer.from([0xfc, 0xdf]), Buffer.from('e\n./Maildir/\n')]);
  const r = spawnSync(process.execPath, [cli, 'edit', '/home/alice/.qmail', '--apply', '--sysroot', fx.dir], { input: content });
  assert.equal(r.status, 0, r.stderr.toString());
  assert.deepEqual(fs.readFileSync(fx.host('/home/alice/.qmail')), content);
});

test('qlens edit refuses a typo of a file qmail reads (issue 14 point 5): new, an error, exit 1; an add-on file is only named', async () => {
  const fx = world();
  const r = await qlens(fx, 'edit', ['control/virtualdomain'], { apply: true }, 'example.org:bob\n');
  assert.equal(r.status, 1);
  assert.match(r.out, /^\/var\/qmail\/control\/virtualdomain: error: qmail reads no file named virtualdomain; did you mean virtualdomains\?$/m);
  assert.equal(fs.existsSync(fx.host('/var/qmail/control/virtualdomain')), false);
  assert.deepEqual(journal(fx), []);
  const addon = await qlens(fx, 'edit', ['control/spamthrottle'], {}, '10\n');
  assert.equal(addon.status, 0, addon.out);
  assert.match(addon.out, /info: qmail reads no file named spamthrottle \(a patched qmail or an add-on may\)/);
  const dq = await qlens(fx, 'edit', ['/home/alice/.qmail-Sales'], {}, './Sales/\n');
  assert.equal(dq.status, 1);
  assert.match(dq.out, /error: qmail-local never reads \.qmail-Sales: qmail-local looks for lower-case names only; did you mean \.qmail-sales\?/);
});
