// Gather what the veil rules compare, once, through the loaded
// installations and the sysroot: effective control values, lists, owners,
// start scripts (deduplicated across installations by where they really
// live), passwd users with their homes, .qmail files, the sendmail links and
// tcprules files. Nothing here decides what is a leak.
import type { Sysroot } from '../sysroot/sysroot.js';
import { normalizeSystemPath as normalizePath } from '../sysroot/sysroot.js';
import { readLineValue } from '../qmail/control-readers.js';
import { parseDotQmail } from '../qmail/dotqmail.js';
import { loadStartScripts, type StartScript } from '../qmail/startup.js';
import type { Installation, SystemUsers } from '../qmail/model-types.js';
import { homeReader, queueRoute, type HomeReader } from '../qmail/binaries.js';
import { homeOf } from './leak-util.js';
import { reachableUsers } from './rules-users.js';
import type {
  DotQmailFact,
  EnvSetting,
  HostFacts,
  IdentityValue,
  InstanceFacts,
  OwnerFact,
  PasswdFact,
  StartScriptFact,
  TcpServerFact,
  VeilFacts,
} from './types.js';

export const IDENTITY_NAMES = [
  'smtpgreeting',
  'helohost',
  'bouncehost',
  'bouncefrom',
  'doublebouncehost',
  'doublebounceto',
  'idhost',
  'defaulthost',
  'defaultdomain',
  'plusdomain',
  'envnoathost',
  'localiphost',
];

/** Installations that can also hand over their start scripts (the model's LoadedInstallation can). */
export type VeilInstallation = Installation & { startScripts?: () => StartScript[] };

/** Most .qmail files read per home directory: enough for any real user, bounded for huge hosts. */
const MAX_DOTQMAIL_PER_HOME = 200;

function safe<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

function textLines(sysroot: Sysroot, path: string): string[] {
  const t = safe(() => sysroot.readText(path), null);
  if (t === null) return [];
  return t.split('\n');
}

function identity(inst: Installation, name: string): IdentityValue {
  const v = safe(() => inst.control(name), null);
  if (!v) return { name, value: null, source: 'absent', path: null, line: null };
  if (v.source === 'file') return { name, value: v.value, source: 'file', path: v.path, line: v.line ?? 1 };
  if (v.source === 'me') return { name, value: v.value, source: 'me', path: `${inst.root}/control/me`, line: 1 };
  return { name, value: v.value, source: v.source, path: null, line: null };
}

function ownerOf(sysroot: Sysroot, path: string, uidName: Map<number, string>): OwnerFact | null {
  const st = safe(() => sysroot.stat(path), null);
  if (!st) return null;
  return { path, uid: st.uid, name: uidName.get(st.uid) ?? null };
}

const SUBST_FILE = /`(?:cat|head(?:\s+-n\s*1|\s+-1)?)\s+["']?(\/[^`\s"']+)["']?`/;

function scriptFact(sysroot: Sysroot, s: StartScript, realPath: string, instance: string | null): StartScriptFact {
  const raw = textLines(sysroot, s.path);
  const lineText = (n: number): string => (raw[n - 1] ?? '').trim();
  // A command continued with backslashes, joined into one line for evidence.
  const commandText = (n: number): string => {
    let out = '';
    for (let k = n; k <= raw.length; k++) {
      const l = raw[k - 1] ?? '';
      const cont = /\\\s*$/.test(l);
      out += (out ? ' ' : '') + l.replace(/\\\s*$/, '').trim();
      if (!cont) break;
    }
    return out.replace(/\s+/g, ' ').trim();
  };
  const env: EnvSetting[] = s.env.map((e) => ({ name: e.name, value: e.value, path: s.path, line: e.line, text: lineText(e.line) }));
  // envdir DIR: each file NAME in DIR sets NAME to its first line (daemontools).
  for (const d of s.envdirs) {
    const dir = d.dir.startsWith('/') ? d.dir : `${s.path.slice(0, s.path.lastIndexOf('/'))}/${d.dir}`;
    for (const name of ['PATH', 'QMAILQUEUE', 'QMAILREMOTE']) {
      const v = readLineValue(safe(() => sysroot.read(`${dir}/${name}`), null));
      if (v !== null) env.push({ name, value: v, path: normalizePath(`${dir}/${name}`), line: 1, text: v });
    }
  }
  const tcpservers: TcpServerFact[] = s.tcpservers.map((t) => {
    let localName = t.localName;
    let localNameFrom: TcpServerFact['localNameFrom'] = null;
    if (localName !== null) {
      const m = SUBST_FILE.exec(localName);
      if (m) {
        const file = m[1];
        const set = env.find((e) => e.value === t.localName);
        localNameFrom = { file, line: set?.line ?? t.line, text: set?.text ?? lineText(t.line) };
        const v = readLineValue(safe(() => sysroot.read(file), null));
        localName = v ?? localName;
      }
    }
    let userName: string | null = null;
    let userLine: TcpServerFact['userLine'] = null;
    if (t.uid !== null) {
      const m = /`id\s+-u\s+([^`\s]+)`/.exec(t.uid);
      if (m) userName = m[1];
      const set = env.find((e) => e.value === t.uid);
      if (set && set.line !== t.line) userLine = { line: set.line, text: set.text };
    }
    return {
      path: s.path,
      line: t.line,
      text: commandText(t.line),
      host: t.host === '' ? null : t.host,
      port: t.port === '' ? null : t.port,
      localName,
      localNameFrom,
      user: t.uid,
      userName,
      userLine,
      rules: t.rules,
      program: t.program,
    };
  });
  const logTargets: StartScriptFact['logTargets'] = [];
  let popupHost: StartScriptFact['popupHost'] = null;
  for (const c of s.commands) {
    const w = c.words.map((x) => x.value);
    for (let k = 0; k < w.length; k++) {
      const b = w[k].slice(w[k].lastIndexOf('/') + 1);
      if (b === 'multilog') {
        const dir = w.slice(k + 1).filter((a) => a.startsWith('/') || a.startsWith('./')).pop();
        if (dir) logTargets.push({ kind: 'multilog', value: dir.replace(/\/+$/, ''), line: c.words[k].line, text: lineText(c.words[k].line) });
      } else if (b === 'splogger' && k + 1 < w.length) {
        logTargets.push({ kind: 'splogger', value: w[k + 1], line: c.words[k].line, text: lineText(c.words[k].line) });
      } else if (b === 'qmail-popup' && k + 1 < w.length && !popupHost) {
        let v = w[k + 1];
        const m = SUBST_FILE.exec(v);
        if (m) v = readLineValue(safe(() => sysroot.read(m[1]), null)) ?? v;
        popupHost = { value: v, line: c.words[k].line, text: lineText(c.words[k].line) };
      }
    }
  }
  const qs = s.qmailStart[0];
  return {
    path: s.path,
    realPath,
    instance,
    kind: s.kind,
    lines: raw.map((text, i) => ({ text, line: i + 1 })),
    tcpservers,
    env,
    qmailStart: qs ? { line: qs.line, text: commandText(qs.line), program: qs.program } : null,
    logTargets,
    popupHost,
  };
}

/** Which installation a script starts: where it lives, else the programs it runs. */
function attribute(s: StartScript, realPath: string, roots: string[], loadedFor: string): string | null {
  const byPlace = homeOf(realPath, roots) ?? homeOf(s.path, roots);
  if (byPlace) return byPlace;
  const programs = [
    ...s.tcpservers.map((t) => t.program ?? ''),
    ...s.qmailStart.map((q) => q.program),
    ...s.execs.map((e) => e.program),
  ];
  for (const p of programs) {
    const h = p.startsWith('/') ? homeOf(p, roots) : null;
    if (h) return h;
  }
  return loadedFor;
}

function collectScripts(sysroot: Sysroot, installs: VeilInstallation[]): Map<string, StartScriptFact[]> {
  const roots = installs.map((i) => i.root);
  const byReal = new Map<string, { s: StartScript; real: string; loadedFor: string }>();
  for (const inst of installs) {
    const scripts = inst.startScripts ? safe(() => inst.startScripts!(), []) : safe(() => loadStartScripts(sysroot, inst.root).scripts, []);
    for (const s of scripts) {
      const real = safe(() => sysroot.resolve(s.path), s.path);
      const prev = byReal.get(real);
      // Prefer the path inside an installation over a /service link to it.
      if (!prev || (homeOf(s.path, roots) && !homeOf(prev.s.path, roots))) byReal.set(real, { s, real, loadedFor: inst.root });
    }
  }
  const out = new Map<string, StartScriptFact[]>(roots.map((r) => [r, []]));
  for (const { s, real, loadedFor } of byReal.values()) {
    const inst = attribute(s, real, roots, loadedFor);
    const fact = scriptFact(sysroot, s, real, inst);
    if (inst) out.get(inst)!.push(fact);
  }
  for (const list of out.values()) list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return out;
}

function readDotQmails(sysroot: Sysroot, dir: string, owner: string): DotQmailFact[] {
  const names = safe(() => sysroot.readdir(dir), null) ?? [];
  const out: DotQmailFact[] = [];
  for (const n of names) {
    if (n !== '.qmail' && !n.startsWith('.qmail-')) continue;
    if (out.length >= MAX_DOTQMAIL_PER_HOME) break;
    const path = `${dir.replace(/\/+$/, '')}/${n}`;
    const st = safe(() => sysroot.stat(path), null);
    if (!st || st.kind !== 'file') continue;
    const buf = safe(() => sysroot.read(path), null);
    if (buf === null) continue;
    const f = parseDotQmail(path, buf);
    out.push({
      path,
      owner,
      lines: f.lines.map((l) => ({ line: l.line, text: l.raw, kind: l.kind, target: l.target })),
    });
  }
  return out;
}

function hostnameFacts(sysroot: Sysroot): HostFacts['hostname'] {
  // On the real root the kernel's own answer is there too; a sysroot only has /etc/hostname.
  let path = '/etc/hostname';
  let lines = textLines(sysroot, path);
  if (!lines.some((l) => l.trim() !== '') && sysroot.isRealRoot) {
    path = '/proc/sys/kernel/hostname';
    lines = textLines(sysroot, path);
  }
  const idx = lines.findIndex((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  if (idx < 0) return null;
  const value = lines[idx].trim();
  let fqdn: string | null = value.includes('.') ? value : null;
  let fqdnEvidence: { path: string; line: number; text: string } | null = null;
  if (!fqdn) {
    const hosts = textLines(sysroot, '/etc/hosts');
    for (let i = 0; i < hosts.length && !fqdn; i++) {
      const words = hosts[i].replace(/#.*/, '').trim().split(/\s+/).slice(1);
      if (!words.includes(value)) continue;
      const full = words.find((w) => w.startsWith(value + '.'));
      if (full) {
        fqdn = full;
        fqdnEvidence = { path: '/etc/hosts', line: i + 1, text: hosts[i].trim() };
      }
    }
  }
  return { value, path, line: idx + 1, fqdn, fqdnEvidence };
}

function tcprulesFacts(sysroot: Sysroot, rulesFiles: Set<string>): HostFacts['tcprules'] {
  const out: HostFacts['tcprules'] = [];
  for (const cdb of rulesFiles) {
    const source = cdb.endsWith('.cdb') ? cdb.slice(0, -4) : cdb;
    const lines = textLines(sysroot, source);
    const settings: HostFacts['tcprules'][number]['settings'] = [];
    lines.forEach((l, i) => {
      if (l.trim().startsWith('#')) return;
      for (const m of l.matchAll(/([A-Z_][A-Z0-9_]*)="([^"]*)"/g)) settings.push({ name: m[1], value: m[2], line: i + 1, text: l.trim() });
    });
    if (lines.length) out.push({ path: source, settings });
    else {
      const buf = safe(() => sysroot.read(cdb), null);
      if (buf) {
        const text = buf.toString('latin1');
        const cdbSettings = [...text.matchAll(/(QMAILQUEUE|QMAILREMOTE)=([^\0]*)/g)].map((m) => ({ name: m[1], value: m[2], line: null, text: `${m[1]}=${m[2]}` }));
        out.push({ path: cdb, settings: cdbSettings });
      }
    }
  }
  return out;
}

function sendmailLinks(sysroot: Sysroot, roots: string[], reader: HomeReader): HostFacts['sendmailLinks'] {
  const out: HostFacts['sendmailLinks'] = [];
  for (const path of ['/usr/sbin/sendmail', '/usr/lib/sendmail']) {
    const st = safe(() => sysroot.lstat(path), null);
    if (!st || st.kind !== 'symlink') continue;
    const target = safe(() => sysroot.readlink(path), null);
    if (target === null) continue;
    const resolved = safe(() => sysroot.resolve(path), target);
    const dirInstance = homeOf(resolved, roots) ?? homeOf(target, roots);
    const route = safe(() => queueRoute(reader, path), null);
    out.push({ path, target, resolved, instance: route?.queue ?? dirInstance, home: route?.steps[0]?.home ?? null, dirInstance, route });
  }
  return out;
}

/** Root's PATH on Debian and most others, in order; /usr/lib/sendmail is called by path, not found on it. */
const LOCAL_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

function pathPrograms(sysroot: Sysroot, roots: string[], reader: HomeReader): HostFacts['pathPrograms'] {
  const out: HostFacts['pathPrograms'] = [];
  const fact = (name: string, path: string, onPath: boolean): void => {
    const st = safe(() => sysroot.lstat(path), null);
    if (!st || st.kind === 'dir') return;
    const link = st.kind === 'symlink' ? safe(() => sysroot.readlink(path), null) : null;
    const real = safe(() => sysroot.resolve(path), path);
    if (safe(() => sysroot.stat(path), null)?.kind !== 'file') return;
    out.push({ name, path, onPath, link, dirInstance: homeOf(real, roots), route: queueRoute(reader, path) });
  };
  for (const name of ['sendmail', 'qmail-inject']) {
    const first = LOCAL_PATH.map((d) => `${d}/${name}`).find((p) => safe(() => sysroot.lstat(p), null) !== null);
    if (first) fact(name, first, true);
  }
  if (!out.some((p) => p.path === '/usr/lib/sendmail')) fact('sendmail', '/usr/lib/sendmail', false);
  return out;
}

/**
 * Read every fact the rules need. `dotqmails: false` leaves out the users'
 * .qmail files (thousands on a big host), which only the rules between
 * installations read: enough for one installation alone.
 */
export function gatherFacts(installs: VeilInstallation[], users: SystemUsers, sysroot: Sysroot, opts: { dotqmails?: boolean } = {}): VeilFacts {
  const roots = installs.map((i) => i.root);
  const passwdPath = '/etc/passwd';
  const pwText = textLines(sysroot, passwdPath);
  const entries = safe(() => users.passwd(), []);
  const uidName = new Map<number, string>();
  for (const e of entries) if (!uidName.has(e.uid)) uidName.set(e.uid, e.name);
  const passwd: PasswdFact[] = entries.map((e) => {
    const st = e.home.startsWith('/') ? safe(() => sysroot.stat(e.home), null) : null;
    return {
      name: e.name,
      uid: e.uid,
      gid: e.gid,
      home: e.home,
      line: e.line,
      text: pwText[e.line - 1] ?? `${e.name}:x:${e.uid}:${e.gid}::${e.home}:${e.shell}`,
      ownsHome: !!st && st.kind === 'dir' && st.uid === e.uid,
    };
  });
  const scripts = collectScripts(sysroot, installs);
  const reader = homeReader(sysroot, roots);
  const instances: InstanceFacts[] = installs.map((inst, index) => {
    const me = identity(inst, 'me');
    const meValue = safe(() => inst.me(), null);
    const mePath = `${inst.root}/control/me`;
    const ident: Record<string, IdentityValue> = {};
    for (const n of IDENTITY_NAMES) ident[n] = identity(inst, n);
    const list = (name: string) => {
      const l = safe(() => inst.list(name), null);
      return l
        ? { path: l.path, present: l.present, lines: l.lines.map((x) => ({ text: x.text, line: x.line })), source: l.source }
        : { path: `${inst.root}/control/${name}`, present: false, lines: [], source: 'absent' as const };
    };
    const more = safe(() => inst.morercpthostsCdb(), null);
    let morercpthosts: InstanceFacts['morercpthosts'] = null;
    if (more && 'reader' in more) {
      const names = safe(() => [...more.reader.records()].map((r) => r.key.toString('latin1')).filter((k) => k !== ''), []);
      morercpthosts = { path: more.path, names };
    }
    const colon = (get: () => { path: string; map: Map<string, { key: string; value: string; line: number }> }, name: string) => {
      const c = safe(get, null);
      if (!c) return { path: `${inst.root}/control/${name}`, entries: [] };
      return { path: c.path, entries: [...c.map.values()].sort((a, b) => a.line - b.line).map((e) => ({ key: e.key, value: e.value, line: e.line })) };
    };
    const a = safe(() => inst.assign(), null);
    const consts = safe(() => inst.consts(), null);
    return {
      root: inst.root,
      index,
      me: { ...me, value: meValue, path: meValue === null ? null : mePath, line: meValue === null ? null : 1, source: meValue === null ? 'absent' : 'file' },
      identity: ident,
      locals: list('locals'),
      rcpthosts: list('rcpthosts'),
      morercpthosts,
      virtualdomains: colon(() => inst.virtualdomains(), 'virtualdomains'),
      smtproutes: colon(() => inst.smtproutes(), 'smtproutes'),
      assign: {
        path: a?.path ?? `${inst.root}/users/assign`,
        present: a?.present ?? false,
        entries: (a?.entries ?? []).map((e) => ({ kind: e.kind, local: e.local, user: e.user, uid: e.uid, home: e.home, line: e.line })),
      },
      aliasUser: consts?.aliasUser ?? 'alias',
      aliasOwner: ownerOf(sysroot, `${inst.root}/alias`, uidName),
      queueOwner: ownerOf(sysroot, `${inst.root}/queue`, uidName),
      sendOwner: ownerOf(sysroot, `${inst.root}/queue/info`, uidName),
      binaries: ['qmail-queue', 'qmail-inject']
        .map((b) => {
          const path = `${inst.root}/bin/${b}`;
          const st = safe(() => sysroot.stat(path), null);
          return st && st.kind === 'file' ? { path, mode: st.mode, uid: st.uid } : null;
        })
        .filter((x): x is { path: string; mode: number; uid: number } => x !== null),
      programs: safe(() => reader.installation(inst.root).programs, []),
      scripts: scripts.get(inst.root) ?? [],
      dotqmails: [],
    };
  });
  // .qmail files each installation would read: its alias directory, the homes of the passwd users it reaches, and its assign homes.
  const homeCache = new Map<string, DotQmailFact[]>();
  const filesOf = (home: string, owner: string): DotQmailFact[] => {
    const key = home.replace(/\/+$/, '') || '/';
    let f = homeCache.get(key);
    if (!f) {
      f = readDotQmails(sysroot, key, owner);
      homeCache.set(key, f);
    }
    return f;
  };
  for (const inst of opts.dotqmails === false ? [] : instances) {
    const files: DotQmailFact[] = [...filesOf(`${inst.root}/alias`, inst.aliasUser)];
    const seen = new Set<string>([`${inst.root}/alias`]);
    for (const p of reachableUsers(inst, passwd, roots)) {
      const h = p.home.replace(/\/+$/, '');
      if (seen.has(h)) continue;
      seen.add(h);
      files.push(...filesOf(h, p.name));
    }
    for (const e of inst.assign.entries) {
      const h = e.home.replace(/\/+$/, '');
      if (!h.startsWith('/') || seen.has(h)) continue;
      seen.add(h);
      files.push(...filesOf(h, e.user));
    }
    inst.dotqmails = files;
  }
  const rulesFiles = new Set<string>();
  for (const inst of instances) for (const s of inst.scripts) for (const t of s.tcpservers) if (t.rules) rulesFiles.add(t.rules);
  const host: HostFacts = {
    hostname: hostnameFacts(sysroot),
    passwdPath,
    passwd,
    sendmailLinks: sendmailLinks(sysroot, roots, reader),
    pathPrograms: safe(() => pathPrograms(sysroot, roots, reader), []),
    orphanScripts: [],
    tcprules: tcprulesFacts(sysroot, rulesFiles),
  };
  const programs = programRoutes(instances, host, reader);
  const homes: VeilFacts['homes'] = {};
  const carried = [
    ...Object.values(programs).flatMap((r) => r.route.steps.map((p) => p.home)),
    ...host.pathPrograms.flatMap((p) => p.route.steps.map((s) => s.home)),
  ];
  for (const h of carried) {
    if (h === null || homes[h]) continue;
    homes[h] = roots.includes(h)
      ? 'loaded'
      : safe(() => sysroot.stat(`${h}/control`)?.kind === 'dir', false)
        ? 'installation'
        : safe(() => sysroot.stat(h)?.kind === 'dir', false)
          ? 'directory'
          : 'missing';
  }
  return { instances, host, programs, homes };
}

/** What the rules need to judge each program named somewhere by its compiled home: run scripts, QMAILQUEUE/QMAILREMOTE, bin/. */
function programRoutes(instances: InstanceFacts[], host: HostFacts, reader: HomeReader): VeilFacts['programs'] {
  const out: VeilFacts['programs'] = {};
  const add = (p: string | null | undefined): void => {
    if (!p) return;
    const path = p.replace(/^["']|["']$/g, '');
    if (!path.startsWith('/') || out[path]) return;
    const route = safe(() => queueRoute(reader, path), null);
    if (route) out[path] = { program: route.steps[0], route };
  };
  for (const inst of instances) {
    for (const p of inst.programs) add(p.path);
    for (const s of inst.scripts) {
      for (const t of s.tcpservers) add(t.program);
      for (const e of s.env) if (e.name === 'QMAILQUEUE' || e.name === 'QMAILREMOTE') add(e.value);
      if (s.qmailStart) add(s.qmailStart.program);
    }
  }
  for (const r of host.tcprules) for (const st of r.settings) if (st.name === 'QMAILQUEUE' || st.name === 'QMAILREMOTE') add(st.value);
  return out;
}
