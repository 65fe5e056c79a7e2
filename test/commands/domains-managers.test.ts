// `qlens domains` on the manager demos: the extra managerInfo field in --json
// (the contract's fixed fields unchanged) and the counts line in the text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Sysroot } from '../../source/sysroot/sysroot.js';
import type { CommandContext } from '../../source/commands/context.js';
import { run as runDomains } from '../../source/commands/domains.js';

let ROOT = path.dirname(new URL(import.meta.url).pathname);
while (!fs.existsSync(path.join(ROOT, 'package.json')) && ROOT !== '/') ROOT = path.dirname(ROOT);

async function domains(demo: string, json: boolean): Promise<string> {
  const out: string[] = [];
  const c: CommandContext = {
    sysroot: new Sysroot(path.join(ROOT, 'demo', demo)),
    instances: ['/var/qmail'],
    instancesExplicit: false,
    positionals: [],
    options: {},
    json,
    color: false,
    readOnly: true,
    out: (t) => out.push(t),
    err: () => {},
    readStdin: async () => '',
  };
  assert.equal(await runDomains(c), 0);
  return out.join('');
}

test('domains --json: managerInfo after the fixed fields of each manager row', async () => {
  const j = JSON.parse(await domains('vpopmail', true));
  const rows = new Map<string, Record<string, unknown>>(j.instances[0].domains.map((r: { domain: string }) => [r.domain, r]));
  const ex = rows.get('example.com')!;
  assert.deepEqual(Object.keys(ex).slice(0, 7), ['domain', 'locals', 'virtual', 'rcpthosts', 'morercpthosts', 'manager', 'problems']);
  assert.deepEqual([ex.manager, ex.virtual, ex.problems], ['vpopmail', 'example.com', []]);
  assert.deepEqual(ex.managerInfo, { users: 7, aliases: 3, catchAll: 'bounce-no-mailbox' });
  assert.deepEqual(rows.get('alias.example')!.managerInfo, { users: 7, aliases: 3, catchAll: 'bounce-no-mailbox' });
  const net = rows.get('example.net')!.managerInfo as { users: number; aliases: number; catchAll: string; problems: string[] };
  assert.deepEqual([net.users, net.aliases, net.catchAll, net.problems.length], [3, 1, 'delete', 2]);
  assert.deepEqual(rows.get('shop.example')!.managerInfo, { users: 2, aliases: 0, catchAll: 'path /home/vpopmail/domains/shop.example/postmaster/Maildir/' });
  assert.ok(!('managerInfo' in rows.get('mail.isp.net')!));

  const v = JSON.parse(await domains('vmailmgr', true));
  const vr = new Map<string, Record<string, unknown>>(v.instances[0].domains.map((r: { domain: string }) => [r.domain, r]));
  for (const d of ['mydomain.org', 'alias.org']) assert.deepEqual(vr.get(d)!.managerInfo, { users: 7, aliases: 1, catchAll: 'forward postmaster' });
});

test('domains: a counts line under each manager domain, with the table problems', async () => {
  const t = await domains('vpopmail', false);
  assert.match(t, /\n  example\.com +virtual +example\.com +yes +vpopmail\n      vpopmail: 7 users, 3 aliases, catch-all bounce-no-mailbox\n/);
  assert.match(t, /\n      vpopmail: 3 users, 1 alias, catch-all delete\n      ! \/home\/vpopmail\/domains\/example\.net\/vpasswd: vpasswd is newer than vpasswd\.cdb/);
  assert.match(t, /vpopmail: 2 users, 0 aliases, catch-all path \/home\/vpopmail\/domains\/shop\.example\/postmaster\/Maildir\//);
  const v = await domains('vmailmgr', false);
  assert.match(v, /\n  mydomain\.org +virtual +myuser +yes +vmailmgr\n      VMailMgr: 7 users, 1 alias, catch-all forward postmaster\n/);
});
