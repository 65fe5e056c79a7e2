// Sizes and kinds of file an attacker (or an accident) can leave behind: a
// 2 GB mbox named in a .qmail file (never read), a .qmail file of 10 MB, a
// todo directory with a huge number of entries (counted, never listed into
// memory), FIFOs where files are expected (never opened blocking).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { spawnSync } from 'node:child_process';
import { build, runClean, ALL, loadTui, assertNoRaw } from './harness.js';
import { Sysroot } from '../../source/sysroot/sysroot.js';

/** Records every path read through the Sysroot (whole, head or text). */
class CountingSysroot extends Sysroot {
  readonly reads: string[] = [];
  readonly listed: string[] = [];
  override read(p: string): Buffer | null {
    this.reads.push(p);
    return super.read(p);
  }
  override readHead(p: string, max: number): Buffer | null {
    this.reads.push(p);
    return super.readHead(p, max);
  }
  override readdir(p: string): string[] | null {
    this.listed.push(p);
    return super.readdir(p);
  }
}

/** tmpfs when there is one: a directory of 200,000 entries is made in seconds there, not minutes. */
const FAST_TMP = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
const MBOX_BYTES = 2_000_000_000;

test('a 2 GB mbox named in a .qmail file is never read, by any command or the TUI load', async () => {
  const b = build({
    '/home/alice/.qmail': { content: './bigmbox\n./Maildir/\n', uid: 1001, gid: 1001 },
    '/home/alice/.qmail-big': { content: './bigmbox\n', uid: 1001, gid: 1001 },
  });
  const fd = fs.openSync(b.fx.host('/home/alice/bigmbox'), 'w');
  fs.ftruncateSync(fd, MBOX_BYTES); // sparse: no disk used, but reading it would allocate 2 GB
  fs.closeSync(fd);
  for (const name of ALL) {
    for (const addr of name === 'trace' ? ['alice@example.com', 'alice-big@example.com'] : [undefined]) {
      const s = new CountingSysroot(b.fx.dir);
      const r = await runClean(name, s, addr ? { positionals: [addr] } : {});
      assert.deepEqual(s.reads.filter((p) => p.includes('bigmbox')), [], `${name} ${addr ?? ''} read the mbox`);
      if (addr === 'alice-big@example.com') assert.match(r.out, /^mbox +\/home\/alice\/bigmbox /m);
    }
  }
  const before = process.memoryUsage().rss;
  // The TUI: the whole load, a trace, and a file view opened on the mbox (a jump can land there).
  const data = await loadTui(b.fx.dir, [
    { kind: 'trace', address: 'alice-big@example.com' },
    { kind: 'file', path: '/home/alice/bigmbox' },
  ]);
  const grown = process.memoryUsage().rss - before;
  assert.ok(grown < 500_000_000, `the TUI load grew the process by ${grown} bytes`);
  const fv = data.details['file:/home/alice/bigmbox'];
  assert.ok(fv && fv.kind === 'file' && fv.file.lines, 'the file view answered');
  if (fv.kind === 'file') assert.match(fv.file.lines!.at(-1)!, /the file is 2000000000 bytes; only the first \d+ are shown/);
});

test('a .qmail file of 10 MB (200,000 forwards and long comments with escapes): no exception, steps summarized, nothing raw', async () => {
  const forwards = '&bob@example.com\n'.repeat(200_000);
  const comment = `# \x1b]0;pwned\x07 ${'x'.repeat(990)}\n`;
  const pad = comment.repeat(Math.ceil((10_000_000 - forwards.length) / comment.length));
  const content = Buffer.from(pad + forwards + './Maildir/\n', 'latin1');
  assert.ok(content.length >= 10_000_000);
  const b = build({ '/home/alice/.qmail-huge': { content, uid: 1001, gid: 1001 } });
  const r = await runClean('trace', b.sysroot(), { positionals: ['alice-huge@example.com'] });
  assert.match(r.out, /qlens +\d+ more qmail-local steps not shown \(\/home\/alice\/\.qmail-huge is long\)/);
  assert.match(r.out, /^maildir +\/home\/alice\/Maildir\//m, 'the last line is still traced');
  assert.match(r.out, /more than 500 hops: the walk stops here/);
  for (const name of ['check', 'veil', 'domains'] as const) await runClean(name, b.sysroot());
});

const TODO_ENTRIES = Number(process.env.QLENS_HOSTILE_TODO ?? 200_000);

test(`a todo directory with ${TODO_ENTRIES} entries is counted by streaming, never listed whole`, async () => {
  // A million works the same (QLENS_HOSTILE_TODO=1000000); 200,000 keeps the test quick on 2 shared cores.
  const b = build({}, undefined, FAST_TMP);
  const todo = b.fx.host('/var/qmail/queue/todo');
  for (let i = 0; i < TODO_ENTRIES; i++) fs.closeSync(fs.openSync(`${todo}/${2_000_000 + i}`, 'w'));
  try {
    const s = new CountingSysroot(b.fx.dir);
    const counts = await runClean('queue', s, { options: { counts: true } });
    assert.match(counts.out, new RegExp(`^messages in queue but not yet preprocessed: ${TODO_ENTRIES}$`, 'm'));
    assert.ok(!s.listed.some((p) => p.endsWith('/todo')), 'todo/ was never read into an array');
    const s2 = new CountingSysroot(b.fx.dir);
    const list = await runClean('queue', s2);
    assert.match(list.out, /#1000001 /);
    assert.ok(!s2.listed.some((p) => p.endsWith('/todo')), 'the listing streams todo/ too');
  } finally {
    b.fx.cleanup();
  }
});

const HAVE_MKFIFO = spawnSync('mkfifo', ['--version']).status === 0;

test('FIFOs where files are expected (a user\'s .qmail, a control file, a queue file) are never opened blocking', { skip: !HAVE_MKFIFO && 'no mkfifo' }, async () => {
  const b = build({ '/home/bob/.qmail': null });
  for (const p of ['/home/alice/.qmail-fifo', '/home/bob/.qmail', '/var/qmail/control/smtproutes', '/var/qmail/queue/info/7/1000001']) {
    fs.rmSync(b.fx.host(p), { force: true });
    assert.equal(spawnSync('mkfifo', [b.fx.host(p)]).status, 0);
  }
  for (const name of ALL) await runClean(name, b.sysroot());
  const check = await runClean('check', b.sysroot());
  assert.match(check.out, /^\/var\/qmail\/control\/smtproutes: error: unreadable: \/var\/qmail\/control\/smtproutes: is not a regular file \(a FIFO or device: not read\)$/m);
  // qmail-local's qmeexists: a .qmail that is not a regular file counts as absent.
  const fifo = await runClean('trace', b.sysroot(), { positionals: ['alice-fifo@example.com'] });
  assert.match(fifo.out, /\.qmail-fifo\? no/);
  const bob = await runClean('trace', b.sysroot(), { positionals: ['bob@example.com'] });
  assert.match(bob.out, /\.qmail\? no/);
  const q = await runClean('queue', b.sysroot());
  assert.match(q.err, /\/var\/qmail\/queue\/info\/7\/1000001/);
  const data = await loadTui(b.fx.dir, [{ kind: 'file', path: '/home/alice/.qmail-fifo' }]);
  const fv = data.details['file:/home/alice/.qmail-fifo'];
  assert.ok(fv && fv.kind === 'file' && fv.file.error, 'the file view says why');
  if (fv.kind === 'file') assertNoRaw(fv.file.error!, 'file view error');
});
