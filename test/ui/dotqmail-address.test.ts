// Issue 14 point 6: the address beside a .qmail file in the Dot-qmail view is
// one the tracer confirms reaches that file, or the row says no address
// reaches it and why; a vpopmail domain's file shows the address a user
// writes (info@example.com), never the internal example.com-info@….
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeFixture, type FixtureEntry } from '../helpers/fixture.js';
import { Sysroot } from '../../source/sysroot/sysroot.js';
import { loadInstallation, systemUsersOf } from '../../source/qmail/installation.js';
import { discoverInstances } from '../../source/qmail/discover.js';
import { dotqmailTree, type TreeNode } from '../../source/ui/dotqmail-tree.js';
import { addressReaching } from '../../source/ui/dotqmail-address.js';
import { traceAddress } from '../../source/trace/walk.js';
import { compileUsersCdb } from '../../source/qmail/assign.js';

const NOW = new Date('2026-11-25T12:00:00Z');

function tree(files: Record<string, FixtureEntry>, root = '/var/qmail') {
  const sr = makeFixture(files).sysroot();
  const inst = loadInstallation(sr, root);
  const users = systemUsersOf(sr);
  return { sr, inst, users, nodes: dotqmailTree(sr, inst, users) };
}

const rowOf = (nodes: TreeNode[], file: string) => {
  const i = nodes.findIndex((n) => n.jump?.path === file && n.group);
  assert.ok(i >= 0, `no row for ${file}:\n${nodes.map((n) => n.text).join('\n')}`);
  return { row: nodes[i], next: nodes[i + 1] };
};

const assign = (text: string) => ({ '/var/qmail/users/assign': text, '/var/qmail/users/cdb': compileUsersCdb(Buffer.from(text)) });

test('an installation with an empty locals and a "+" catch-all: alice\'s .qmail-work is reached by no address, and the row says why', () => {
  const { nodes } = tree({
    '/etc/passwd': 'alias3:x:7890:2208::/var/qmail/alias:/bin/true\nalice:x:1001:1001::/home/alice:/bin/sh\ncmail:x:1301:1301::/home/cmail:/bin/sh\n',
    '/var/qmail/control/me': 'mail.c.example\n',
    '/var/qmail/control/locals': '',
    '/var/qmail/control/rcpthosts': 'c.example\n',
    '/var/qmail/control/virtualdomains': 'c.example:cmail\n',
    ...assign('=cmail:cmail:1301:1301:/home/cmail:::\n+cmail-:cmail:1301:1301:/home/cmail:-::\n+:alias3:7890:2208:/var/qmail/alias:-::\n.\n'),
    '/var/qmail/alias/.qmail-default': './Mailbox\n',
    '/home/alice/.qmail-work': './Work/\n',
    '/home/cmail/.qmail-orders': './Orders/\n',
  });
  const { row, next } = rowOf(nodes, '/home/alice/.qmail-work');
  assert.equal(row.address, undefined, 'no address is offered for t');
  assert.match(row.text, /^\.qmail-work {2}← no address reaches it/);
  assert.equal(next.text, '! no domain in locals or virtualdomains gives alice-work');
  assert.equal(next.tone, 'warn');
  const after = nodes[nodes.indexOf(next) + 1];
  assert.equal(after.text, '! users/assign gives alice-work to alias3: /var/qmail/alias/.qmail-default');
  assert.equal(after.tone, 'warn');
  // Through the virtual domain the prepend user's file is reached, as the user would write it.
  const orders = nodes.filter((n) => n.jump?.path === '/home/cmail/.qmail-orders' && n.group);
  assert.ok(orders.length >= 2, 'listed under users/assign and under the virtual domain');
  assert.deepEqual([...new Set(orders.map((n) => n.address).filter(Boolean))], ['orders@c.example']);
  assert.ok(!nodes.some((n) => /alice-work@/.test(n.text)), 'alice-work@… is never shown');
});

test('a vpopmail domain\'s .qmail-info shows info@example.com, not example.com-info@…', () => {
  const { nodes } = tree({
    '/etc/passwd': 'alias:x:7790:2108::/var/qmail/alias:/bin/true\nvpopmail:x:89:89::/home/vpopmail:/bin/false\n',
    '/var/qmail/control/me': 'mail.isp.net\n',
    '/var/qmail/control/locals': 'localhost\nmail.isp.net\n',
    '/var/qmail/control/rcpthosts': 'localhost\nmail.isp.net\nexample.com\n',
    '/var/qmail/control/virtualdomains': 'example.com:example.com\n',
    ...assign('+example.com-:example.com:89:89:/home/vpopmail/domains/example.com:-::\n.\n'),
    '/home/vpopmail/domains/example.com/.qmail-info': '&alice@example.org\n',
    '/home/vpopmail/domains/example.com/.qmail-default': '| /home/vpopmail/bin/vdelivermail \'\' bounce-no-mailbox\n',
  });
  const info = rowOf(nodes, '/home/vpopmail/domains/example.com/.qmail-info').row;
  assert.equal(info.address, 'info@example.com');
  assert.match(info.text, /^\.qmail-info {2}← info@example\.com/);
  // A -default file is shown with a sample address the tracer sends there.
  assert.equal(rowOf(nodes, '/home/vpopmail/domains/example.com/.qmail-default').row.address, 'anything@example.com');
  assert.ok(!nodes.some((n) => /example\.com-info@/.test(n.text)));
});

test('a domain in locals: alice-work@ at the domain qmail-smtpd accepts (not localhost), traced to the file', () => {
  const { nodes } = tree({
    '/etc/passwd': 'alias:x:7790:2108::/var/qmail/alias:/bin/true\nalice:x:1001:1001::/home/alice:/bin/sh\n',
    '/var/qmail/control/me': 'mail.example.com\n',
    '/var/qmail/control/locals': 'localhost\nmail.example.com\nexample.com\n',
    '/var/qmail/control/rcpthosts': 'mail.example.com\nexample.com\n',
    '/home/alice/.qmail-work': './Work/\n',
    '/var/qmail/alias/.qmail-postmaster': 'alice\n',
  });
  assert.equal(rowOf(nodes, '/home/alice/.qmail-work').row.address, 'alice-work@example.com');
  assert.equal(rowOf(nodes, '/var/qmail/alias/.qmail-postmaster').row.address, 'postmaster@example.com');
});

test('a users/assign entry that takes alice\'s local part from passwd: her .qmail is reached by no address', () => {
  const { inst, users } = tree({
    '/etc/passwd': 'alias:x:7790:2108::/var/qmail/alias:/bin/true\nalice:x:1001:1001::/home/alice:/bin/sh\nbob:x:1002:1002::/home/bob:/bin/sh\n',
    '/var/qmail/control/me': 'mail.example.com\n',
    '/var/qmail/control/locals': 'mail.example.com\n',
    ...assign('=alice:bob:1002:1002:/home/bob:::\n.\n'),
    '/home/alice/.qmail': './Maildir/\n',
    '/home/bob/.qmail': './Maildir/\n',
  });
  const r = addressReaching(inst, users, 'alice', '/home/alice/.qmail', { now: NOW });
  assert.deepEqual(r, {
    address: null,
    why: ['alice@mail.example.com: users/assign gives alice to bob: /home/bob/.qmail'],
  });
});

test('every demo: each address shown beside a .qmail file is one whose walk reads that very file', () => {
  const demos = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../demo');
  let shown = 0;
  let unreached = 0;
  for (const name of ['plain', 'multi', 'vpopmail', 'vmailmgr']) {
    const sr = new Sysroot(path.join(demos, name));
    const users = systemUsersOf(sr);
    for (const root of discoverInstances(sr)) {
      const inst = loadInstallation(sr, root);
      for (const n of dotqmailTree(sr, inst, users)) {
        if (!n.group || !n.jump || !/\/\.qmail[^/]*$/.test(n.jump.path)) continue;
        if (n.address) {
          shown++;
          const hop = traceAddress(inst, users, n.address, { now: NOW, maxHops: 1 }).hops[0];
          assert.equal(hop.dotqmail, n.jump.path, `${name} ${root}: ${n.address} shown beside ${n.jump.path}`);
        } else if (/← no address reaches it/.test(n.text)) unreached++;
      }
    }
  }
  assert.ok(shown > 40, `addresses shown: ${shown}`);
  // demo/multi's /var/qmail3 (empty locals, a "+" catch-all) holds files no address reaches.
  assert.ok(unreached > 0);
});

test('issue 21 point 8: the virtual domains section counts its control/virtualdomains lines in words that agree ("1 line", "2 lines")', () => {
  const base = { '/var/qmail/control/me': 'mail.example.com\n', '/etc/passwd': 'alice:x:1001:100::/home/alice:/bin/sh\n', '/home/alice/.keep': '' };
  const section = (vd: string) => tree({ ...base, '/var/qmail/control/virtualdomains': vd }).nodes.find((n) => n.text.startsWith('virtual domains'))?.text;
  assert.equal(section('lists.example.com:alice-lists\n'), 'virtual domains  1 line of control/virtualdomains');
  assert.equal(section('a.example:alice-a\nb.example:alice-b\n'), 'virtual domains  2 lines of control/virtualdomains');
});
