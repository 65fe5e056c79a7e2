// The home compiled into a qmail program (conf-qmail's first line, the
// auto_qmail string), found among the program's bytes without running it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { compiledHome, printableRuns, scriptRefs } from '../../source/qmail/binaries-home.js';
import { builtForOther, homeReader, homesOf, MAX_PROGRAM_BYTES, programListing } from '../../source/qmail/binaries.js';
import { elfStandIn } from '../helpers/elf-writer.js';
import { makeFixture } from '../helpers/fixture.js';

const QUEUE_STRINGS = ['qmail-queue: fatal: unable to switch to home directory', 'queue', 'bin/qmail-queue', 'Received: (qmail ', '/bin/sh'];
const INTERP = '/lib64/ld-linux-x86-64.so.2';

test('an unstripped program: the bytes of its auto_qmail symbol', () => {
  const h = compiledHome(elfStandIn({ home: '/var/qmail2', rodata: QUEUE_STRINGS, interp: INTERP, symbols: true }));
  assert.deepEqual([h.home, h.how], ['/var/qmail2', 'symbol']);
  // The symbol is exact even where the home would fail the shape test.
  assert.equal(compiledHome(elfStandIn({ home: '/q', rodata: QUEUE_STRINGS, symbols: true })).home, '/q');
});

test('a stripped program: the one home-shaped string of its writable data; the literals of .rodata are not it', () => {
  const h = compiledHome(elfStandIn({ home: '/var/qmail', rodata: [...QUEUE_STRINGS, '/var/qmail2/control/me', '/opt/other'], interp: INTERP }));
  assert.deepEqual([h.home, h.how, h.candidates], ['/var/qmail', 'data', ['/var/qmail']]);
  // What sstrip leaves (no section table): the writable segment of the program headers.
  const s = compiledHome(elfStandIn({ home: '/var/qmail', rodata: QUEUE_STRINGS, interp: INTERP, sectionTable: false }));
  assert.deepEqual([s.home, s.how], ['/var/qmail', 'data']);
});

test('32-bit and big-endian programs are read alike', () => {
  for (const o of [{ bits: 32 as const }, { little: false }, { bits: 32 as const, little: false }]) {
    assert.equal(compiledHome(elfStandIn({ home: '/var/qmail3', rodata: QUEUE_STRINGS, symbols: true, ...o })).home, '/var/qmail3', JSON.stringify(o));
    assert.equal(compiledHome(elfStandIn({ home: '/var/qmail3', rodata: QUEUE_STRINGS, ...o })).home, '/var/qmail3', JSON.stringify(o));
  }
});

test('a program without a home (qmail-getpw) or a foreign one says so, and takes no path for a home', () => {
  const none = compiledHome(elfStandIn({ rodata: ['qmail-getpw', '/bin/sh'], interp: INTERP }));
  assert.equal(none.home, null);
  assert.match(none.reason!, /no home among the strings of its writable data/);
  // git keeps "/bad-path/" in its data; nothing in it says qmail.
  const foreign = compiledHome(elfStandIn({ home: '/bad-path/', rodata: ['usage: git [--version]', '/usr/share/git-core'], interp: INTERP }));
  assert.equal(foreign.home, null);
  assert.match(foreign.reason!, /no sign of qmail/);
  // Nor is a system path ever the home, or the odd printable bytes of binary data.
  assert.equal(compiledHome(Buffer.from('\0/K\0/usr/lib/x86_64-linux-gnu\0/etc/passwd\0qmail\0')).home, null);
});

test('several candidate strings: the one that is an installation here wins; else no answer, every candidate named', () => {
  const bytes = elfStandIn({ home: '/var/qmail2', moreData: ['/srv/spool/archive'], rodata: QUEUE_STRINGS });
  const roots = new Set(['/var/qmail', '/var/qmail2']);
  const h = compiledHome(bytes, { isInstallationRoot: (p) => roots.has(p) });
  assert.deepEqual([h.home, h.how, h.candidates], ['/var/qmail2', 'data', ['/var/qmail2', '/srv/spool/archive']]);
  const none = compiledHome(bytes, { isInstallationRoot: () => false });
  assert.equal(none.home, null);
  assert.deepEqual(none.candidates, ['/var/qmail2', '/srv/spool/archive']);
  assert.match(none.reason!, /several strings could be the home \(\/var\/qmail2, \/srv\/spool\/archive\) and none is an installation here/);
  // A file that is not ELF: its strings, the same way (the demo's stand-ins are ELF; a shell wrapper is not read this way).
  const flat = Buffer.from('\x01\x02qmail-inject: fatal\0/var/qmail\0/var/qmail2\0');
  assert.equal(compiledHome(flat, { isInstallationRoot: (p) => p === '/var/qmail' }).home, '/var/qmail');
  assert.match(compiledHome(flat, { isInstallationRoot: (p) => roots.has(p) }).reason!, /more than one is an installation here/);
});

test('a real build: auto_qmail.c as auto-str writes it, linked into a program, then stripped', { skip: spawnSync('cc', ['--version']).status !== 0 && 'no C compiler' }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qlens-cc-'));
  try {
    // ./auto-str auto_qmail "$(head -1 conf-qmail)" > auto_qmail.c, with conf-qmail = /var/qmail2
    const octal = [...'/var/qmail2'].map((c) => '\\' + c.charCodeAt(0).toString(8).padStart(3, '0')).join('');
    fs.writeFileSync(path.join(dir, 'auto_qmail.c'), `char auto_qmail[] = "\\\n${octal}\\\n";\n`);
    fs.writeFileSync(path.join(dir, 'auto_split.c'), 'int auto_split = 23;\n');
    fs.writeFileSync(
      path.join(dir, 'qmail-queue.c'),
      [
        '#include <unistd.h>',
        '#include <stdio.h>',
        'extern char auto_qmail[]; extern int auto_split;',
        'static char *binqqargs[2] = { 0, 0 };',
        'int main(void) {',
        '  if (chdir(auto_qmail) == -1) { fputs("qmail-queue: fatal: unable to switch to home directory\\n", stderr); return 61; }',
        '  if (chdir("queue") == -1) return 62;',
        '  binqqargs[0] = "bin/qmail-queue"; execv("/bin/sh", binqqargs);',
        '  printf("%d %s\\n", auto_split, "/var/qmail/control/me");',
        '  return 0;',
        '}',
        '',
      ].join('\n'),
    );
    const cc = spawnSync('cc', ['-O2', '-o', 'qmail-queue', 'qmail-queue.c', 'auto_qmail.c', 'auto_split.c'], { cwd: dir });
    assert.equal(cc.status, 0, cc.stderr?.toString());
    const built = compiledHome(fs.readFileSync(path.join(dir, 'qmail-queue')));
    assert.deepEqual([built.home, built.how], ['/var/qmail2', 'symbol']);
    if (spawnSync('strip', ['qmail-queue'], { cwd: dir }).status === 0) {
      const stripped = compiledHome(fs.readFileSync(path.join(dir, 'qmail-queue')));
      assert.deepEqual([stripped.home, stripped.how], ['/var/qmail2', 'data']);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const standIn = (home: string | null, name = 'qmail-queue') => elfStandIn({ home, rodata: [`${name}: fatal`, 'bin/qmail-queue', '/bin/sh'], interp: INTERP });

test("an installation's bin/: each program's home; programs built without one are left out", () => {
  const fx = makeFixture({
    '/var/qmail/control/me': 'a\n',
    '/var/qmail2/control/me': 'b\n',
    '/var/qmail2/bin/qmail-queue': standIn('/var/qmail'),
    '/var/qmail2/bin/qmail-send': standIn('/var/qmail', 'qmail-send'),
    '/var/qmail2/bin/qmail-smtpd': standIn('/var/qmail2', 'qmail-smtpd'),
    '/var/qmail2/bin/qmail-getpw': standIn(null, 'qmail-getpw'),
    '/var/qmail2/bin/qmail-remote': Buffer.alloc(0),
  });
  const r = homeReader(fx.sysroot(), ['/var/qmail', '/var/qmail2']).installation('/var/qmail2');
  assert.deepEqual(
    r.programs.map((p) => [p.path, p.home]),
    [
      ['/var/qmail2/bin/qmail-queue', '/var/qmail'],
      ['/var/qmail2/bin/qmail-remote', null],
      ['/var/qmail2/bin/qmail-send', '/var/qmail'],
      ['/var/qmail2/bin/qmail-smtpd', '/var/qmail2'],
    ],
  );
  const homes = homesOf(r.programs);
  assert.deepEqual(homes.map((h) => [h.home, h.programs.map((p) => p.path.split('/').pop())]), [
    ['/var/qmail', ['qmail-queue', 'qmail-send']],
    ['/var/qmail2', ['qmail-smtpd']],
  ]);
  assert.equal(builtForOther('/var/qmail2', r.programs), null, 'several homes: no single answer for the header');
});

test('a symlink is read where it leads: /usr/sbin/sendmail -> /var/qmail2/bin/sendmail built for /var/qmail', () => {
  const fx = makeFixture({
    '/var/qmail2/bin/sendmail': standIn('/var/qmail', 'sendmail'),
    '/usr/sbin/sendmail': { symlink: '/var/qmail2/bin/sendmail' },
    '/usr/lib/sendmail': { symlink: '../sbin/sendmail' },
  });
  const rd = homeReader(fx.sysroot(), []);
  for (const p of ['/usr/sbin/sendmail', '/usr/lib/sendmail']) {
    const s = rd.program(p);
    assert.deepEqual([s.path, s.realPath, s.home, s.kind], [p, '/var/qmail2/bin/sendmail', '/var/qmail', 'program']);
  }
});

test('a wrapper script is followed to the program it runs; qmail-qstat carries the home as text', () => {
  const fx = makeFixture({
    '/var/qmail/bin/qmail-inject': standIn('/var/qmail', 'qmail-inject'),
    '/var/qmail/bin/sendmail': standIn('/var/qmail', 'sendmail'),
    // A site's wrapper in B's bin that runs A's qmail-inject.
    '/var/qmail2/bin/qmail-inject': '#!/bin/sh\n# add our header\nQMAILHOST=b.example; export QMAILHOST\nexec env - PATH=/usr/bin /var/qmail/bin/qmail-inject "$@"\n',
    // datemail: predate carries no home; its argument does.
    '/var/qmail/bin/predate': elfStandIn({ rodata: ['predate: fatal'] }),
    '/var/qmail/bin/datemail': '#!/bin/sh\n# WARNING: This file was auto-generated. Do not edit!\nexec /var/qmail/bin/predate /var/qmail/bin/sendmail ${1+"$@"}\n',
    '/var/qmail2/bin/qmail-qstat': '#!/bin/sh\n# WARNING: This file was auto-generated. Do not edit!\ncd /var/qmail2\nmessdirs=`echo queue/mess/* | wc -w`\n',
    '/var/qmail2/bin/loop-a': '#!/bin/sh\nexec /var/qmail2/bin/loop-b\n',
    '/var/qmail2/bin/loop-b': '#!/bin/sh\nexec /var/qmail2/bin/loop-a\n',
    '/var/qmail2/bin/hello': '#!/bin/sh\necho hello\n',
  });
  const rd = homeReader(fx.sysroot(), ['/var/qmail', '/var/qmail2']);
  const w = rd.program('/var/qmail2/bin/qmail-inject');
  assert.deepEqual([w.kind, w.home, w.via, w.where?.path], ['script', '/var/qmail', ['/var/qmail/bin/qmail-inject'], '/var/qmail/bin/qmail-inject']);
  const d = rd.program('/var/qmail/bin/datemail');
  assert.deepEqual([d.home, d.via], ['/var/qmail', ['/var/qmail/bin/sendmail']]);
  const q = rd.program('/var/qmail2/bin/qmail-qstat');
  assert.deepEqual([q.home, q.how, q.where?.line], ['/var/qmail2', 'script', 3]);
  const loop = rd.program('/var/qmail2/bin/loop-a');
  assert.equal(loop.home, null);
  assert.match(loop.note!, /none of the programs it runs/);
  assert.match(rd.program('/var/qmail2/bin/hello').note!, /runs no program by absolute path/);
  assert.deepEqual(scriptRefs('cd /var/qmail\ncd queue\n'), [{ kind: 'cd', dir: '/var/qmail', line: 1 }]);
});

test('a huge file is read only so far: a home in its first bytes is found, one past the bound is not, and the note says why', () => {
  const fx = makeFixture({ '/var/qmail/bin/qmail-send': '', '/var/qmail/bin/qmail-queue': '' });
  const early = standIn('/var/qmail', 'qmail-send');
  const grow = (sysPath: string, head: Buffer, size: number, tail?: Buffer): void => {
    const fd = fs.openSync(fx.host(sysPath), 'r+');
    fs.writeSync(fd, head, 0, head.length, 0);
    if (tail) fs.writeSync(fd, tail, 0, tail.length, size - tail.length);
    fs.ftruncateSync(fd, size);
    fs.closeSync(fd);
  };
  grow('/var/qmail/bin/qmail-send', early, 1024 ** 3);
  // Not ELF, so all its bytes count; but its home lies past the first MAX_PROGRAM_BYTES.
  grow('/var/qmail/bin/qmail-queue', Buffer.from('qmail-queue\0'), 64 * 1024 * 1024, Buffer.from('\0/var/qmail\0'));
  const rd = homeReader(fx.sysroot(), ['/var/qmail']);
  const send = rd.program('/var/qmail/bin/qmail-send');
  assert.deepEqual([send.home, send.size], ['/var/qmail', 1024 ** 3]);
  const q = rd.program('/var/qmail/bin/qmail-queue');
  assert.equal(q.home, null);
  assert.match(q.note!, new RegExp(`only the first ${MAX_PROGRAM_BYTES / 1024 / 1024} MiB of its 64 MiB were read`));
});

test('printable strings with their offsets, as strings -t d lists them: runs of four or more, tab included, bounded', () => {
  const b = Buffer.from('\x7fELF\0abc\0/var/qmail\0\x01\x02a\tb c\0xyz!', 'latin1');
  // "ELF" and "abc" are too short; \x7f is not printable.
  assert.deepEqual(printableRuns(b, 10), { runs: [{ offset: 9, text: '/var/qmail' }, { offset: 22, text: 'a\tb c' }, { offset: 28, text: 'xyz!' }], more: false });
  assert.deepEqual(printableRuns(b, 2), { runs: [{ offset: 9, text: '/var/qmail' }, { offset: 22, text: 'a\tb c' }], more: true });
});

test('a program listed for the file view: what it is, its home and how it was found, its strings with the home marked; text files are not listed', () => {
  const fx = makeFixture({
    '/var/qmail/control/me': 'a\n',
    '/var/qmail4/control/me': 'd\n',
    '/var/qmail4/bin/qmail-queue': standIn('/var/qmail'),
    '/var/qmail4/bin/qmail-getpw': standIn(null, 'qmail-getpw'),
    '/usr/local/bin/sendmail': { symlink: '/var/qmail4/bin/qmail-queue' },
    '/var/qmail4/bin/qmail-qstat': '#!/bin/sh\ncd /var/qmail\n',
    '/var/qmail4/users/cdb': Buffer.from('\0\0\0\0!/var/qmail/alias\0qmail\0', 'latin1'),
  });
  const sr = fx.sysroot();
  const list = (p: string) => {
    const b = sr.read(p)!;
    return programListing(sr, p, b, b.length);
  };
  const q = list('/var/qmail4/bin/qmail-queue')!;
  const bytes = sr.read('/var/qmail4/bin/qmail-queue')!;
  assert.equal(q[0], `a program (ELF), ${bytes.length} bytes; qlens reads it as bytes and never runs it`);
  const at = bytes.indexOf(Buffer.from('/var/qmail\0'));
  // A stripped program: found in its writable data.
  assert.equal(q[1], `built for /var/qmail (the only home-like string in its data, at byte ${at}): the home compiled in from conf-qmail`);
  assert.deepEqual(q.filter((l) => l.includes('← the home')).map((l) => l.trimStart()), [`${at}  /var/qmail   ← the home (its writable data)`]);
  assert.ok(q.some((l) => /^ *\d+  qmail-queue: fatal$/.test(l)));
  assert.match(list('/usr/local/bin/sendmail')![0], /^a program \(ELF\), \d+ bytes, the one \/usr\/local\/bin\/sendmail leads to: \/var\/qmail4\/bin\/qmail-queue;/);
  assert.match(list('/var/qmail4/bin/qmail-getpw')![1], /^no home in it: qmail builds qmail-getpw without auto_qmail/);
  assert.ok(!list('/var/qmail4/bin/qmail-getpw')!.some((l) => l.includes('← the home')));
  assert.equal(list('/var/qmail4/bin/qmail-qstat'), null);
  assert.equal(list('/var/qmail4/users/cdb'), null, 'a binary file that is no program: its paths are no home');
});
