// Unreadable files for real: the built program runs as nobody (setpriv) over
// a sysroot where some files and directories are mode 000 or 0700 root, so
// the kernel itself says EACCES (root would read them anyway). The commands
// and the TUI's loader each name the file once and load the rest. Needs root,
// setpriv and a built dist/; skipped otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { build, assertNoRaw } from './harness.js';
import { CLI } from '../e2e/helpers/pty-session.js';
import { programForNobody } from './as-nobody.js';

const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const CAN = process.getuid?.() === 0 && has('setpriv') && fs.existsSync(CLI);
const SKIP = CAN ? false : 'needs root, setpriv and a built dist/';

function asNobody(args: string[], input?: string) {
  return spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, ...args], {
    cwd: programForNobody().root,
    encoding: 'utf8',
    input,
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 60_000,
  });
}

function world(): string {
  const b = build({ '/var/qmail/control/virtualdomains': 'virt.example:alice-virt\nevil\x1b[2J.example:x\n' });
  const d = b.fx.dir;
  spawnSync('chmod', ['-R', 'go+rX', d]);
  // Unreadable to anyone but root: a control file, users/, a user's .qmail, a home, a queued message's info file.
  fs.chmodSync(path.join(d, 'var/qmail/control/locals'), 0o000);
  fs.mkdirSync(path.join(d, 'var/qmail/users'), { recursive: true });
  fs.chmodSync(path.join(d, 'var/qmail/users'), 0o700);
  fs.chmodSync(path.join(d, 'home/alice/.qmail-lists'), 0o000);
  fs.chmodSync(path.join(d, 'home/bob'), 0o700);
  fs.chmodSync(path.join(d, 'var/qmail/queue/info'), 0o700);
  return d;
}

test('real EACCES as nobody: every command names the unreadable file once and still prints the rest', { skip: SKIP }, () => {
  const d = world();
  const run = (...args: string[]) => {
    const r = asNobody([programForNobody().cli, '--sysroot', d, ...args]);
    assert.doesNotMatch(r.stderr, /internal error|at .*\.js:\d+/, `${args.join(' ')}: ${r.stderr}`);
    assertNoRaw(r.stdout, args.join(' '));
    assertNoRaw(r.stderr, args.join(' '));
    return r;
  };
  const check = run('check');
  assert.equal(check.stdout.split('\n').filter((l) => l.startsWith('/var/qmail/control/locals: error: unreadable: /var/qmail/control/locals: permission denied')).length, 1, check.stdout);
  assert.match(check.stdout, /^\/var\/qmail\/users\/assign: error: unreadable: .*permission denied$/m);
  const dom = run('domains');
  assert.match(dom.stderr, /^qlens: unreadable: \/var\/qmail\/control\/locals: permission denied: the domains it names are missing from this table$/m);
  assert.match(dom.stdout, /^  virt\.example +virtual /m);
  assert.match(dom.stdout, /evil\\x1b\[2j\.example/);
  const lists = run('trace', 'alice-lists@example.com', 'x@virt.example');
  assert.match(lists.stdout, /control\/locals cannot be read/);
  const q = run('queue');
  assert.equal(q.status, 2);
  assert.equal(q.stderr.split('\n').filter((l) => /permission denied; run qlens as root/.test(l)).length, 1, q.stderr);
  assert.match(q.stdout, /^messages in queue: 1$/m, 'the counts still come from the readable directories');
  run('veil');
});

test('real EACCES as nobody: the TUI loader reports each problem and loads every part', { skip: SKIP }, () => {
  const d = world();
  const loader = programForNobody().dist('source/ui/loader.js');
  const script = `
    import { startLoad } from ${JSON.stringify(loader)};
    let last;
    const l = startLoad({ source: { sysrootDir: ${JSON.stringify(d)}, demo: null, note: '' }, instances: [] }, (x) => (last = x));
    await l.done;
    l.request({ kind: 'file', path: '/home/alice/.qmail-lists' });
    l.request({ kind: 'message', instance: '/var/qmail', id: 1000001 });
    l.request({ kind: 'trace', address: 'bob@example.com' });
    for (let i = 0; i < 500 && Object.keys(last.details).length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    const q = last.parts.queues['/var/qmail'];
    process.stdout.write(JSON.stringify({
      errors: last.errors,
      parts: Object.keys(last.parts).sort(),
      problems: (last.parts.problems ?? []).map((p) => p.path + ': ' + p.message),
      queueProblems: q.problems.map((p) => p.path + ': ' + p.message),
      tree: last.parts.dotqmail['/var/qmail'].map((n) => n.text),
      details: Object.fromEntries(Object.entries(last.details).map(([k, v]) => [k, v.error ?? v.file?.error ?? null])),
    }));
  `;
  const file = path.join(programForNobody().tmp, path.basename(d) + '-load.mjs');
  fs.writeFileSync(file, script);
  fs.chmodSync(file, 0o644);
  const r = asNobody([file]);
  fs.rmSync(file);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.parts, ['domainErrors', 'domains', 'dotqmail', 'log', 'problems', 'queues', 'veil']);
  assert.deepEqual(out.errors, []);
  assert.equal(out.problems.filter((p: string) => p.startsWith('/var/qmail/control/locals: unreadable')).length, 1);
  assert.equal(out.queueProblems.length, 1);
  assert.match(out.queueProblems[0], /permission denied; run qlens as root/);
  assert.match(out.details['file:/home/alice/.qmail-lists'], /\/home\/alice\/\.qmail-lists: permission denied/);
  assert.ok(out.details['message:/var/qmail:1000001'], 'the message view says why it cannot be shown');
  const tree = out.tree.join('\n');
  // No address is shown that the tracer does not confirm: with users/cdb unreadable every walk defers, and the row says so.
  assert.match(tree, /\.qmail-lists +← no address reaches it[^\n]*\n! alice-lists@[^\n]*\n! [^\n]*Trouble reading users\/cdb in qmail-lspawn/);
  assert.match(tree, /^✗ \/home\/alice\/\.qmail-lists: permission denied$/m);
  // A home that cannot be listed is said so, not shown as "no .qmail file: the default delivery applies".
  assert.match(tree, /^bob 1002:1002 \/home\/bob\n✗ \/home\/bob: permission denied: its \.qmail files cannot be listed$/m);
  assertNoRaw(tree, 'dot-qmail tree');
});
