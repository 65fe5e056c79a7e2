import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFixture } from '../helpers/fixture.js';
import { stageEdits, isNoop } from '../../source/edit/stage.js';
import { stageEnv } from '../../source/edit/session.js';
import { validateContent } from '../../source/edit/validate.js';
import { classifyPath, resolveEditPath } from '../../source/edit/file-kind.js';
import { activationFor } from '../../source/edit/activation.js';
import { changeSetText } from '../../source/edit/report.js';
import { FsError } from '../../source/sysroot/errors.js';

const passwd = 'qmaild:x:7791:2108::/var/qmail:/bin/true\nalice:x:1001:1001::/home/alice:/bin/sh\n';

function world() {
  return makeFixture({
    '/etc/passwd': passwd,
    '/var/qmail/control/me': 'mail.example.com\n',
    '/var/qmail/control/locals': 'mail.example.com\n',
    '/home/alice/.qmail': './Maildir/\n',
  });
}

const buf = (s: string) => Buffer.from(s);

test('paths: kinds, relative to the installation', () => {
  const inst = ['/var/qmail', '/var/qmail2'];
  assert.deepEqual(classifyPath('/var/qmail2/users/assign', inst), { kind: 'assign', instance: '/var/qmail2' });
  assert.deepEqual(classifyPath('/var/qmail/control/virtualdomains', inst), { kind: 'control', instance: '/var/qmail', name: 'virtualdomains' });
  assert.deepEqual(classifyPath('/var/qmail/users/cdb', inst), { kind: 'derived', instance: '/var/qmail', name: 'users/cdb' });
  assert.deepEqual(classifyPath('/home/a/.qmail-x', inst), { kind: 'dotqmail', instance: null });
  assert.deepEqual(classifyPath('/var/qmail/alias/.qmail-postmaster', inst), { kind: 'dotqmail', instance: '/var/qmail' });
  assert.equal(resolveEditPath('control/me', '/var/qmail2'), '/var/qmail2/control/me');
  assert.equal(resolveEditPath('/etc/x', '/var/qmail2'), '/etc/x');
});

test('validation: what blocks and what only warns', () => {
  const v = (p: string, s: string) => validateContent(classifyPath(p, ['/var/qmail']), p, buf(s)).map((d) => `${d.severity} ${d.code} ${d.line}`);
  assert.ok(v('/var/qmail/users/assign', '=a:b:1:1:/h:::\n').some((d) => d.startsWith('error')), 'no terminator is an error');
  assert.deepEqual(v('/var/qmail/users/assign', '=a:b:1:1:/h:::\n.\n'), []);
  assert.ok(v('/var/qmail/control/locals', 'a\0b\n').some((d) => d.startsWith('error control-nul 1')));
  assert.deepEqual(v('/var/qmail/control/virtualdomains', 'ok.example:alice\nno-colon\n'), ['warning control-no-colon 2']);
  assert.deepEqual(v('/var/qmail/control/rcpthosts', 'a.example\nb.example:x\n'), ['warning control-host 2']);
  assert.deepEqual(v('/var/qmail/control/concurrencylocal', ' 5\n'), ['warning control-int 1']);
  assert.ok(v('/var/qmail/control/me', '\n').some((d) => d.startsWith('error control-me-empty')));
  assert.ok(v('/var/qmail/users/cdb', 'x').some((d) => d.startsWith('error edit-derived')));
  assert.ok(v('/home/a/.qmail', '\n./Maildir/\n').some((d) => d.startsWith('error dotqmail-first-blank 1')));
  assert.deepEqual(v('/home/a/.qmail', '# hi\n./Maildir/\n&b@example.org\n|preline procmail\n'), []);
});

test('staging: owner/mode kept or given, a second edit of a file replaces the first, no-op detected', () => {
  const fx = world();
  const sr = fx.sysroot();
  const env = stageEnv(sr, ['/var/qmail']);
  const cs = stageEdits(
    [
      { path: '/var/qmail/control/locals', content: buf('x\n') },
      { path: '/var/qmail/control/locals', content: buf('mail.example.com\nexample.com\n') },
      { path: '/home/alice/.qmail-new', content: buf('./New/\n') },
    ],
    env,
  );
  assert.equal(cs.valid, true);
  assert.deepEqual(cs.files.map((f) => [f.path, f.role, f.metaKept]), [
    ['/var/qmail/control/locals', 'edit', true],
    ['/home/alice/.qmail-new', 'edit', false],
    ['/.fsmeta', 'meta', false],
  ]);
  assert.match(cs.files[0].diff, /^ mail\.example\.com\n\+example\.com$/m);
  assert.deepEqual(cs.files[1].meta, { uid: 1001, gid: 1001, mode: 0o644 });
  assert.deepEqual(cs.files[1].expectOwner, { uid: 1001, home: '/home/alice' });
  // qmaild's home is /var/qmail: control files are still not checked against it.
  assert.equal(cs.files[0].expectOwner, undefined);
  assert.equal(cs.files[2].after!.toString(), '0644 1001 1001 /home/alice/.qmail-new\n');
  assert.deepEqual(cs.activation.map((a) => a.needed), [true, false]);
  const same = stageEdits([{ path: '/var/qmail/control/me', content: buf('mail.example.com\n') }], env);
  assert.equal(isNoop(same), true);
  assert.match(changeSetText(same, []), /unchanged/);
});

test('a changed file whose .fsmeta line gives a modification time gets the time of the edit', () => {
  const fx = makeFixture({
    '/etc/passwd': passwd,
    '/var/qmail/control/me': 'm\n',
    '/var/qmail/users/assign': { content: '=a:alice:1001:1001:/home/alice:::\n.\n', mode: 0o644, uid: 0, gid: 0, mtime: '2026-01-01T00:00:00Z' },
    '/var/qmail/users/cdb': { content: 'x', mode: 0o644, uid: 0, gid: 0, mtime: '2026-01-02T00:00:00Z' },
    '/var/qmail/control/locals': { content: 'm\n', mode: 0o644, uid: 0, gid: 0 },
  });
  const env = { ...stageEnv(fx.sysroot(), ['/var/qmail']), now: new Date('2026-11-25T12:00:00.500Z') };
  const cs = stageEdits([{ path: '/var/qmail/users/assign', content: buf('=b:alice:1001:1001:/home/alice:::\n.\n') }], env);
  const meta = cs.files.find((f) => f.path === '/.fsmeta')!.after!.toString();
  assert.match(meta, /^0644 0 0 \/var\/qmail\/users\/assign 2026-11-25T12:00:00Z$/m);
  assert.match(meta, /^0644 0 0 \/var\/qmail\/users\/cdb 2026-11-25T12:00:00Z$/m);
  assert.match(meta, /^0644 0 0 \/var\/qmail\/control\/locals$/m);
  // Nothing to record: .fsmeta is not part of the change.
  const none = stageEdits([{ path: '/var/qmail/control/locals', content: buf('n\n') }], env);
  assert.equal(none.files.some((f) => f.path === '/.fsmeta'), false);
});

test('a file outside any installation or home is not edited', () => {
  const fx = world();
  const cs = stageEdits([{ path: '/etc/passwd', content: buf('root:x:0:0::/:/bin/sh\n') }], stageEnv(fx.sysroot(), ['/var/qmail']));
  assert.equal(cs.valid, false);
  assert.ok(cs.diagnostics.some((d) => d.code === 'edit-not-qmail'));
});

test('staging refuses a stale hash and a symlinked path before anything else', () => {
  const fx = makeFixture({ '/etc/passwd': passwd, '/var/qmail/control/me': 'm\n', '/var/qmail/control/locals': { symlink: '/etc/passwd' } });
  const env = stageEnv(fx.sysroot(), ['/var/qmail']);
  assert.throws(() => stageEdits([{ path: '/var/qmail/control/me', content: buf('n\n'), expectSha256: '0'.repeat(64) }], env), (e) => e instanceof FsError && e.code === 'CONFLICT');
  assert.throws(() => stageEdits([{ path: '/var/qmail/control/locals', content: buf('n\n') }], env), (e) => e instanceof FsError && e.code === 'SYMLINK');
});

test('activation plan: HUP for locals/virtualdomains, restart for start-only files, nothing for per-run files', () => {
  const a = (p: string) => activationFor(classifyPath(p, ['/var/qmail']), p);
  assert.match(a('/var/qmail/control/virtualdomains').commands[0], /^kill -HUP <pid of the qmail-send started for \/var\/qmail>/);
  const d = (p: string) => activationFor(classifyPath(p, ['/var/qmail']), p, { '/var/qmail': { kind: 'daemontools', dir: '/service/qmail-send' } });
  assert.deepEqual(d('/var/qmail/control/locals').commands, ['svc -h /service/qmail-send']);
  assert.deepEqual(d('/var/qmail/control/me').commands, ['svc -t /service/qmail-send']);
  const u = activationFor(classifyPath('/var/qmail/control/locals', ['/var/qmail']), '/var/qmail/control/locals', { '/var/qmail': { kind: 'systemd', unit: 'qmail.service' } });
  assert.deepEqual(u.commands, ['systemctl kill -s HUP qmail.service']);
  assert.equal(a('/var/qmail/control/me').needed, true);
  assert.match(a('/var/qmail/control/me').text, /only at start/);
  assert.equal(a('/var/qmail/control/rcpthosts').needed, false);
  assert.equal(a('/var/qmail/control/smtproutes').needed, false);
  assert.equal(a('/var/qmail/users/assign').needed, false);
  assert.equal(a('/home/a/.qmail-x').needed, false);
});

test('validation (issue 14 point 5): names qmail never reads, new entries that contradict passwd or locals', () => {
  const inst = ['/var/qmail'];
  const v = (p: string, s: string, ctx = {}) => validateContent(classifyPath(p, inst), p, buf(s), ctx).map((d) => `${d.severity} ${d.code} ${d.line}: ${d.message}`);
  // A new file under a name close to one qmail reads cannot be meant; an existing one is warned of.
  assert.deepEqual(v('/var/qmail/control/virtualdomain', 'a.example:b\n', { before: null }), ['error edit-name-typo null: qmail reads no file named virtualdomain; did you mean virtualdomains?']);
  assert.deepEqual(v('/var/qmail/control/virtualdomain', 'a.example:b\n', { before: buf('') }), ['warning edit-name-typo null: qmail reads no file named virtualdomain; did you mean virtualdomains?']);
  assert.deepEqual(v('/var/qmail/control/defaultdelivery', './Maildir/\n', { before: null }), []);
  assert.deepEqual(v('/var/qmail/users/asign', '.\n', { before: null }), ['error edit-name-typo null: qmail reads no file named users/asign; did you mean users/assign?', 'info edit-unknown null: qlens does not know this file: its content is not checked']);
  assert.deepEqual(v('/home/a/qmail-lists', './L/\n', { before: null })[0], 'error edit-name-typo null: qmail-local reads no file named qmail-lists; did you mean .qmail-lists?');
  assert.deepEqual(v('/home/a/.qmial-lists', './L/\n', { before: null })[0], 'error edit-name-typo null: qmail-local reads no file named .qmial-lists; did you mean .qmail-lists?');
  assert.deepEqual(v('/home/a/.qmail-a.b', './L/\n', { before: null }), ['error dotqmail-never-chosen null: qmail-local never reads .qmail-a.b: qmail-local turns the dots of an address into colons; did you mean .qmail-a:b?']);
  assert.deepEqual(v('/home/a/.qmail-a:b', './L/\n', { before: null }), []);
  // users/assign: a new entry for a passwd user with another uid is warned of; an old one is left alone.
  const passwd = (n: string) => (n === 'alice' ? { name: 'alice', uid: 1001, gid: 1001, home: '/home/alice', shell: '/bin/sh', line: 2 } : null);
  const before = buf('=old:alice:1002:1001:/home/alice:::\n.\n');
  assert.deepEqual(v('/var/qmail/users/assign', '=old:alice:1002:1001:/home/alice:::\n=ann:alice:1003:1001:/home/alice:::\n=bob:bob:5:5:/h:::\n.\n', { before, passwd }), [
    'warning assign-uid-passwd 2: alice is uid 1001 gid 1001 in /etc/passwd (line 2), but this entry gives 1003:1001: qmail-local would deliver as 1003:1001',
  ]);
  // A virtualdomains line for a locals domain, and a locals line that shadows a virtual domain.
  const read = (p: string) => (p === '/var/qmail/control/locals' ? buf('example.com\n') : p === '/var/qmail/control/virtualdomains' ? buf('example.net:alice\n') : null);
  assert.deepEqual(v('/var/qmail/control/virtualdomains', 'example.net:alice\nexample.com:bob\njoe@example.com:bob\n', { before: buf('example.net:alice\n'), read }), [
    'warning locals-shadows-virtual 2: example.com is in locals, so qmail-send never reads this line: remove example.com from control/locals first',
    'warning locals-shadows-virtual 3: example.com is in locals, so qmail-send never reads this line: remove example.com from control/locals first',
  ]);
  assert.deepEqual(v('/var/qmail/control/locals', 'example.com\nexample.net\n', { before: buf('example.com\n'), read }), [
    'warning locals-shadows-virtual 2: example.net is also in virtualdomains (line 1, prepend "alice"): locals wins, and that line is no longer used',
  ]);
});
