// Veil leaks in the programs: judged by the home compiled into them, not
// by the directory they sit in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanHost, leaksFor, only, paths, problemsFor, real, runB, withChanges } from './veil-fixture.js';
import { elfStandIn } from '../helpers/elf-writer.js';
import type { FixtureEntry } from '../helpers/fixture.js';

const PROGRAMS = ['qmail-queue', 'qmail-send', 'qmail-smtpd', 'qmail-lspawn', 'qmail-local', 'qmail-inject', 'sendmail', 'qmail-getpw'];

/** An installation's bin/ with stand-ins built for `home` (overrides: program → its own home). */
function bin(root: string, home: string, overrides: Record<string, string | null> = {}): Record<string, FixtureEntry> {
  const out: Record<string, FixtureEntry> = {};
  for (const name of PROGRAMS) {
    const h = name in overrides ? overrides[name] : name === 'qmail-getpw' ? null : home;
    out[`${root}/bin/${name}`] = elfStandIn({ home: h, rodata: [`${name}: fatal: unable to switch to home directory`, 'bin/qmail-queue', 'control/me'], interp: '/lib64/ld-linux-x86-64.so.2', symbols: name === 'qmail-queue' });
  }
  return out;
}

const built = (changes: Record<string, FixtureEntry | null> = {}) =>
  withChanges({ ...bin('/var/qmail', '/var/qmail'), ...bin('/var/qmail2', '/var/qmail2'), ...changes });

test('programs built for their own installations: no leak but the informational ones', () => {
  const leaks = leaksFor(built());
  assert.deepEqual(real(leaks).map((l) => `${l.id} ${l.kind}`), []);
  // Which queue local programs' mail enters, told by the programs themselves.
  const info = only(leaks, 'L20', 'local-programs-queue')[0];
  assert.ok(info);
  assert.match(info.explanation, /\/usr\/sbin\/sendmail \(the sendmail found first on the PATH\) → \/var\/qmail\/bin\/sendmail \(built for \/var\/qmail\) → \/var\/qmail\/bin\/qmail-inject \(built for \/var\/qmail\) → \/var\/qmail\/bin\/qmail-queue \(built for \/var\/qmail\), so \/var\/qmail\/queue/);
});

test('B copied from A without rebuilding: every program of B carries /var/qmail, an error for check', () => {
  const files = withChanges({ ...bin('/var/qmail', '/var/qmail'), ...bin('/var/qmail2', '/var/qmail') });
  const leaks = leaksFor(files);
  const [l] = only(leaks, 'L22', 'binaries-built-for-other-home');
  assert.ok(l, leaks.map((x) => x.kind).join(', '));
  assert.equal(l.severity, 'high');
  assert.deepEqual(l.instances, ['/var/qmail2', '/var/qmail']);
  // Every binary is named in the evidence, the ones that decide where mail goes first.
  assert.deepEqual(paths(l), ['qmail-queue', 'qmail-send', 'qmail-smtpd', 'qmail-local', 'qmail-lspawn', 'qmail-inject', 'sendmail'].map((n) => `/var/qmail2/bin/${n}`));
  assert.match(l.evidence[0].text, /^built for \/var\/qmail \(symbol auto_qmail at byte \d+\)$/);
  assert.match(l.evidence[1].text, /^built for \/var\/qmail \(the only home-like string in its data, at byte \d+\)$/);
  assert.match(l.explanation, /7 of its programs \(qmail-queue, qmail-send, qmail-smtpd, qmail-local, qmail-lspawn, qmail-inject and 1 more\) carry \/var\/qmail as the home compiled in from conf-qmail — another installation here — and none carries \/var\/qmail2\./);
  assert.match(l.explanation, /\/var\/qmail2\/bin\/qmail-queue writes every message it is handed into \/var\/qmail\/queue, not \/var\/qmail2\/queue/);
  assert.match(l.explanation, /qmail-send works in \/var\/qmail: it reads \/var\/qmail\/control .*"alert: cannot start: qmail-send is already running"/);
  assert.match(l.explanation, /where b\.example is not listed: mail for b\.example is refused with "553 sorry, that domain isn't in my list of allowed rcpthosts \(#5\.7\.1\)"/);
  assert.match(l.fix, /put \/var\/qmail2 on the first line of conf-qmail .*"make setup check"/);
  const problem = problemsFor(files).find((p) => p.code === 'veil-binaries-built-for-other-home');
  assert.ok(problem);
  assert.deepEqual([problem.path, problem.line, problem.severity], ['/var/qmail2/bin/qmail-queue', null, 'error']);
});

test('programs built for a home that is not on this host: nothing is ever queued', () => {
  const [l] = only(leaksFor(built(bin('/var/qmail2', '/opt/qmail'))), 'L22', 'binaries-built-for-other-home');
  assert.ok(l);
  assert.deepEqual(l.instances, ['/var/qmail2']);
  assert.match(l.explanation, /carry \/opt\/qmail as the home compiled in from conf-qmail — which does not exist on this host —/);
  assert.match(l.explanation, /"qq trouble in home directory \(#4\.3\.0\)"/);
});

test('a partial copy: one installation whose programs carry two homes', () => {
  const leaks = leaksFor(built(bin('/var/qmail2', '/var/qmail2', { 'qmail-queue': '/var/qmail', 'qmail-local': '/var/qmail' })));
  assert.equal(only(leaks, 'L22', 'binaries-built-for-other-home').length, 0);
  const [l] = only(leaks, 'L22', 'binaries-mixed-homes');
  assert.ok(l);
  assert.deepEqual(l.instances, ['/var/qmail2', '/var/qmail']);
  assert.match(l.explanation, /qmail-send, qmail-smtpd, qmail-lspawn, qmail-inject and sendmail carry \/var\/qmail2; qmail-queue and qmail-local carry \/var\/qmail/);
  assert.match(l.explanation, /forwards that \/var\/qmail2 delivers are re-injected through \/var\/qmail\/bin\/qmail-queue/);
  assert.ok(paths(l).includes('/var/qmail2/bin/qmail-queue') && paths(l).includes('/var/qmail2/bin/qmail-send'));
  // qmail-smtpd carries B, but hands its mail to B's qmail-queue, which carries A: the listener queues into A.
  const [run] = only(leaks, 'L22', 'smtpd-of-other-installation');
  assert.ok(run);
  assert.match(run.explanation, /puts every message it accepts into \/var\/qmail's queue/);
  assert.equal(problemsFor(built(bin('/var/qmail2', '/var/qmail2', { 'qmail-queue': '/var/qmail' }))).find((p) => p.code === 'veil-binaries-mixed-homes')?.severity, 'error');
});

test("a run script's program is judged by its compiled home, not its directory", () => {
  // B's run script runs its own bin's qmail-smtpd, but that one was built for A.
  const copied = leaksFor(built({ '/var/qmail2/bin/qmail-smtpd': bin('/var/qmail2', '/var/qmail')['/var/qmail2/bin/qmail-smtpd'] }));
  const [l] = only(copied, 'L22', 'smtpd-of-other-installation');
  assert.ok(l);
  assert.deepEqual(paths(l), ['/var/qmail2/supervise/qmail-smtpd/run', '/var/qmail2/bin/qmail-smtpd']);
  assert.match(l.explanation, /runs \/var\/qmail2\/bin\/qmail-smtpd, which was built for \/var\/qmail \(the home compiled into it, whatever directory it sits in\)/);
  assert.match(l.fix, /Rebuild \/var\/qmail2's programs with conf-qmail = \/var\/qmail2/);
  // B runs a program under A's directory that was built for B: B's own after all, no leak.
  const run = runB().replace('/var/qmail2/bin/qmail-smtpd', '/var/qmail/bin/qmail-smtpd-b');
  const own = leaksFor(built({ '/var/qmail2/supervise/qmail-smtpd/run': run, '/var/qmail/bin/qmail-smtpd-b': bin('/x', '/var/qmail2')['/x/bin/qmail-smtpd'] }));
  assert.equal(only(own, 'L22', 'smtpd-of-other-installation').length, 0);
});

test('QMAILQUEUE naming a program in B’s bin that was built for A moves B’s mail into A’s queue', () => {
  const run = runB().replace('exec /usr/local/bin/softlimit', 'QMAILQUEUE=/var/qmail2/bin/qmail-scanq; export QMAILQUEUE\nexec /usr/local/bin/softlimit');
  const leaks = leaksFor(built({ '/var/qmail2/supervise/qmail-smtpd/run': run, '/var/qmail2/bin/qmail-scanq': bin('/x', '/var/qmail')['/x/bin/qmail-queue'] }));
  const [l] = only(leaks, 'L22', 'qmailqueue-other-installation');
  assert.ok(l);
  assert.deepEqual(l.instances, ['/var/qmail2', '/var/qmail']);
  assert.ok(paths(l).includes('/var/qmail2/bin/qmail-scanq'));
  assert.match(l.explanation, /QMAILQUEUE=\/var\/qmail2\/bin\/qmail-scanq, which was built for \/var\/qmail .*written into \/var\/qmail's queue/);
});

test('sendmail on the PATH in B’s bin but built for A: local programs’ mail enters A’s queue', () => {
  const leaks = leaksFor(
    built({
      '/usr/sbin/sendmail': { symlink: '/var/qmail2/bin/sendmail' },
      '/var/qmail2/bin/sendmail': bin('/x', '/var/qmail')['/x/bin/sendmail'],
    }),
  );
  const [l] = only(leaks, 'L20', 'local-mail-enters-other-queue');
  assert.ok(l);
  assert.deepEqual(l.instances, ['/var/qmail2', '/var/qmail']);
  assert.deepEqual(paths(l), ['/usr/sbin/sendmail', '/var/qmail2/bin/sendmail', '/var/qmail/bin/qmail-inject', '/var/qmail/bin/qmail-queue']);
  assert.match(l.explanation, /leads to \/var\/qmail2\/bin\/sendmail in \/var\/qmail2's bin, but the programs it runs were built for \/var\/qmail: every local program that runs sendmail .* puts its mail into \/var\/qmail\/queue/);
  // The link's own rule follows the programs too: it leads to A.
  assert.match(only(leaks, 'L20', 'sendmail-link')[0].explanation, /lead to \/var\/qmail\./);
});

test('one installation alone, copied from a home that is gone: still reported, and an error for check', () => {
  const files: Record<string, FixtureEntry> = { ...cleanHost(), ...bin('/var/qmail', '/var/qmail-old') };
  for (const k of Object.keys(files)) if (k.startsWith('/var/qmail2')) delete files[k];
  const leaks = leaksFor(files);
  assert.deepEqual(leaks.map((l) => `${l.id} ${l.kind}`), ['L22 binaries-built-for-other-home']);
  assert.equal(problemsFor(files).find((p) => p.code === 'veil-binaries-built-for-other-home')?.severity, 'error');
});

test("a copied installation's own control files are not compared: qmail never reads them", () => {
  // B's me says A's name, which would be L3 between two live installations.
  const copied = leaksFor(withChanges({ ...bin('/var/qmail', '/var/qmail'), ...bin('/var/qmail2', '/var/qmail'), '/var/qmail2/control/me': 'mail.a.example\n' }));
  assert.equal(only(copied, 'L3').length, 0);
  assert.match(only(copied, 'L22', 'binaries-built-for-other-home')[0].explanation, /the veil does not compare \/var\/qmail2's control files with the others'/);
  const rebuilt = leaksFor(withChanges({ ...bin('/var/qmail', '/var/qmail'), ...bin('/var/qmail2', '/var/qmail2'), '/var/qmail2/control/me': 'mail.a.example\n' }));
  assert.ok(only(rebuilt, 'L3').length > 0);
});
