// Files and directories qlens may not read (EACCES, EIO), injected through
// the Sysroot's faults because CI runs as root and chmod 000 does not stop
// root. For each: no exception, a one-line diagnostic naming the system path
// where the command reads that file, the rest still loads, nothing raw printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build, runClean, ALL, linesNaming, type CommandName } from './harness.js';

interface Case {
  path: string;
  /** Commands that read it and must name it (others must merely survive). */
  names: Partial<Record<CommandName, RegExp>>;
  /** Trace these instead of alice@example.com. */
  trace?: string;
}

const CASES: Case[] = [
  { path: '/var/qmail/control', names: { check: /\/var\/qmail\/control: error: cannot list: .*permission denied/, trace: /control\/locals cannot be read/ } },
  { path: '/var/qmail/control/locals', names: { check: /^\/var\/qmail\/control\/locals: error: unreadable: .*permission denied$/m, domains: /qlens: unreadable: \/var\/qmail\/control\/locals: permission denied/, trace: /control\/locals cannot be read/ } },
  { path: '/var/qmail/control/rcpthosts', names: { check: /^\/var\/qmail\/control\/rcpthosts: error: unreadable/m, domains: /unreadable: \/var\/qmail\/control\/rcpthosts/ } },
  { path: '/var/qmail/control/virtualdomains', names: { check: /^\/var\/qmail\/control\/virtualdomains: error: unreadable/m, domains: /unreadable: \/var\/qmail\/control\/virtualdomains/ }, trace: 'x@virt.example' },
  { path: '/var/qmail/control/me', names: { check: /^\/var\/qmail\/control\/me: error: unreadable/m } },
  { path: '/var/qmail/users', names: { check: /^\/var\/qmail\/users\/assign: error: unreadable/m, trace: /users\/cdb cannot be read \(unreadable\)/ } },
  { path: '/var/qmail/users/cdb', names: { check: /^\/var\/qmail\/users\/cdb: error: unreadable/m, trace: /users\/cdb cannot be read/ } },
  { path: '/etc/passwd', names: { check: /^\/etc\/passwd: error: unreadable: \/etc\/passwd: permission denied$/m, trace: /\/etc\/passwd/ } },
  { path: '/home/alice', names: { trace: /Unable to open \.qmail: access denied\. \(#4\.3\.0\)/ } },
  { path: '/home/alice/.qmail', names: { trace: /\.qmail cannot be read \(access denied\).*\[\/home\/alice\/\.qmail\]/ } },
  { path: '/var/qmail/alias', names: { trace: /\.qmail-postmaster cannot be read/ }, trace: 'postmaster@example.com' },
  { path: '/var/qmail/alias/.qmail-postmaster', names: { trace: /\[\/var\/qmail\/alias\/\.qmail-postmaster\]/ }, trace: 'postmaster@example.com' },
  { path: '/var/qmail/rc', names: { check: /^\/var\/qmail\/rc: warning: unreadable: \/var\/qmail\/rc: permission denied$/m } },
  { path: '/var/qmail/queue', names: { queue: /^qlens: \/var\/qmail\/queue\/mess: error: permission denied; run qlens as root/m } },
  { path: '/var/qmail/queue/todo', names: { queue: /^qlens: \/var\/qmail\/queue\/todo: error: permission denied/m } },
  { path: '/var/qmail/queue/info/7/1000001', names: { queue: /^qlens: \/var\/qmail\/queue\/info\/7\/1000001: error: permission denied/m } },
  { path: '/var/qmail/queue/local/7/1000001', names: { queue: /^qlens: \/var\/qmail\/queue\/local\/7\/1000001: error: permission denied/m } },
];

for (const c of CASES) {
  test(`EACCES on ${c.path}: every command survives, names it once where it reads it, prints nothing raw`, async () => {
    const b = build();
    for (const name of ALL) {
      const r = await runClean(name, b.sysroot({ faults: { [c.path]: 'EACCES' } }), name === 'trace' && c.trace ? { positionals: [c.trace] } : {});
      assert.notEqual(r.status, null);
      const want = c.names[name];
      if (!want) continue;
      assert.match(r.out + r.err, want, `${name}:\n${r.out}${r.err}`);
      if (name === 'check' || name === 'domains' || name === 'queue') {
        // One line per unreadable file: the same message twice is noise at 2 a.m.
        const lines = linesNaming(r, c.path).filter((l) => /permission denied|unreadable|cannot list/.test(l));
        assert.equal(new Set(lines).size, lines.length, `${name} repeats a line:\n${lines.join('\n')}`);
      }
    }
  });
}

test('EIO on a control file reads as an input/output error, not as "absent"', async () => {
  const b = build();
  const r = await runClean('check', b.sysroot({ faults: { '/var/qmail/control/locals': 'EIO' } }));
  assert.match(r.out, /^\/var\/qmail\/control\/locals: error: unreadable: \/var\/qmail\/control\/locals: input\/output error$/m);
});

test('an unreadable rcpthosts is not reported as an open relay (qmail-smtpd would refuse to start, not accept everything)', async () => {
  const b = build();
  const fx = { faults: { '/var/qmail/control/rcpthosts': 'EACCES' } as Record<string, string> };
  const check = await runClean('check', b.sysroot(fx));
  assert.doesNotMatch(check.out, /open relay/);
  const dom = await runClean('domains', b.sysroot(fx), { json: true });
  assert.doesNotMatch(dom.out, /open relay/);
  assert.match(JSON.parse(dom.out).instances[0].problems[0], /unreadable: \/var\/qmail\/control\/rcpthosts: permission denied/);
});

test('the rest goes on: with users/ unreadable, domains still lists every domain and a trace still walks the control files', async () => {
  const b = build();
  const s = () => b.sysroot({ faults: { '/var/qmail/users': 'EACCES' } });
  const dom = await runClean('domains', s());
  for (const d of ['example.com', 'localhost', 'virt.example']) assert.match(dom.out, new RegExp(`^  ${d.replace('.', '\\.')} `, 'm'));
  const tr = await runClean('trace', s());
  assert.match(tr.out, /"example\.com" in locals\? yes/);
  assert.match(tr.out, /^defer +Trouble reading users\/cdb in qmail-lspawn\./m);
});

test('the rest goes on: one unreadable queued message is named, the others are still listed', async () => {
  const b = build({}, [
    { id: 1000001, sender: 'a@example.com', born: '2026-11-25T10:00:00Z', recipients: [{ address: 'x@remote.example', channel: 'remote' }] },
    { id: 1000002, sender: 'b@example.com', born: '2026-11-25T10:00:00Z', recipients: [{ address: 'y@remote.example', channel: 'remote' }] },
  ]);
  const r = await runClean('queue', b.sysroot({ faults: { '/var/qmail/queue/info/7/1000001': 'EACCES' } }));
  assert.match(r.err, /\/var\/qmail\/queue\/info\/7\/1000001: error: permission denied/);
  assert.match(r.out, /#1000002 /);
  assert.equal(r.err.split('\n').filter((l) => l.includes('1000001')).length, 1);
});
