// vpopmail and VMailMgr trees as their own tools leave them
// (virtual-domain-managers.md §1.2–1.5 and §3.1–3.4).
import { makeCdb, type CdbRecord } from '../source/qmail/cdb.js';
import type { Rng } from './prng.js';
import type { TreeWriter } from './tree-writer.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * vpopmail's bigdir subdirectory for the counter-th entry (§1.4): none for
 * 1..99, then one letter per hundred, then two levels after the 62nd hundred.
 */
export function bigdirHash(counter: number): string {
  const hundreds = Math.floor(counter / 100);
  if (hundreds === 0) return '';
  const k = hundreds - 1;
  if (k < 62) return ALPHABET[k];
  const k2 = k - 62;
  return ALPHABET[Math.floor(k2 / 62) % 62] + '/' + ALPHABET[k2 % 62];
}

function rec(key: string, value: string): CdbRecord {
  return { key: Buffer.from(key, 'latin1'), value: Buffer.from(value, 'latin1') };
}

export interface VpopmailSpec {
  home: string;
  uid: number;
  gid: number;
  domains: string[];
  usersPerDomain: number;
  names: readonly string[];
}

export interface VpopmailOut {
  /** users/assign lines (`+dom-:dom:89:89:D:-::`). */
  assign: string[];
  /** Every mailbox address, e.g. joe@shop1.example. */
  addresses: string[];
  /** The domain directory of each domain. */
  domainDirs: Map<string, string>;
  users: number;
}

export function writeVpopmail(w: TreeWriter, rng: Rng, spec: VpopmailSpec): VpopmailOut {
  const out: VpopmailOut = { assign: [], addresses: [], domainDirs: new Map(), users: 0 };
  const base = `${spec.home}/domains`;
  w.dir(base);
  spec.domains.forEach((dom, i) => {
    const hash = bigdirHash(i + 1);
    const D = hash ? `${base}/${hash}/${dom}` : `${base}/${dom}`;
    out.domainDirs.set(dom, D);
    out.assign.push(`+${dom}-:${dom}:${spec.uid}:${spec.gid}:${D}:-::`);
    const catchAll = rng.chance(0.5) ? 'bounce-no-mailbox' : rng.chance(0.5) ? 'delete' : `postmaster@${dom}`;
    w.file(`${D}/.qmail-default`, `| ${spec.home}/bin/vdelivermail '' ${catchAll}\n`);
    const lines: string[] = [];
    const used = new Set<string>();
    const users = ['postmaster'];
    while (users.length < spec.usersPerDomain) {
      const n = rng.pick(spec.names) + (rng.chance(0.5) ? String(rng.int(100)) : '');
      if (n.length < 2 || used.has(n) || n === 'postmaster') continue;
      used.add(n);
      users.push(n);
    }
    users.sort();
    users.forEach((u, k) => {
      const uh = bigdirHash(k + 1);
      const dir = uh ? `${D}/${uh}/${u}` : `${D}/${u}`;
      const flags = rng.chance(0.02) ? 16 : rng.chance(0.1) ? 2 : 0;
      const quota = rng.chance(0.5) ? 'NOQUOTA' : `${(1 + rng.int(100)) * 1048576}S`;
      lines.push(`${u}:$1$${rng.int(1e6).toString(36)}$${rng.int(1e9).toString(36)}:1:${flags}:${u === 'postmaster' ? 'Postmaster' : u}:${dir}:${quota}`);
      w.maildir(`${dir}/Maildir`);
      if (rng.chance(0.05)) w.file(`${dir}/.qmail`, rng.chance(0.5) ? `&${u}@elsewhere.example\n./Maildir/\n` : `${dir}/Maildir/\n`);
      out.addresses.push(`${u}@${dom}`);
      out.users++;
    });
    if (rng.chance(0.3)) w.file(`${D}/.qmail-info`, `&postmaster@${dom}\n`);
    if (rng.chance(0.1)) w.file(`${D}/.qmail-sales-default`, `&${users[1]}@${dom}\n`);
    const text = lines.join('\n') + '\n';
    w.file(`${D}/vpasswd`, text);
    w.file(
      `${D}/vpasswd.cdb`,
      makeCdb(lines.map((l) => rec(l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)))),
    );
    w.file(`${D}/.dir-control`, `${users.length}\n0\n3\n0\n0\n0\n61\n61\n61\n0\n2\n4\n0\n0\n0\n\n`);
  });
  w.file(`${base}/.dir-control`, `${spec.domains.length}\n0\n3\n0\n0\n0\n61\n61\n61\n0\n2\n4\n0\n0\n0\n\n`);
  return out;
}

export interface VmailmgrSpec {
  /** The base user's home, e.g. /home/vmail. */
  home: string;
  domains: string[];
  users: number;
  names: readonly string[];
  ctime: number;
}

export interface VmailmgrOut {
  addresses: string[];
  records: number;
}

/** A version-2 passwd.cdb record (§3.3). */
function vmmRecord(crypt: string, dir: string, forwards: string[], personal: string, ctime: number): Buffer {
  const hasMailbox = dir !== '' ? 1 : 0;
  const head = Buffer.from([0x02, 10, hasMailbox, 8, 1, 0]);
  const fw = forwards.map((f) => f + '\0').join('') + '\0';
  const tail = `${crypt}\0${dir}\0${fw}${personal}\0-\0-\0-\0-\0${ctime}\0-\0`;
  return Buffer.concat([head, Buffer.from(tail, 'latin1')]);
}

export function writeVmailmgr(w: TreeWriter, rng: Rng, spec: VmailmgrSpec): VmailmgrOut {
  w.file(`${spec.home}/.qmail-default`, '|/usr/local/bin/vdeliver\n');
  const records: CdbRecord[] = [];
  const names = new Set<string>();
  const out: VmailmgrOut = { addresses: [], records: 0 };
  for (const pm of ['mailer-daemon', 'postmaster', 'root']) {
    records.push({ key: Buffer.from(pm), value: vmmRecord('*', `users/${pm}`, ['postmaster@'], '', spec.ctime) });
    w.maildir(`${spec.home}/users/${pm}`);
    names.add(pm);
  }
  while (names.size < spec.users) {
    const n = rng.pick(spec.names) + String(rng.int(1000));
    if (names.has(n)) continue;
    names.add(n);
    if (rng.chance(0.1)) {
      // An alias: no mailbox, forwards only.
      const to = rng.chance(0.5) ? [`${rng.pick(spec.names)}@elsewhere.example`] : ['postmaster'];
      records.push({ key: Buffer.from(n), value: vmmRecord('*', '', to, '', spec.ctime) });
    } else {
      const dir = `./users/${n.replace(/\./g, ':')}`;
      const fw = rng.chance(0.05) ? [`${n}@backup.example`] : [];
      records.push({ key: Buffer.from(n), value: vmmRecord(`$1$${rng.int(1e6).toString(36)}$x`, dir, fw, n, spec.ctime) });
      w.maildir(`${spec.home}/users/${n.replace(/\./g, ':')}`);
    }
  }
  records.push({ key: Buffer.from('+'), value: vmmRecord('*', '', ['postmaster'], 'catch-all', spec.ctime) });
  w.file(`${spec.home}/passwd.cdb`, makeCdb(records));
  out.records = records.length;
  for (const r of records) {
    const k = r.key.toString('latin1');
    if (k === '+') continue;
    out.addresses.push(`${k}@${rng.pick(spec.domains)}`);
  }
  return out;
}
