// Issue 15.7: undo trusts its journal no further than it can. Malformed
// manifests, a FIFO where a manifest or a backup copy should be, a NUL in a
// path, a journal directory others can write (with a forged entry naming
// /etc/passwd), a forged "before: null" that would delete rcpthosts: each is
// a one-line refusal (exit 3), nothing is written, nothing hangs. And
// --backup-dir is refused inside another user's home or at / itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { build, runEditCommand, treeSnapshot, assertNoRaw, type Built } from './harness.js';
import { checkManifest } from '../../source/edit/journal.js';

const J = '/var/backups/qlens';
const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

/** The base world with one applied edit of rcpthosts in the journal; returns the entry's host directory. */
async function withEntry(): Promise<{ b: Built; entry: string; manifest: string }> {
  const b = build({}, false);
  const r = await runEditCommand(b.fx, 'edit', { content: 'example.com\nvirt.example\nnew.example\n' });
  assert.equal(r.status, 0, r.err);
  const [name] = fs.readdirSync(b.fx.host(J)).filter((n) => /^\d/.test(n));
  const entry = b.fx.host(`${J}/${name}`);
  return { b, entry, manifest: path.join(entry, 'manifest.json') };
}

async function undoRefused(b: Built, says: RegExp): Promise<void> {
  const before = treeSnapshot(b.fx.dir);
  const u = await runEditCommand(b.fx, 'undo');
  assert.equal(u.thrown, undefined, (u.thrown as Error)?.stack);
  assert.equal(u.status, 3, `${u.status}\n${u.out}\n${u.err}`);
  assert.equal(u.err.trim().split('\n').length, 1, `one line: ${u.err}`);
  assert.match(u.err, says);
  assert.match(u.err, /nothing written$/m);
  assertNoRaw(u.out + u.err, 'undo');
  assert.doesNotMatch(u.err, /\0/);
  assert.deepEqual(treeSnapshot(b.fx.dir), before, 'nothing written');
}

const SHAPES: Array<[string, (m: Record<string, unknown>) => unknown]> = [
  ['null', () => null],
  ['an array', () => []],
  ['a string', () => 'manifest'],
  ['files: [null]', (m) => ({ ...m, files: [null] })],
  ['files: null', (m) => ({ ...m, files: null })],
  ['path: 5', (m) => ({ ...m, files: [{ ...(m.files as object[])[0], path: 5 }] })],
  ['a path with a NUL', (m) => ({ ...m, files: [{ ...(m.files as object[])[0], path: '/var/qmail/control/rc\0pthosts' }] })],
  ['a relative path', (m) => ({ ...m, files: [{ ...(m.files as object[])[0], path: 'var/qmail/control/rcpthosts' }] })],
  ['a path climbing out', (m) => ({ ...m, files: [{ ...(m.files as object[])[0], path: '/../../etc/passwd' }] })],
  ['a hash that is not one', (m) => ({ ...m, files: [{ ...(m.files as object[])[0], after: 'zz' }] })],
  ['a uid of 2^53', (m) => ({ ...m, files: [{ ...(m.files as object[])[0], uid: 2 ** 53 }] })],
  ['a backup naming another file', (m) => ({ ...m, files: [{ ...(m.files as object[])[0], backup: 'etc/shadow' }] })],
  ['kind "rm"', (m) => ({ ...m, kind: 'rm' })],
  ['10,000 files', (m) => ({ ...m, files: new Array(10_000).fill((m.files as object[])[0]) })],
  // 25 MB: beyond the read limit, refused before it is parsed.
  ['100,000 files', (m) => ({ ...m, files: new Array(100_000).fill((m.files as object[])[0]) })],
];

for (const [what, shape] of SHAPES) {
  test(`a manifest that is ${what}: undo refuses in one line naming the entry, nothing written`, async () => {
    const { b, manifest } = await withEntry();
    const m = JSON.parse(fs.readFileSync(manifest, 'utf8'));
    fs.writeFileSync(manifest, JSON.stringify(shape(m)));
    await undoRefused(b, /journal entry \d{8}T\d{6}Z-1 cannot be trusted: (\S+\/)?manifest\.json/);
  });
}

test('a manifest that is not JSON, or JSON nested a million deep: refused, no stack overflow', async () => {
  for (const text of ['{"qlens":1,', '['.repeat(1_000_000) + ']'.repeat(1_000_000)]) {
    const { b, manifest } = await withEntry();
    fs.writeFileSync(manifest, text);
    await undoRefused(b, /cannot be trusted/);
  }
});

const HAVE_MKFIFO = spawnSync('mkfifo', ['--version']).status === 0;

test('a FIFO where the manifest or the backup copy should be: undo answers at once (never opens it blocking)', { skip: !HAVE_MKFIFO && 'no mkfifo', timeout: 30_000 }, async () => {
  const a = await withEntry();
  fs.rmSync(a.manifest);
  spawnSync('mkfifo', [a.manifest]);
  await undoRefused(a.b, /manifest\.json: is not a regular file/);
  const c = await withEntry();
  const copy = path.join(c.entry, 'var/qmail/control/rcpthosts');
  fs.rmSync(copy);
  spawnSync('mkfifo', [copy]);
  await undoRefused(c.b, /the backup copy cannot be used: .*is not a regular file/);
});

test('a journal directory writable by others, holding a forged entry naming /etc/passwd: refused, /etc/passwd untouched', async () => {
  const { b } = await withEntry();
  const passwd = fs.readFileSync(b.fx.host('/etc/passwd'));
  const forged = `${J}/29991231T000000Z-1`;
  const evil = Buffer.concat([passwd, Buffer.from('toor:x:0:0::/root:/bin/sh\n')]);
  fs.mkdirSync(b.fx.host(forged + '/etc'), { recursive: true });
  fs.writeFileSync(b.fx.host(forged + '/etc/passwd'), evil);
  // As if the passwd now held the forged "after": the forger wants it back to "before" = evil.
  const m = { qlens: 1, kind: 'edit', time: '2999-12-31T00:00:00.000Z', state: 'applied', undoes: null, files: [{ path: '/etc/passwd', before: sha(evil), after: sha(passwd), uid: 0, gid: 0, mode: 0o644, backup: 'etc/passwd' }] };
  fs.writeFileSync(b.fx.host(forged + '/manifest.json'), JSON.stringify(m));
  fs.chmodSync(b.fx.host(J), 0o777);
  await undoRefused(b, new RegExp(`the journal ${J} is writable by others \\(mode 0777; refused: chmod go-w ${J}\\)`));
  // Even in a journal only root can write, a path qlens never edits is not restored.
  fs.chmodSync(b.fx.host(J), 0o700);
  await undoRefused(b, /names \/etc\/passwd, not a file qlens edits/);
  assert.deepEqual(fs.readFileSync(b.fx.host('/etc/passwd')), passwd);
});

test('a forged "before": null for rcpthosts in a journal of another user: refused, rcpthosts kept', async () => {
  const { b, manifest } = await withEntry();
  const m = JSON.parse(fs.readFileSync(manifest, 'utf8'));
  m.files[0].before = null;
  m.files[0].backup = null;
  fs.writeFileSync(manifest, JSON.stringify(m));
  fs.chownSync(b.fx.host(J), 1001, 1001);
  await undoRefused(b, new RegExp(`the journal ${J} belongs to uid 1001, not to uid 0 running qlens`));
  assert.ok(fs.existsSync(b.fx.host('/var/qmail/control/rcpthosts')));
});

test('an entry directory or manifest writable by others inside a trusted journal: refused', async () => {
  const a = await withEntry();
  fs.chmodSync(a.entry, 0o777);
  await undoRefused(a.b, /is writable by others than its owner/);
  const c = await withEntry();
  fs.chmodSync(c.manifest, 0o666);
  await undoRefused(c.b, /manifest\.json is writable by others than its owner/);
});

test('a directory above the journal writable by everyone (no sticky bit): refused, as the journal could be swapped', async () => {
  const { b } = await withEntry();
  fs.chmodSync(b.fx.host('/var/backups'), 0o777);
  await undoRefused(b, /\/var\/backups, above the journal, is writable by others without the sticky bit/);
  fs.chmodSync(b.fx.host('/var/backups'), 0o1777);
  const u = await runEditCommand(b.fx, 'undo');
  assert.equal(u.status, 0, u.err);
});

test('an apply into a journal others can write is refused before anything is written', async () => {
  const b = build({ '/var/backups/qlens/.keep': '' }, false);
  fs.chmodSync(b.fx.host(J), 0o777);
  const before = treeSnapshot(b.fx.dir);
  const r = await runEditCommand(b.fx, 'edit', { content: 'example.com\n' });
  assert.equal(r.status, 3, r.err);
  assert.match(r.err, /is writable by others/);
  assert.deepEqual(treeSnapshot(b.fx.dir), before);
});

test('--backup-dir inside another user\'s home or at / is refused with the reason (exit 2); root\'s own home is fine', async () => {
  const b = build({}, false);
  for (const [dir, says] of [
    ['/', /--backup-dir \/ is the root directory itself/],
    ['/home/alice/journal', /--backup-dir \/home\/alice\/journal is inside \/home\/alice, the home of alice, who could forge the journal undo trusts/],
    ['/home/alice', /inside \/home\/alice/],
  ] as const) {
    for (const cmd of ['edit', 'undo'] as const) {
      const r = await runEditCommand(b.fx, cmd, { content: 'example.com\n', options: { 'backup-dir': dir } });
      assert.equal((r.thrown as Error)?.name, 'UsageError', `${cmd} ${dir}: ${r.status} ${r.err}`);
      assert.match((r.thrown as Error).message, says);
    }
  }
  const ok = await runEditCommand(b.fx, 'edit', { content: 'example.com\n', options: { 'backup-dir': '/root/qlens' } });
  assert.equal(ok.status, 0, ok.err);
});

test('checkManifest accepts exactly what an apply writes', async () => {
  const { manifest } = await withEntry();
  const m = JSON.parse(fs.readFileSync(manifest, 'utf8'));
  assert.equal(checkManifest(m, J), null);
  assert.match(checkManifest({ ...m, files: [] }, J)!, /"files" holds 0 entries/);
  assert.equal(checkManifest({ ...m, kind: 'undo', undoes: '20261125T120000Z-1', files: [] }, J), null);
  assert.match(checkManifest({ ...m, files: [{ ...m.files[0], path: `${J}/x` }] }, J)!, /inside the journal/);
});
