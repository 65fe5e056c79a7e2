// Calling the manager procedures directly, with the environment qmail-local
// would give them worked out the simple way the §5 fixtures need (exact
// virtualdomains key, users/cdb wildcard, .qmail-default chosen). The walk
// tests go through the real tracer; these pin the procedures themselves.
import type { Fixture } from '../helpers/fixture.js';
import type { Sysroot } from '../../source/sysroot/sysroot.js';
import { CdbReader } from '../../source/qmail/cdb.js';
import type { UsersCdb } from '../../source/qmail/model-types.js';
import type { ManagerResult, ReadAsUser } from '../../source/trace/types.js';
import { runVdelivermail } from '../../source/trace/vpopmail.js';
import { runVdeliver } from '../../source/trace/vmailmgr.js';
import { shellWords } from '../../source/trace/local-text.js';
import type { VpopmailBuild } from '../../source/qmail/vpopmail.js';

/** Read as uid/gid by owner and mode, as qmail-local's child would. */
export function readAs(sysroot: Sysroot, uid: number, gid: number): (p: string) => ReadAsUser {
  return (p) => {
    const st = sysroot.stat(p);
    if (!st) return null;
    const bits = uid === 0 ? 0o4 : st.uid === uid ? (st.mode >> 6) & 7 : st.gid === gid ? (st.mode >> 3) & 7 : st.mode & 7;
    if ((bits & 4) === 0) return { ok: false, reason: 'permission denied', path: p };
    const buf = sysroot.read(p);
    return buf === null ? null : { ok: true, buf, path: p };
  };
}

function usersCdbOf(sysroot: Sysroot): UsersCdb {
  const buf = sysroot.read('/var/qmail/users/cdb');
  if (!buf) return { state: 'absent', path: '/var/qmail/users/cdb' };
  return { state: 'ok', path: '/var/qmail/users/cdb', reader: new CdbReader(buf), mtimeMs: 0, marker: '' };
}

export interface DirectOptions {
  headerLines?: string[];
  hopIndex?: number;
  build?: Partial<VpopmailBuild>;
  messageSize?: number;
  now?: Date;
}

/** vdelivermail for `local@host` in the VP fixture, run from D/.qmail-default. */
export function vdmDirect(fx: Fixture, address: string, o: DirectOptions = {}): ManagerResult & { env: Record<string, string> } {
  const sysroot = fx.sysroot();
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const host = address.slice(at + 1);
  const vd = (sysroot.readText('/var/qmail/control/virtualdomains') ?? '').split('\n');
  const hit = vd.find((l) => l.toLowerCase().startsWith(host.toLowerCase() + ':'));
  const prepend = hit ? hit.slice(hit.indexOf(':') + 1) : '';
  const L = `${prepend}-${local}`;
  const assign = (sysroot.readText('/var/qmail/users/assign') ?? '').split('\n').filter((l) => l.startsWith('+'));
  let best: string[] | null = null;
  for (const a of assign) {
    const f = a.slice(1).split(':');
    if (L.toLowerCase().startsWith(f[0]) && (!best || f[0].length > best[0].length)) best = f;
  }
  if (!best) throw new Error(`no assign match for ${L}`);
  const [loc, user, uid, gid, home] = best;
  const ext = L.slice(loc.length);
  const env: Record<string, string> = {
    USER: user,
    HOME: home,
    LOCAL: L,
    HOST: host,
    RECIPIENT: `${L}@${host}`,
    DTLINE: `Delivered-To: ${L}@${host}\n`,
    RPLINE: 'Return-Path: <sender@example.invalid>\n',
    SENDER: 'sender@example.invalid',
    EXT: ext,
    DEFAULT: ext,
  };
  const dq = `${home}/.qmail-default`;
  const line = (sysroot.readText(dq) ?? '').split('\n')[0];
  const argv = shellWords(line.replace(/^\|/, ''), env);
  const base = { qmailExt: false, valias: false, usersBigDir: true, clearPass: true, defaultDelivery: false, makeSeekable: true, maildrop: false, spamassassin: false, domainsDir: 'domains', maildropProg: 'maildrop', backend: 'cdb' as const, version: null, path: null, explanation: 'vpopmail 5.4 defaults (test)' };
  const r = runVdelivermail({
    sysroot,
    qmailRoot: '/var/qmail',
    usersCdb: () => usersCdbOf(sysroot),
    argv,
    env,
    headerLines: o.headerLines ?? [],
    hopIndex: o.hopIndex ?? 0,
    runUid: Number(uid),
    readAsUser: readAs(sysroot, Number(uid), Number(gid)),
    path: dq,
    line: 1,
    build: o.build ? { ...base, ...o.build } : undefined,
    vpopmailHome: '/home/vpopmail',
    messageSize: o.messageSize,
  });
  return { ...r, env };
}

/** vdeliver for `local@host` in the VM fixture (base user myuser). */
export function vdeliverDirect(fx: Fixture, address: string, o: DirectOptions = {}): ManagerResult {
  const sysroot = fx.sysroot();
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const host = address.slice(at + 1);
  const env: Record<string, string> = {
    USER: 'myuser',
    HOME: '/home/myuser',
    LOCAL: `myuser-${local}`,
    HOST: host,
    EXT: local,
    DEFAULT: local,
    RECIPIENT: `myuser-${local}@${host}`,
    DTLINE: `Delivered-To: myuser-${local}@${host}\n`,
    SENDER: 'sender@example.invalid',
  };
  return runVdeliver({
    sysroot,
    argv: ['/usr/local/bin/vdeliver'],
    env,
    readAsUser: readAs(sysroot, 1001, 1001),
    path: '/home/myuser/.qmail-default',
    line: 1,
    now: o.now ?? new Date('2026-11-25T12:00:00Z'),
    messageSize: o.messageSize,
  });
}

/** Actions as [kind, target] pairs, the way the tests compare them. */
export function kinds(r: ManagerResult): Array<[string, string | undefined]> {
  return r.actions.map((a) => [a.kind, a.target]);
}
