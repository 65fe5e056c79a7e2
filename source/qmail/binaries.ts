// Which installation a program really belongs to: the home compiled into
// it (conf-qmail's first line, the auto_qmail string), read from the
// program's bytes through the sysroot, never by running it, at most
// MAX_PROGRAM_BYTES of it. A link is read where it leads; a wrapper script
// is followed to the program it runs (binaries-home.ts has the rule). The
// directory a program sits in says nothing: a copied /var/qmail2/bin/qmail-queue
// still carries /var/qmail, and puts every message into /var/qmail's queue.
import { FsError, normalizeSystemPath, type Sysroot } from '../sysroot/sysroot.js';
import { compiledHome, homeShaped, looksLikeScript, printableRuns, scriptRefs, systemPath, type HomeMethod } from './binaries-home.js';

/** Bytes read of one program: qmail's are tens of kilobytes, a static build about one megabyte. */
export const MAX_PROGRAM_BYTES = 8 * 1024 * 1024;
/** Files looked at in one bin/ directory. */
const MAX_PROGRAMS = 256;
/** Scripts followed through other scripts before giving up (a loop, or a long chain). */
const MAX_DEPTH = 4;

/**
 * Programs qmail builds without auto_qmail (notqmail's Makefile): they carry
 * no home, so they tell nothing about which installation they belong to.
 */
export const PROGRAMS_WITHOUT_HOME = new Set([
  'qmail-getpw',
  'qmail-start',
  'qmail-popup',
  'qmail-pop3d',
  'splogger',
  'preline',
  'predate',
  'bouncesaying',
  'except',
  'maildirmake',
  'maildir2mbox',
  'qbiff',
  'tcp-env',
  'qsmhook',
]);

/** The programs whose home decides where mail goes, most telling first (for evidence and the header). */
export const KEY_PROGRAMS = ['qmail-queue', 'qmail-send', 'qmail-smtpd', 'qmail-local', 'qmail-lspawn', 'qmail-inject', 'sendmail', 'qmail-remote', 'qmail-rspawn', 'qmail-clean', 'qmail-qmtpd', 'qmail-qmqpd', 'qmail-qread', 'qmail-showctl'];

export interface ProgramHome {
  /** The path asked about, as the system names it (/var/qmail2/bin/qmail-queue, /usr/sbin/sendmail). */
  path: string;
  /** Where a link leads, when the path is one. */
  realPath: string | null;
  /** A wrapper script's chain: the programs it was followed to, in order. */
  via: string[];
  kind: 'program' | 'script' | 'missing' | 'unreadable';
  /** conf-qmail's first line as compiled in; null when none could be read. */
  home: string | null;
  /** How it was found: the auto_qmail symbol, the program's writable data, its strings, or a script's text. */
  how: HomeMethod | 'script' | null;
  /** Where it was read: the file holding it, and a byte offset (a program) or a line (a script). */
  where: { path: string; offset: number | null; line: number | null } | null;
  /** Strings that could have been the home, when there were several (or none fitted). */
  candidates: string[];
  /** The file's size in bytes (null when it could not be read). */
  size: number | null;
  /** Why no home was found, or what to keep in mind about it. */
  note: string | null;
}

export interface InstallationPrograms {
  instance: string;
  programs: ProgramHome[];
}

export interface HomeReader {
  /** The home of the program at a system path (links and wrapper scripts followed). */
  program(path: string): ProgramHome;
  /** Every program in an installation's bin/ that can carry a home, by name. */
  installation(root: string): InstallationPrograms;
}

function describe(e: unknown): string {
  return e instanceof FsError ? e.message : e instanceof Error ? e.message : String(e);
}

/**
 * A reader that remembers what it read (a program named by several scripts
 * and links is read once). `roots`: the loaded installations; a directory
 * holding control/ counts as an installation root too when several strings
 * could be the home.
 */
export function homeReader(sysroot: Sysroot, roots: string[]): HomeReader {
  const cache = new Map<string, ProgramHome>();
  const rootSet = new Set(roots.map(normalizeSystemPath));
  const isRoot = (p: string): boolean => {
    const n = normalizeSystemPath(p);
    if (rootSet.has(n)) return true;
    try {
      return sysroot.stat(`${n}/control`)?.kind === 'dir';
    } catch {
      return false;
    }
  };

  const read = (path: string, depth: number, seen: Set<string>): ProgramHome => {
    const norm = normalizeSystemPath(path);
    const hit = cache.get(norm);
    if (hit) return hit;
    const base: ProgramHome = { path: norm, realPath: null, via: [], kind: 'missing', home: null, how: null, where: null, candidates: [], size: null, note: null };
    let real = norm;
    try {
      real = sysroot.resolve(norm);
    } catch (e) {
      return { ...base, kind: 'unreadable', note: describe(e) };
    }
    if (real !== norm) base.realPath = real;
    let got: { bytes: Buffer; size: number } | null;
    try {
      got = sysroot.readBounded(norm, MAX_PROGRAM_BYTES);
    } catch (e) {
      const out: ProgramHome = { ...base, kind: 'unreadable', note: describe(e) };
      cache.set(norm, out);
      return out;
    }
    if (got === null) {
      const out: ProgramHome = { ...base, note: 'no such file' };
      cache.set(norm, out);
      return out;
    }
    base.size = got.size;
    let out: ProgramHome;
    if (looksLikeScript(got.bytes)) out = readScript(base, real, got.bytes, depth, new Set([...seen, real]));
    else {
      const h = compiledHome(got.bytes, { size: got.size, isInstallationRoot: isRoot });
      out = {
        ...base,
        kind: 'program',
        home: h.home === null ? null : h.home.replace(/(.)\/$/, '$1'),
        how: h.how,
        where: h.home === null ? null : { path: real, offset: h.offset, line: null },
        candidates: h.home !== null && h.candidates.length <= 1 ? [] : h.candidates,
        note: h.reason,
      };
    }
    cache.set(norm, out);
    return out;
  };

  const readScript = (base: ProgramHome, real: string, bytes: Buffer, depth: number, seen: Set<string>): ProgramHome => {
    const text = bytes.toString('latin1');
    const out: ProgramHome = { ...base, kind: 'script' };
    if (depth >= MAX_DEPTH) return { ...out, note: `a script that runs another script ${MAX_DEPTH} levels deep: not followed further` };
    const named: string[] = [];
    for (const ref of scriptRefs(text)) {
      if (ref.kind === 'cd') {
        const dir = normalizeSystemPath(ref.dir);
        if (!homeShaped(dir) || systemPath(dir)) continue;
        // qmail-qstat and qmail-upq: `cd /var/qmail` is conf-qmail, written into the script by make.
        const home = /\/queue$/.test(dir) ? dir.slice(0, -'/queue'.length) : dir;
        return { ...out, home, how: 'script', where: { path: real, offset: null, line: ref.line } };
      }
      const target = normalizeSystemPath(ref.path);
      if (seen.has(target) || named.includes(target)) continue;
      named.push(target);
      if (named.length > 8) break;
      const t = read(target, depth + 1, seen);
      if (t.home !== null) {
        return { ...out, home: t.home, how: t.how, where: t.where, via: [target, ...t.via], candidates: [], note: null };
      }
    }
    return {
      ...out,
      note: named.length
        ? `a script; none of the programs it runs (${named.slice(0, 3).join(', ')}${named.length > 3 ? ', …' : ''}) carries a home`
        : 'a script that runs no program by absolute path and changes to no qmail directory',
    };
  };

  return {
    program: (path) => read(path, 0, new Set()),
    installation: (root) => {
      const bin = `${normalizeSystemPath(root)}/bin`;
      let names: string[] = [];
      try {
        names = sysroot.readdir(bin) ?? [];
      } catch {
        names = [];
      }
      const programs: ProgramHome[] = [];
      for (const name of names) {
        if (PROGRAMS_WITHOUT_HOME.has(name) || name.startsWith('.')) continue;
        if (programs.length >= MAX_PROGRAMS) break;
        const path = `${bin}/${name}`;
        let kind: string | undefined;
        try {
          kind = sysroot.stat(path)?.kind;
        } catch {
          kind = 'file';
        }
        if (kind === 'dir') continue;
        programs.push(read(path, 0, new Set()));
      }
      return { instance: normalizeSystemPath(root), programs };
    },
  };
}

export const programName = (p: ProgramHome | string): string => {
  const s = typeof p === 'string' ? p : p.path;
  return s.slice(s.lastIndexOf('/') + 1);
};

/** The homes an installation's programs carry, each with its programs (key programs first), most programs first. */
export function homesOf(programs: ProgramHome[]): Array<{ home: string; programs: ProgramHome[] }> {
  const by = new Map<string, ProgramHome[]>();
  for (const p of programs) {
    if (p.home === null) continue;
    const list = by.get(p.home) ?? [];
    list.push(p);
    by.set(p.home, list);
  }
  const rank = (p: ProgramHome): number => {
    const k = KEY_PROGRAMS.indexOf(programName(p));
    return k < 0 ? KEY_PROGRAMS.length : k;
  };
  return [...by]
    .map(([home, ps]) => ({ home, programs: ps.sort((a, b) => rank(a) - rank(b) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)) }))
    .sort((a, b) => b.programs.length - a.programs.length || rank(a.programs[0]) - rank(b.programs[0]));
}

/**
 * The installation an installation's binaries were built for: the one home
 * its programs carry when that is not its own root; null when they carry
 * its root, none or several (the veil says more).
 */
export function builtForOther(root: string, programs: ProgramHome[]): string | null {
  const homes = homesOf(programs);
  if (homes.length !== 1) return null;
  return homes[0].home === normalizeSystemPath(root) ? null : homes[0].home;
}

/**
 * For an installation's header line, read cheaply on the first screen: the
 * homes its key programs (KEY_PROGRAMS present in bin/) carry, most
 * programs first, when that is anything but its own root alone; null when
 * they all carry its root or none could be read.
 */
export function headerHomes(sysroot: Sysroot, root: string): string[] | null {
  const reader = homeReader(sysroot, [root]);
  const bin = `${normalizeSystemPath(root)}/bin`;
  const programs = KEY_PROGRAMS.map((n) => `${bin}/${n}`)
    .filter((p) => {
      try {
        return sysroot.stat(p)?.kind === 'file';
      } catch {
        return false;
      }
    })
    .map((p) => reader.program(p));
  const homes = homesOf(programs).map((h) => h.home);
  if (homes.length === 0 || (homes.length === 1 && homes[0] === normalizeSystemPath(root))) return null;
  return homes;
}

/** How a program's home was found, in words for evidence ("auto_qmail at byte 12336"). */
export function homeEvidence(p: ProgramHome): string {
  if (p.home === null) return p.note ?? 'no home found';
  const via = p.via.length ? `runs ${p.via.join(' → ')}, ` : '';
  const where =
    p.how === 'symbol'
      ? `symbol auto_qmail at byte ${p.where?.offset}`
      : p.how === 'data'
        ? `the only home-like string in its data, at byte ${p.where?.offset}`
        : p.how === 'strings'
          ? `the only home-like string in it, at byte ${p.where?.offset}`
          : `"cd" in line ${p.where?.line}`;
  return `${via}built for ${p.home} (${where}${p.via.length && p.where ? ` of ${p.where.path}` : ''})`;
}

/** The name a program answers to: where its link or wrapper script leads. */
export function effectiveName(p: ProgramHome): string {
  return programName(p.via[p.via.length - 1] ?? p.realPath ?? p.path);
}

/** Programs that hand their messages to HOME/bin/qmail-queue through qmail.o's qmail_open (sendmail goes through HOME/bin/qmail-inject first). */
const INJECTORS = new Set(['qmail-inject', 'qmail-smtpd', 'qmail-qmtpd', 'qmail-qmqpd', 'qmail-local', 'forward', 'condredirect', 'qreceipt', 'qmail-send']);

export interface QueueRoute {
  /** The programs a message passes through, each with its home: the one asked about first, the qmail-queue that writes it last. */
  steps: ProgramHome[];
  /** The home whose queue/ receives the message; null where a step carries no home or is missing. */
  queue: string | null;
}

/**
 * Which queue a program's messages land in. qmail.o's qmail_open changes to
 * the injecting program's compiled home and runs bin/qmail-queue there (or
 * QMAILQUEUE, relative to that home when not absolute); qmail-queue changes
 * to its own compiled home and writes queue/. sendmail runs its home's
 * bin/qmail-inject. Other programs (qmail-remote, qmail-qread) read their
 * own home's queue and control files: the route ends at them.
 */
export function queueRoute(reader: HomeReader, path: string, qmailqueue?: string | null): QueueRoute {
  const steps: ProgramHome[] = [];
  let p = reader.program(path);
  for (let k = 0; k < 4; k++) {
    steps.push(p);
    const name = effectiveName(p);
    if (p.home === null) return { steps, queue: null };
    let next: string;
    if (name === 'sendmail') next = `${p.home}/bin/qmail-inject`;
    else if (name === 'qmail-lspawn') next = `${p.home}/bin/qmail-local`;
    else if (INJECTORS.has(name)) next = qmailqueue ? (qmailqueue.startsWith('/') ? qmailqueue : `${p.home}/${qmailqueue}`) : `${p.home}/bin/qmail-queue`;
    else return { steps, queue: p.home };
    if (name !== 'sendmail') qmailqueue = null;
    p = reader.program(next);
    if (p.kind === 'missing' || p.kind === 'unreadable') {
      steps.push(p);
      return { steps, queue: null };
    }
  }
  return { steps, queue: null };
}

/** "\x7fELF". */
const ELF_MAGIC = 0x7f454c46;
/** Strings listed of one program in the file view: a real program has a few thousand. */
const LISTED_STRINGS = 5000;

/**
 * A program shown as text (the TUI's file view): what it is, the home
 * compiled into it and how it was found, then its printable strings with
 * their byte offsets, the home's marked. Null for a file that is text (a
 * script, a control file): that one is shown as it is. `bytes` is what the
 * caller read of it (its head, for a huge file); the home is read by the
 * reader's own bound.
 */
export function programListing(sysroot: Sysroot, path: string, bytes: Buffer, size: number): string[] | null {
  // Only a program: other binary files (users/cdb, a queue's info file) have paths in them that are no home.
  if (bytes.length < 4 || bytes.readUInt32BE(0) !== ELF_MAGIC) return null;
  const p = homeReader(sysroot, []).program(path);
  const at = p.where && p.where.offset !== null && p.where.path === (p.realPath ?? p.path) ? p.where.offset : null;
  const { runs, more } = printableRuns(bytes, LISTED_STRINGS);
  const w = String(Math.max(0, ...runs.map((r) => r.offset))).length;
  const lines = [
    `a program (ELF), ${size} bytes${p.realPath ? `, the one ${path} leads to: ${p.realPath}` : ''}; qlens reads it as bytes and never runs it`,
    p.home !== null
      ? `${homeEvidence(p)}: the home compiled in from conf-qmail`
      : PROGRAMS_WITHOUT_HOME.has(effectiveName(p))
        ? `no home in it: qmail builds ${effectiveName(p)} without auto_qmail, so it tells nothing of the installation it belongs to`
        : `no home found in it: ${p.note ?? 'no home found'}`,
    `its printable strings and their byte offsets, as "strings -t d" lists them${bytes.length < size ? ` (of its first ${bytes.length} bytes)` : ''}:`,
    '',
    ...runs.map((r) => `${String(r.offset).padStart(w)}  ${r.text}${r.offset === at ? `   ← the home (${p.how === 'symbol' ? 'the symbol auto_qmail' : 'its writable data'})` : ''}`),
  ];
  if (more) lines.push(`… (only the first ${LISTED_STRINGS} strings are listed)`);
  return lines;
}
