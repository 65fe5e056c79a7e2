// The domain matrix's manager numbers (issue 6: "the Domains view shows the
// manager and per-domain counts"): users, aliases and the catch-all of each
// vpopmail and VMailMgr domain, taken from the managers' own summaries, on
// the bundled demos (counts as their READMEs and vpasswd files list them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Sysroot } from '../../source/sysroot/sysroot.js';
import { loadInstallation, systemUsersOf } from '../../source/qmail/installation.js';
import { domainMatrix, managerInfoText, managerSummaries, type DomainRow } from '../../source/qmail/domains.js';
import { compileUsersCdb } from '../../source/qmail/assign.js';
import { makeFixture } from '../helpers/fixture.js';

let ROOT = path.dirname(new URL(import.meta.url).pathname);
while (!fs.existsSync(path.join(ROOT, 'package.json')) && ROOT !== '/') ROOT = path.dirname(ROOT);

function rows(demo: string, opts: Parameters<typeof domainMatrix>[2] = { managerInfo: true }): Map<string, DomainRow> {
  const s = new Sysroot(path.join(ROOT, 'demo', demo));
  const m = domainMatrix(loadInstallation(s, '/var/qmail'), systemUsersOf(s), opts);
  return new Map(m.domains.map((r) => [r.domain, r]));
}

test('demo/vpopmail: users from vpasswd.cdb, valias files, catch-all of each .qmail-default', () => {
  const r = rows('vpopmail');
  // example.com: alice full fwd joe locked nopop postmaster; .qmail-info, .qmail-sales, .qmail-joe-default.
  assert.deepEqual(r.get('example.com')!.managerInfo, { users: 7, aliases: 3, catchAll: 'bounce-no-mailbox' });
  // The alias domain's users/assign record points at example.com's directory: the same table.
  assert.deepEqual(r.get('alias.example')!.managerInfo, { users: 7, aliases: 3, catchAll: 'bounce-no-mailbox' });
  // example.net: newbie is only in vpasswd (added by hand); vdelivermail reads the cdb, which has 3.
  const net = r.get('example.net')!.managerInfo!;
  assert.deepEqual([net.users, net.aliases, net.catchAll], [3, 1, 'delete']);
  assert.equal(net.problems!.length, 2);
  assert.match(net.problems![0], /^\/home\/vpopmail\/domains\/example\.net\/vpasswd: vpasswd is newer than vpasswd\.cdb/);
  assert.match(net.problems![1], /"newbie" is in vpasswd but not in vpasswd\.cdb/);
  // shop.example: the Maildir trap is a path catch-all.
  assert.deepEqual(r.get('shop.example')!.managerInfo, { users: 2, aliases: 0, catchAll: 'path /home/vpopmail/domains/shop.example/postmaster/Maildir/' });
  // Local domains have no manager and no numbers.
  assert.equal(r.get('mail.isp.net')!.managerInfo, undefined);
  assert.equal(managerInfoText('vpopmail', r.get('example.com')!.managerInfo!), 'vpopmail: 7 users, 3 aliases, catch-all bounce-no-mailbox');
  assert.equal(managerInfoText('vpopmail', net), 'vpopmail: 3 users, 1 alias, catch-all delete');
});

test('demo/vmailmgr: one passwd.cdb shared by both domains of myuser', () => {
  const r = rows('vmailmgr');
  // joe sales postmaster mailer-daemon root old off have a mailbox; info only forwards; "+" is the catch-all.
  for (const d of ['mydomain.org', 'alias.org']) {
    assert.equal(r.get(d)!.manager, 'vmailmgr');
    assert.deepEqual(r.get(d)!.managerInfo, { users: 7, aliases: 1, catchAll: 'forward postmaster' });
  }
  assert.equal(managerInfoText('vmailmgr', r.get('alias.org')!.managerInfo!), 'VMailMgr: 7 users, 1 alias, catch-all forward postmaster');
});

test('managerInfo is only computed when asked for, and precomputed summaries are used as given', () => {
  assert.equal(rows('vpopmail', {}).get('example.com')!.managerInfo, undefined);
  assert.equal(rows('vpopmail', { managers: false, managerInfo: true }).get('example.com')!.managerInfo, undefined);
  const s = new Sysroot(path.join(ROOT, 'demo', 'vpopmail'));
  const inst = loadInstallation(s, '/var/qmail');
  const users = systemUsersOf(s);
  const sums = managerSummaries(inst, users);
  assert.deepEqual([...sums.keys()].sort(), ['alias.example', 'example.com', 'example.net', 'shop.example']);
  // Counts only: the same numbers, without reading each user's own .qmail (fwd then shows its Maildir).
  const counts = managerSummaries(inst, users, { countsOnly: true }).get('example.com')!.summary!;
  assert.deepEqual([counts.users, counts.aliases, counts.catchAll], [7, 3, 'bounce-no-mailbox']);
  const fwd = (x: typeof counts) => x.entries.find((e) => e.name === 'fwd')!.deliveries;
  assert.deepEqual(fwd(sums.get('example.com')!.summary!), ['&bob@other.org']);
  assert.deepEqual(fwd(counts), ['/home/vpopmail/domains/example.com/fwd/Maildir/']);
  // The caller's summaries are what the rows show (the TUI shares them with the Dot-qmail tree).
  const ex = sums.get('example.com')!;
  sums.set('example.com', { ...ex, summary: { ...ex.summary!, users: 99 } });
  const m = domainMatrix(inst, users, { summaries: sums });
  assert.equal(m.domains.find((d) => d.domain === 'example.com')!.managerInfo!.users, 99);
});

test('a manager domain its summary cannot find, and an empty table, say why instead of a silent 0', () => {
  const assign = '+vp.example-:vp.example:89:89:/home/vpopmail/domains/vp.example:-::\n+other-:vp.example:89:89:/home/vpopmail/domains/vp.example:-::\n.\n';
  const fx = makeFixture({
    '/etc/passwd': 'vmuser:x:1500:1500::/home/vmuser:/bin/false\nalias:x:7790:2108::/var/qmail/alias:/bin/false\n',
    '/var/qmail/control/me': 'm\n',
    '/var/qmail/control/rcpthosts': 'vp.example\nvm.example\nodd.example\n',
    // odd.example's prepend is not its own name: vdelivermail is reached, but findVpopmailDomains does not list it.
    '/var/qmail/control/virtualdomains': 'vp.example:vp.example\nvm.example:vmuser\nodd.example:other\n',
    '/var/qmail/users/assign': assign,
    '/var/qmail/users/cdb': compileUsersCdb(Buffer.from(assign)),
    '/home/vpopmail/domains/vp.example/.qmail-default': "| /home/vpopmail/bin/vdelivermail '' bounce-no-mailbox\n",
    '/home/vmuser/.qmail-default': '|/usr/local/bin/vdeliver\n',
  });
  const s = fx.sysroot();
  const m = domainMatrix(loadInstallation(s, '/var/qmail'), systemUsersOf(s), { managerInfo: true });
  const r = new Map(m.domains.map((d) => [d.domain, d]));
  const vp = r.get('vp.example')!.managerInfo!;
  assert.deepEqual([vp.users, vp.aliases, vp.catchAll], [0, 0, 'bounce-no-mailbox']);
  assert.deepEqual(vp.problems, ['/home/vpopmail/domains/vp.example/vpasswd.cdb: no users and no aliases (the table is missing or empty)']);
  const vm = r.get('vm.example')!.managerInfo!;
  assert.deepEqual(vm.problems, ['/home/vmuser/passwd.cdb: no users and no aliases (the table is missing or empty)']);
  const odd = r.get('odd.example')!;
  assert.equal(odd.manager, 'vpopmail');
  assert.equal(odd.managerInfo!.catchAll, 'unknown');
  assert.match(odd.managerInfo!.problems![0], /^vpopmail users not counted: no users\/cdb record "\+odd\.example-"/);
  assert.equal(managerInfoText('vpopmail', odd.managerInfo!), 'vpopmail: users not counted');
});
