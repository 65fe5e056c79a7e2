// The host's own files (sysroot/host.ts): the demos' copies, $EDITOR's
// private file, the compiled worker files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  copyHostTree,
  hostFileExists,
  hostIsDirectory,
  hostSubdirectories,
  makePrivateTempDir,
  readHostFile,
  removeHostTree,
  writeHostFile,
} from '../../source/sysroot/host.js';

test('a private temporary directory is mode 0700, and removing it twice is no error', () => {
  const dir = makePrivateTempDir('qlens-host-test-');
  try {
    assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
    assert.ok(hostIsDirectory(dir));
  } finally {
    removeHostTree(dir);
  }
  assert.equal(hostFileExists(dir), false);
  removeHostTree(dir);
});

test('a private file is written 0600 and read back byte for byte', () => {
  const dir = makePrivateTempDir('qlens-host-test-');
  try {
    const f = path.join(dir, 'x');
    writeHostFile(f, Buffer.from([0, 1, 0xff, 0x0a]));
    assert.equal(fs.statSync(f).mode & 0o777, 0o600);
    assert.deepEqual([...readHostFile(f)], [0, 1, 0xff, 0x0a]);
    assert.equal(hostIsDirectory(f), false);
  } finally {
    removeHostTree(dir);
  }
});

test('subdirectories are listed sorted, files left out; an unreadable directory lists none', () => {
  const dir = makePrivateTempDir('qlens-host-test-');
  try {
    for (const d of ['plain', 'multi', 'big']) fs.mkdirSync(path.join(dir, d));
    fs.writeFileSync(path.join(dir, 'README.md'), '');
    assert.deepEqual(hostSubdirectories(dir), ['big', 'multi', 'plain']);
    assert.deepEqual(hostSubdirectories(path.join(dir, 'absent')), []);
  } finally {
    removeHostTree(dir);
  }
});

test('a copied tree keeps modes, times and relative symbolic links as they are', () => {
  const dir = makePrivateTempDir('qlens-host-test-');
  try {
    const from = path.join(dir, 'from');
    fs.mkdirSync(path.join(from, 'home/alice'), { recursive: true });
    fs.writeFileSync(path.join(from, 'home/alice/.qmail'), './Maildir/\n', { mode: 0o644 });
    fs.chmodSync(path.join(from, 'home/alice/.qmail'), 0o604);
    fs.symlinkSync('../alice/.qmail', path.join(from, 'home/link'));
    const old = new Date('2020-01-02T03:04:05Z');
    fs.utimesSync(path.join(from, 'home/alice/.qmail'), old, old);
    const to = path.join(dir, 'to');
    copyHostTree(from, to);
    const st = fs.statSync(path.join(to, 'home/alice/.qmail'));
    assert.equal(st.mode & 0o777, 0o604);
    assert.equal(st.mtimeMs, old.getTime());
    assert.equal(fs.readlinkSync(path.join(to, 'home/link')), '../alice/.qmail');
  } finally {
    removeHostTree(dir);
  }
});
