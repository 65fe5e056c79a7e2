// Files that vanish or grow while qlens reads them: qmail-send finishing a
// delivery between the listing and the read, a user rewriting a .qmail file
// under the tracer, a message still being written. Simulated deterministically
// with a Sysroot that changes the tree right after a chosen call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { build, runClean, type Built } from './harness.js';
import { Sysroot, type SysrootOptions } from '../../source/sysroot/sysroot.js';

type Hook = (call: 'readdir' | 'stat' | 'read', sysPath: string) => void;

/** A Sysroot that runs `hook` after each readdir/stat/read, so a test can change the tree mid-read. */
class ChangingSysroot extends Sysroot {
  constructor(dir: string, private readonly hook: Hook, opts: SysrootOptions = {}) {
    super(dir, opts);
  }
  override readdir(p: string): string[] | null {
    const r = super.readdir(p);
    this.hook('readdir', p);
    return r;
  }
  override stat(p: string) {
    const r = super.stat(p);
    this.hook('stat', p);
    return r;
  }
  override read(p: string): Buffer | null {
    const r = super.read(p);
    this.hook('read', p);
    return r;
  }
}

const MSGS = [1000001, 1000024, 1000047].map((id, i) => ({
  id,
  sender: `s${i}@example.com`,
  born: '2026-11-25T10:00:00Z',
  recipients: [{ address: `r${i}@remote.example`, channel: 'remote' as const }],
  content: `Subject: number ${i}\n\nbody\n`,
}));

function once(f: () => void): () => void {
  let done = false;
  return () => {
    if (!done) {
      done = true;
      f();
    }
  };
}

function rmQueued(b: Built, id: number, parts = ['mess', 'info', 'local', 'remote']): void {
  for (const d of parts) fs.rmSync(b.fx.host(`/var/qmail/queue/${d}/${id % 23}/${id}`), { force: true });
}

test('a message delivered (all its files removed) between the directory listing and the read: skipped, the others listed', async () => {
  const b = build({}, MSGS);
  const gone = once(() => rmQueued(b, 1000024));
  const s = new ChangingSysroot(b.fx.dir, (call, p) => {
    if (call === 'readdir' && p === '/var/qmail/queue/mess/7') gone();
  });
  const r = await runClean('queue', s);
  assert.equal(r.status, 0);
  assert.match(r.out, /#1000001 /);
  assert.match(r.out, /#1000047 /);
  assert.doesNotMatch(r.out, /#1000024 /);
});

test('info/ removed but mess/ still there (qmail-send cleaning up half-way): no exception, the rest listed', async () => {
  const b = build({}, MSGS);
  const gone = once(() => rmQueued(b, 1000024, ['info', 'remote']));
  const s = new ChangingSysroot(b.fx.dir, (call, p) => {
    if (call === 'readdir' && p === '/var/qmail/queue/mess/7') gone();
  });
  const r = await runClean('queue', s);
  assert.match(r.out, /#1000001 /);
  assert.match(r.out, /#1000047 /);
});

test('a message that grows while listed (mess appended, a half-written recipient record): listed without raw bytes', async () => {
  const b = build({}, MSGS);
  const grow = once(() => {
    fs.appendFileSync(b.fx.host('/var/qmail/queue/mess/7/1000024'), Buffer.alloc(1 << 20, 0x1b));
    fs.appendFileSync(b.fx.host('/var/qmail/queue/remote/7/1000024'), Buffer.from('T\x1b]0;half-written', 'latin1'));
  });
  const s = new ChangingSysroot(b.fx.dir, (call, p) => {
    if (call === 'readdir' && p === '/var/qmail/queue/mess/7') grow();
  });
  const r = await runClean('queue', s);
  assert.match(r.out, /#1000024 /);
  const d = await runClean('queue', new Sysroot(b.fx.dir), { options: { message: '1000024' } });
  assert.match(d.out, /1000024/);
});

test('--message on a message that vanishes after it was found: a one-line answer, no exception', async () => {
  const b = build({}, MSGS);
  const gone = once(() => rmQueued(b, 1000024));
  const s = new ChangingSysroot(b.fx.dir, (call, p) => {
    if (p.includes('1000024')) gone();
  });
  const r = await runClean('queue', s, { options: { message: '1000024' } });
  assert.notEqual(r.status, null);
  assert.ok((r.out + r.err).includes('1000024'));
});

test('a .qmail file removed between the stat and the read: the trace goes on without an exception', async () => {
  const b = build();
  const gone = once(() => fs.rmSync(b.fx.host('/home/alice/.qmail')));
  const s = new ChangingSysroot(b.fx.dir, (call, p) => {
    if (call === 'stat' && p === '/home/alice/.qmail') gone();
  });
  const r = await runClean('trace', s);
  assert.match(r.out, /hop 0/);
});

test('a .qmail file that grows after it was read: the trace shows what was read, once', async () => {
  const b = build();
  const grow = once(() => fs.appendFileSync(b.fx.host('/home/alice/.qmail'), '\x1b[2J&evil@example.com\n'.repeat(1000)));
  const s = new ChangingSysroot(b.fx.dir, (call, p) => {
    if (call === 'read' && p === '/home/alice/.qmail') grow();
  });
  const r = await runClean('trace', s);
  assert.match(r.out, /^maildir +\/home\/alice\/Maildir\//m);
  assert.doesNotMatch(r.out, /evil@example\.com/);
});

test('control/locals replaced by a directory between two reads: no exception', async () => {
  const b = build();
  const swap = once(() => {
    fs.rmSync(b.fx.host('/var/qmail/control/virtualdomains'));
    fs.mkdirSync(b.fx.host('/var/qmail/control/virtualdomains'));
  });
  const s = new ChangingSysroot(b.fx.dir, (call, p) => {
    if (call === 'read' && p === '/var/qmail/control/locals') swap();
  });
  const r = await runClean('check', s);
  assert.match(r.out, /\/var\/qmail\/control\/virtualdomains/);
});

test('a link swapped away between its lstat and its readlink (a directory swap): resolve takes the path as it is, no ENOENT crash', async () => {
  const { syncBuiltinESMExports } = await import('node:module');
  const fsMod = (await import('node:fs')).default as unknown as Record<string, unknown>;
  const b = build({ '/home/alice/mail': { symlink: 'Maildir' } });
  const real = fsMod.readlinkSync as (...a: unknown[]) => unknown;
  let swapped = 0;
  // The swap lands exactly in the window: the link is gone when readlink asks.
  fsMod.readlinkSync = (...a: unknown[]) => {
    if (String(a[0]).endsWith('/home/alice/mail')) {
      swapped++;
      throw Object.assign(new Error('ENOENT: no such file or directory, readlink'), { code: 'ENOENT' });
    }
    return real(...a);
  };
  syncBuiltinESMExports();
  try {
    const s = new Sysroot(b.fx.dir);
    assert.equal(s.resolve('/home/alice/mail/new'), '/home/alice/mail/new');
    assert.doesNotThrow(() => s.stat('/home/alice/mail/new'));
  } finally {
    fsMod.readlinkSync = real;
    syncBuiltinESMExports();
  }
  assert.ok(swapped > 0, 'the window was hit');
});
