// Broken and hostile bytes in the files qlens reads: NUL, CR, escape
// sequences, C1 controls, bidi overrides and invalid UTF-8 in control files,
// passwd, users/assign, .qmail files and start scripts; corrupt users/cdb;
// truncated vpasswd.cdb and passwd.cdb. No exception, a diagnostic naming the
// file (and line), the rest loads, and nothing raw reaches the output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build, runClean, ALL, assertNoRaw } from './harness.js';
import { vpFixture, vmFixture, VP_VPASSWD, VM_RECORDS, vmPasswdCdb, D, VM_HOME } from '../trace/manager-fixtures.js';
import { makeVpasswdCdb } from '../../source/qmail/vpopmail.js';
import { makeCdb } from '../../source/qmail/cdb.js';

/** Set the window title, clear the screen, a C1 CSI, a bidi override: what an attacker would try. */
const ESC_SEQ = '\x1b]0;pwned\x07\x1b[2J';
const latin1 = (s: string) => Buffer.from(s, 'latin1');
const utf8 = (s: string) => Buffer.from(s, 'utf8');

const CONTROL = {
  '/var/qmail/control/locals': latin1(`example.com\nexa\0mple.net\nlocal\rhost\r\n${ESC_SEQ}evil.example\nc1\x9b2J.example\n\xff\xfe.example\n`),
  '/var/qmail/control/me': latin1(`mail.example.com\x1b[31m\0\n`),
  '/var/qmail/control/rcpthosts': Buffer.concat([latin1('example.com\r\nvirt.example\n'), utf8('\u202emoc.live\u202c.example\n\u200bzw.example\n')]),
  '/var/qmail/control/virtualdomains': Buffer.concat([latin1(`virt.example:alice-virt\n${ESC_SEQ}v.example:al\0ice\nno-colon-here\r\n`), utf8('bidi.example:\u202ealice\n')]),
};

test('control files with NUL, CR, escape sequences, C1, bidi and invalid UTF-8: every command clean, lines named, the rest loads', async () => {
  const b = build(CONTROL);
  for (const name of ALL) await runClean(name, b.sysroot());
  const check = await runClean('check', b.sysroot());
  // CR kept as part of the line, as qmail's control_readfile does, and said so with the line number.
  assert.match(check.out, /^\/var\/qmail\/control\/locals:3: warning: carriage return kept as part of this line/m);
  // The escape sequence is shown as visible escapes, with the line it is on.
  assert.match(check.out, /^\/var\/qmail\/control\/locals:4: .*\\x1b\]0;pwned\\x07\\x1b\[2j?evil\.example/im);
  // A NUL splits a list line into two entries, as control_readfile's NUL-separated buffer does; check says so.
  assert.match(check.out, /^\/var\/qmail\/control\/locals:2: warning: NUL byte in this line of control\/locals: qmail splits the line there, so it reads as 2 entries/m);
  const dom = await runClean('domains', b.sysroot());
  // The good lines still load.
  assert.match(dom.out, /^  example\.com +local /m);
  assert.match(dom.out, /^  virt\.example +virtual +alice-virt /m);
  assert.match(dom.out, /\\u202e/);
  const json = await runClean('domains', b.sysroot(), { json: true });
  assertNoRaw(json.out, 'domains --json');
  const domains = JSON.parse(json.out).instances[0].domains.map((r: { domain: string }) => r.domain);
  assert.ok(domains.includes('\u202emoc.live\u202c.example'), 'JSON keeps the value (escaped as JSON does), it does not drop it');
  const tr = await runClean('trace', b.sysroot(), { positionals: ['x@virt.example'] });
  assert.match(tr.out, /alice-virt/);
});

test('/etc/passwd with escape sequences, NUL and malformed lines: named by line, the good users still load', async () => {
  const b = build({
    '/etc/passwd': latin1(
      'root:x:0:0::/root:/bin/sh\nalias:x:7790:2108::/var/qmail/alias:/bin/false\nalice:x:1001:1001::/home/alice:/bin/sh\n' +
        `${ESC_SEQ}ev\0il:x:5:5::/home/${ESC_SEQ}:/bin/sh\nbroken line\n\xff\xfe:x:a:b\n`,
    ),
  });
  for (const name of ALL) await runClean(name, b.sysroot());
  const check = await runClean('check', b.sysroot());
  assert.match(check.out, /^\/etc\/passwd:5: warning: malformed passwd line: 1 fields, 7 expected/m);
  assert.match(check.out, /^\/etc\/passwd:6: warning: malformed passwd line: 4 fields, 7 expected/m);
  assert.match(check.out, /^\/etc\/passwd:4: .*\\x1b\]0;pwned/m);
  const tr = await runClean('trace', b.sysroot());
  assert.match(tr.out, /^maildir +\/home\/alice\/Maildir\//m);
});

test('users/assign with escapes, NUL and a line without colons: errors name the line, nothing raw', async () => {
  const b = build({ '/var/qmail/users/assign': latin1(`=car${ESC_SEQ}ol:alice:1001:1001:/home/alice:::\n+x\0:bob:1002:1002:/home/bob:-::\nbad\n.\n`) });
  for (const name of ALL) await runClean(name, b.sysroot());
  const check = await runClean('check', b.sysroot());
  assert.match(check.out, /^\/var\/qmail\/users\/assign:2: error: bad format in users\/assign: line holds a NUL byte$/m);
  assert.match(check.out, /^\/var\/qmail\/users\/assign:3: error: bad format in users\/assign: line has no ":"/m);
});

const CORRUPT_CDBS: Array<[string, Buffer, RegExp]> = [
  ['70 bytes of text', latin1('garbage'.repeat(10)), /file is 70 bytes, shorter than the 2048-byte header/],
  ['a header of 0xff pointers', Buffer.alloc(2058, 0xff), /points past the end of the file/],
  ['an empty file', Buffer.alloc(0), /file is 0 bytes/],
  ['a valid cdb cut in half', (() => { const c = makeCdb([{ key: latin1('!alice-'), value: latin1('alice\x001001\x001001\x00/home/alice\x00-\x00\x00') }]); return c.subarray(0, 2048 + 10); })(), /points past the end|truncated|corrupt/],
  ['escape bytes in the header', Buffer.concat([Buffer.alloc(8, 0), latin1(ESC_SEQ.repeat(200)).subarray(0, 2040), latin1('tail')]), /corrupt|past the end|not a valid cdb/],
];

for (const [what, bytes, reason] of CORRUPT_CDBS) {
  test(`corrupt users/cdb (${what}): check names it, a local trace defers with qmail-lspawn's words, nothing raw`, async () => {
    const b = build({ '/var/qmail/users/cdb': bytes });
    for (const name of ALL) await runClean(name, b.sysroot());
    const check = await runClean('check', b.sysroot());
    const lines = check.out.split('\n').filter((l) => l.startsWith('/var/qmail/users/cdb:'));
    assert.ok(lines.some((l) => reason.test(l)), check.out);
    const tr = await runClean('trace', b.sysroot());
    assert.match(tr.out, /^defer +Trouble reading users\/cdb in qmail-lspawn\./m);
    // The control files still load: the remote part of the walk is unaffected.
    const remote = await runClean('trace', b.sysroot(), { positionals: ['x@remote.example'] });
    assert.match(remote.out, /^remote +x@remote\.example/m);
  });
}

test('truncated vpasswd.cdb at every interesting length: check names the file, the trace stops with the reason', async () => {
  const full = makeVpasswdCdb(VP_VPASSWD);
  for (const n of [0, 1, 100, 2047, 2048, 2100, full.length - 5, full.length - 1]) {
    const fx = vpFixture({ files: { [`${D}/vpasswd.cdb`]: full.subarray(0, n) } });
    for (const name of ALL) await runClean(name, fx.sysroot());
    const check = await runClean('check', fx.sysroot());
    assert.match(check.out, new RegExp(`^${D}/vpasswd\\.cdb: error: vpasswd\\.cdb is corrupt: `, 'm'), `length ${n}:\n${check.out}`);
    const tr = await runClean('trace', fx.sysroot(), { positionals: ['alice@example.com'] });
    assert.match(tr.out, /^defer +qlens cannot trace further: vpasswd\.cdb is corrupt/m, `length ${n}`);
  }
});

test('truncated VMailMgr passwd.cdb at every interesting length: check names the file, the trace stops with the reason', async () => {
  const full = vmPasswdCdb(VM_RECORDS);
  for (const n of [0, 1, 100, 2047, 2048, 2100, full.length - 5, full.length - 1]) {
    const fx = vmFixture({ files: { [`${VM_HOME}/passwd.cdb`]: full.subarray(0, n) } });
    for (const name of ALL) await runClean(name, fx.sysroot());
    const check = await runClean('check', fx.sysroot());
    assert.match(check.out, new RegExp(`^${VM_HOME}/passwd\\.cdb: error: passwd\\.cdb is corrupt: `, 'm'), `length ${n}:\n${check.out}`);
    const tr = await runClean('trace', fx.sysroot(), { positionals: ['joe@mydomain.org'] });
    assert.match(tr.out, /^defer +qlens cannot trace further: passwd\.cdb is corrupt/m, `length ${n}`);
  }
});

test('a .qmail file with raw control bytes, C1 and invalid UTF-8: each line is traced, shown escaped', async () => {
  const b = build({
    '/home/alice/.qmail': latin1(`./Maildir/\n&${ESC_SEQ}x@example.com\n|echo ${ESC_SEQ}\n\0\r\n./Mail\x9bbox\n# \xff\xfe comment\n`),
    '/home/alice/.qmail-x': latin1(`\x1b[2J\x1b[H&bob\n`),
  });
  for (const name of ALL) await runClean(name, b.sysroot());
  for (const addr of ['alice@example.com', 'alice-x@example.com']) {
    const tr = await runClean('trace', b.sysroot(), { positionals: [addr] });
    assert.match(tr.out, /\\x1b/, addr);
  }
  const json = await runClean('trace', b.sysroot(), { json: true });
  assertNoRaw(json.out, 'trace --json');
  assert.ok(JSON.parse(json.out), 'valid JSON');
});

test('a start script with escapes and NUL: the default delivery is read without raw bytes', async () => {
  const b = build({ '/var/qmail/rc': latin1(`exec env - qmail-start "${ESC_SEQ}./Maildir/" splogger qmail\0\n`) });
  for (const name of ALL) await runClean(name, b.sysroot());
  const tr = await runClean('trace', b.sysroot(), { positionals: ['bob@example.com'] });
  assert.match(tr.out, /bob/);
});

test('a queued message with escapes in the envelope, the Subject and the body, and garbage info/local files', async () => {
  const b = build({}, [
    {
      id: 1000001,
      sender: latin1(`\x1b[1mbold\xff@x.example`),
      born: '2026-11-25T10:00:00Z',
      recipients: [{ address: latin1('m\xfcller\x9b@example.com'), channel: 'local' }, { address: `${ESC_SEQ}@remote.example`, channel: 'remote' }],
      content: Buffer.concat([latin1(`Subject: ${ESC_SEQ} hi\n`), utf8('From: \u202eevil <e@x>\n\n'), latin1('body \x1b[31m red\n')]),
      bounce: [{ recipient: `${ESC_SEQ}@example.com`, report: `Sorry ${ESC_SEQ}` }],
    },
    { id: 1000002, sender: 'ok@example.com', born: '2026-11-25T10:00:00Z', recipients: [{ address: 'fine@remote.example', channel: 'remote' }] },
  ]);
  const fxDir = b.fx.host('/var/qmail/queue/info/8/1000002');
  const fs = await import('node:fs');
  fs.writeFileSync(fxDir, latin1(`\x1b]0;x\x07no-F-record\0`));
  for (const name of ALL) await runClean(name, b.sysroot());
  const variants: Array<Record<string, string | boolean>> = [{}, { message: '1000001' }, { message: '1000002' }, { shape: true }, { counts: true }];
  for (const opts of variants) {
    const r = await runClean('queue', b.sysroot(), { options: opts });
    assert.notEqual(r.status, null);
    const j = await runClean('queue', b.sysroot(), { options: opts, json: true });
    assert.ok(JSON.parse(j.out), 'valid JSON');
  }
  const list = await runClean('queue', b.sysroot());
  assert.match(list.out, /#1000002 .*\[info holds no sender\]/);
  assert.match(list.out, /#1000001 /);
  const detail = await runClean('queue', b.sysroot(), { options: { message: '1000001' } });
  assert.match(detail.out, /\\x1b\]0;pwned\\x07\\x1b\[2J/);
  assert.match(detail.out, /\\u202e/);
});
