// Configuration B of qmail-delivery.md §6.1, as a sysroot fixture. Each row
// of §6.2 states its changes from it: pass them as `changes` (null removes).
import assert from 'node:assert/strict';
import { makeFixture, type FixtureEntry, type Fixture } from '../helpers/fixture.js';
import { loadInstallation } from '../../source/qmail/installation.js';
import { loadSystemUsers } from '../../source/qmail/passwd.js';
import { traceAddress } from '../../source/trace/walk.js';
import { compileUsersCdb } from '../../source/qmail/assign.js';
import type { TraceOptions, TraceResult } from '../../source/trace/types.js';
import type { FaultMap } from '../../source/sysroot/sysroot.js';

export const PASSWD = [
  'root:x:0:0:root:/root:/bin/sh',
  'joe:x:1001:100:Joe:/home/joe:/bin/sh',
  'bob:x:1002:100:Bob:/home/bob:/bin/sh',
  'alias:x:7790:2108::/var/qmail/alias:/bin/false',
].join('\n') + '\n';

export function baselineFiles(): Record<string, FixtureEntry> {
  return {
    '/etc/passwd': PASSWD,
    '/root/': { dir: true, mode: 0o700, uid: 0 },
    '/home/joe/': { dir: true, mode: 0o755, uid: 1001, gid: 100 },
    '/home/bob/': { dir: true, mode: 0o755, uid: 1002, gid: 100 },
    '/var/qmail/alias/': { dir: true, mode: 0o2755, uid: 7790, gid: 2108 },
    '/var/qmail/control/me': 'mail.example.com\n',
    '/var/qmail/control/locals': 'example.com\nmail.example.com\n',
    '/var/qmail/control/percenthack': 'hack.example.com\n',
    '/var/qmail/control/virtualdomains':
      'virt.example:joe-virt\npostmaster@other.example:pm\nother.example:bob\n.sub.example:sub\nexcl.sub.example:\n',
    '/var/qmail/rc': '#!/bin/sh\nexec env - PATH="/var/qmail/bin:$PATH" \\\nqmail-start ./Mailbox splogger qmail\n',
  };
}

export function baseline(changes: Record<string, FixtureEntry | null> = {}): Fixture {
  const files = baselineFiles();
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) delete files[k];
    else files[k] = v;
  }
  return makeFixture(files);
}

/** Trace in /var/qmail of a fixture, with the §6.1 message (sender s@x.org) and a fixed time. */
export function traceIn(fx: Fixture, address: string, opts: TraceOptions = {}, root = '/var/qmail', faults?: FaultMap): TraceResult {
  const sysroot = fx.sysroot(faults ? { faults } : undefined);
  const inst = loadInstallation(sysroot, root);
  const users = loadSystemUsers(sysroot);
  const r = traceAddress(inst, users, address, { sender: 's@x.org', now: new Date('2026-11-25T17:45:54Z'), ...opts });
  checkHops(r);
  return r;
}

/**
 * What every hop of every row must satisfy (contract.md fixed fields): the
 * environment agrees with the user and address qmail-local was given, DEFAULT
 * is set exactly when the chosen file's name ends in "default", and the
 * .qmail file lies in the user's home.
 */
export function checkHops(r: TraceResult): void {
  r.hops.forEach((h, i) => {
    const where = `hop ${i} (${JSON.stringify(h.recipient)})`;
    if (h.route === 'remote') {
      assert.equal(h.user, null, where);
      assert.equal(h.dotqmail, null, where);
      assert.deepEqual(h.env, {}, where);
      return;
    }
    if (Object.keys(h.env).length === 0) {
      assert.equal(h.dotqmail, null, where);
      return;
    }
    const u = h.user!;
    assert.ok(u, where);
    assert.equal(h.env.USER, u.name, where);
    assert.equal(h.env.HOME, u.home, where);
    assert.equal(h.env.LOCAL, h.local, where);
    assert.equal(h.env.HOST, h.domain, where);
    assert.equal(h.env.RECIPIENT, `${h.local}@${h.domain}`, where);
    assert.equal(h.env.DTLINE, `Delivered-To: ${h.local}@${h.domain}\n`, where);
    if ('EXT' in h.env) assert.equal(h.env.EXT, u.ext, where);
    assert.equal('DEFAULT' in h.env, h.dotqmail !== null && h.dotqmail.endsWith('default'), where);
    if (h.dotqmail) assert.ok(h.dotqmail.startsWith(u.home.replace(/\/+$/, '') + '/'), where);
  });
}

/** Trace against baseline + changes in one call. */
export function traceB(address: string, changes: Record<string, FixtureEntry | null> = {}, opts: TraceOptions = {}): TraceResult {
  return traceIn(baseline(changes), address, opts);
}

/** deliveries as "kind target" strings, for compact assertions. */
export function outcomes(r: TraceResult): string[] {
  return r.deliveries.map((d) => `${d.kind} ${d.target}`);
}

export function kinds(r: TraceResult): string[] {
  return r.deliveries.map((d) => d.kind);
}

/** user / dash / ext (source) of a hop, as the table writes it. */
export function ude(r: TraceResult, hop = 0): string | null {
  const u = r.hops[hop]?.user;
  return u ? `${u.name}/${u.dash}/${u.ext}(${u.source})` : null;
}

/** users/assign and the users/cdb qmail-newu compiles from it. */
export function withAssign(text: string): Record<string, FixtureEntry> {
  return { '/var/qmail/users/assign': text, '/var/qmail/users/cdb': compileUsersCdb(Buffer.from(text, 'latin1')) };
}

/** A maildir as maildirmake leaves it (a checkout keeps no empty directories: .keep files). */
export function maildir(dir: string, uid = 1001, gid = 100): Record<string, FixtureEntry> {
  const d = dir.replace(/\/+$/, '');
  return {
    [`${d}/`]: { dir: true, mode: 0o700, uid, gid },
    [`${d}/tmp/.keep`]: '',
    [`${d}/new/.keep`]: '',
    [`${d}/cur/.keep`]: '',
  };
}
