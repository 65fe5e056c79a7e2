// The Dot-qmail tree of one installation, built for the view by the loader:
// installation → alias user, system users, users/assign entries, virtual
// domains → their .qmail files → each line classified, with the warnings
// qmail-local and qmail-getpw would act on (modes, ownership, files that can
// never be chosen). Plain rows out; everything drawn is sanitized here.
import type { Sysroot, FileMeta } from '../sysroot/sysroot.js';
import { decodeBytes } from '../sysroot/sysroot.js';
import type { Installation, SystemUsers, DotQmailLine } from '../qmail/model-types.js';
import { parseDotQmail } from '../qmail/dotqmail.js';
import { managerInfoText, managerSummaries, type ManagerSummaries } from '../qmail/domains.js';
import { sanitize } from '../text/sanitize.js';
import { managerName } from '../qmail/managers.js';
import type { Tone } from './theme.js';
import { addressReaching, type Reach } from './dotqmail-address.js';
import { sampleForDefault } from '../qmail/addresses-for.js';
import { quotedDefaultDelivery } from '../qmail/default-delivery.js';

export interface TreeNode {
  id: string;
  depth: number;
  text: string;
  tone?: Tone;
  bold?: boolean;
  /** Has children (it can be folded). */
  group?: boolean;
  jump?: { path: string; line: number | null };
  address?: string;
  /** Its rows are read when it is opened (dotqmailBranch): a big host's tree is not read whole. */
  lazy?: boolean;
}

export interface TreeOptions {
  /** Branches (homes, manager domains) as single rows, their files read when opened. */
  lazy?: boolean;
  /** Build only the branch with this id, whole (the rest is skipped). */
  only?: string;
}

/** More homes and domains than this, and the tree is read branch by branch as the admin opens them. */
export const LAZY_BRANCHES = 1000;

/** Most .qmail files listed per home: a home with thousands is summarized, not listed. */
const MAX_FILES_PER_HOME = 200;

const KIND_WORD: Record<DotQmailLine['kind'], string> = {
  comment: '# comment',
  blank: '  blank',
  program: '| program',
  forward: '→ forward',
  mbox: '▸ mbox',
  maildir: '▸ maildir',
};

const KIND_TONE: Partial<Record<DotQmailLine['kind'], Tone>> = { program: 'accent', forward: 'info', mbox: 'ok', maildir: 'ok', comment: 'dim' };

function safe<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

/** `.qmail-foo:bar` answers to the extension `foo.bar` (qmail-local turns dots into colons). */
const extOf = (name: string): string => name.slice(7).replace(/:/g, '.');

const octal = (m: number): string => '0' + (m & 0o7777).toString(8);

interface Ctx {
  sysroot: Sysroot;
  inst: Installation;
  patrn: number;
  breakChar: string;
  domain: string;
  users: SystemUsers;
  out: TreeNode[];
  /** Homes and manager domains as lazy rows. */
  lazy: boolean;
  /** The sections (users/assign, virtual domains, system users) as lazy rows themselves. */
  sections: boolean;
  only: string | null;
}

/** Whether the branch with this id, in the section with that id, is skipped (another one is asked for). */
const skip = (c: Ctx, section: string, id: string): boolean => c.only !== null && c.only !== id && c.only !== section;

/** A section's row; true when its rows are left for later (a lazy section) or another branch is asked for. */
function sectionNode(c: Ctx, node: TreeNode, prefix: string): boolean {
  if (c.only !== null && c.only !== node.id && !c.only.startsWith(prefix)) return true;
  c.out.push(c.sections ? { ...node, lazy: true } : node);
  return c.sections;
}

/** A home's .qmail files with the extension prefix given ('' lists them all); a home that cannot be listed throws. */
function dotqmailNames(sysroot: Sysroot, home: string, prefix: string): string[] {
  const names = sysroot.readdir(home) ?? [];
  return names.filter((n) => n.startsWith('.qmail') && (n === '.qmail' || n.startsWith('.qmail' + prefix) || prefix === '')).filter((n) => n === '.qmail' || n[6] !== undefined);
}

function fileNode(c: Ctx, depth: number, idBase: string, path: string, reach: Reach | null, owner: { uid: number } | null): void {
  const address = reach?.address ?? null;
  const meta = safe<FileMeta | null | 'error'>(() => c.sysroot.stat(path), 'error');
  const name = path.slice(path.lastIndexOf('/') + 1);
  const warnings: string[] = [];
  if (meta === 'error') warnings.push('✗ unreadable');
  else if (meta) {
    if (meta.mode & c.patrn) warnings.push(`! mode ${octal(meta.mode)}: writable by others, qmail-local defers every message ("Uh-oh: .qmail file is writable")`);
    if (owner && meta.uid !== owner.uid && meta.metaSource !== 'default') warnings.push(`i owned by uid ${meta.uid}, not the user (qmail-local does not check, but the user cannot fix it)`);
  }
  // qmail-local lower-cases the extension before it looks, so a name with capitals is never chosen.
  if (/[A-Z]/.test(name.slice(6))) warnings.push('! never chosen: qmail-local looks for lower-case names only');
  const shown = address ? `  ← ${sanitize(address)}` : reach ? '  ← no address reaches it' : '';
  c.out.push({ id: `${idBase}${path}`, depth, text: `${sanitize(name)}${shown}${meta && meta !== 'error' ? `  ${octal(meta.mode)}` : ''}`, bold: true, group: true, jump: { path, line: null }, address: address ?? undefined });
  if (reach && reach.address === null) reach.why.forEach((w, i) => c.out.push({ id: `${idBase}${path}#unreached${i}`, depth: depth + 1, text: `! ${sanitize(w)}`, tone: 'warn', jump: { path, line: null } }));
  for (const w of warnings) c.out.push({ id: `${idBase}${path}#w${w}`, depth: depth + 1, text: w, tone: w.startsWith('✗') ? 'error' : w.startsWith('!') ? 'warn' : 'info', jump: { path, line: null } });
  if (meta === 'error' || !meta) return;
  let buf: Buffer | null;
  try {
    buf = c.sysroot.read(path);
  } catch (e) {
    c.out.push({ id: `${idBase}${path}#unreadable`, depth: depth + 1, text: `✗ ${sanitize(e instanceof Error ? e.message : String(e))}`, tone: 'error', jump: { path, line: null } });
    return;
  }
  if (buf === null) return;
  const f = parseDotQmail(path, buf);
  if (f.lines.length === 0) c.out.push({ id: `${idBase}${path}#empty`, depth: depth + 1, text: `empty file: the default delivery applies${defaultDeliveryShown(c.inst)}`, tone: 'info', jump: { path, line: null } });
  else if (!f.hasDelivery) c.out.push({ id: `${idBase}${path}#nodel`, depth: depth + 1, text: 'i no delivery line: messages are accepted and dropped', tone: 'info', jump: { path, line: null } });
  for (const l of f.lines) {
    if (l.kind === 'blank') continue;
    const target = l.kind === 'comment' ? sanitize(l.raw) : sanitize(l.target);
    c.out.push({
      id: `${idBase}${path}:${l.line}`,
      depth: depth + 1,
      text: `${String(l.line).padStart(3)}  ${KIND_WORD[l.kind].padEnd(10)} ${target}`,
      tone: KIND_TONE[l.kind],
      jump: { path, line: l.line },
      address: l.kind === 'forward' ? l.target : undefined,
    });
  }
  for (const d of f.diagnostics) {
    c.out.push({ id: `${idBase}${path}:${d.line}#${d.code}`, depth: depth + 1, text: `${d.severity === 'error' ? '✗' : '!'} line ${d.line}: ${sanitize(d.message)}`, tone: d.severity === 'error' ? 'error' : 'warn', jump: { path, line: d.line } });
  }
}

/** One home: its mode checks, then its .qmail files whose names start with `.qmail{dash}{prefix}`. */
interface Who {
  uid: number;
  /** Files listed: names starting with `.qmail` + this ('' lists every .qmail file). */
  namePrefix: string;
  /** The local part qmail-lspawn would get for a .qmail file (by name); the address shown is traced from it (null: unknown). */
  localOf: (name: string) => string | null;
}

function homeNode(c: Ctx, depth: number, idBase: string, label: string, home: string, who: Who): void {
  if (c.lazy) {
    c.out.push({ id: idBase, depth, text: label, bold: true, group: true, lazy: true });
    return;
  }
  const meta = safe<FileMeta | null | 'error'>(() => c.sysroot.stat(home), 'error');
  c.out.push({ id: idBase, depth, text: label, bold: true, group: true });
  if (meta === 'error') {
    c.out.push({ id: idBase + '#err', depth: depth + 1, text: `✗ ${sanitize(home)} cannot be read`, tone: 'error' });
    return;
  }
  if (!meta) {
    c.out.push({ id: idBase + '#missing', depth: depth + 1, text: `! ${sanitize(home)} does not exist: qmail-local defers (unable to chdir)`, tone: 'warn' });
    return;
  }
  if (meta.mode & 0o1000) c.out.push({ id: idBase + '#sticky', depth: depth + 1, text: `! home ${octal(meta.mode)} has the sticky bit: qmail-local defers (home directory is sticky)`, tone: 'warn' });
  if (meta.mode & c.patrn) c.out.push({ id: idBase + '#ww', depth: depth + 1, text: `! home ${octal(meta.mode)} is writable by others: qmail-local defers`, tone: 'warn' });
  let listed: string[];
  try {
    listed = dotqmailNames(c.sysroot, home, who.namePrefix);
  } catch (e) {
    // Not "no .qmail file": which files exist is unknown, so nothing is claimed about the default delivery.
    c.out.push({ id: idBase + '#unlisted', depth: depth + 1, text: `✗ ${sanitize(e instanceof Error ? e.message : String(e))}: its .qmail files cannot be listed`, tone: 'error', jump: { path: home, line: null } });
    return;
  }
  const names = listed.filter((n) => who.namePrefix === '' || n.startsWith('.qmail' + who.namePrefix));
  if (names.length === 0) {
    c.out.push({ id: idBase + '#none', depth: depth + 1, text: `no .qmail file: the default delivery applies${defaultDeliveryShown(c.inst)}`, tone: 'dim' });
    return;
  }
  for (const n of names.slice(0, MAX_FILES_PER_HOME)) {
    const path = `${home.replace(/\/+$/, '')}/${n}`;
    // A -default file is tried with a sample local part in its place (alice-anything).
    const isDefault = n.endsWith('default');
    const named = who.localOf(n);
    const local = named !== null && isDefault ? sampleForDefault(named) : named;
    fileNode(c, depth + 1, idBase + '/', path, local === null ? null : addressReaching(c.inst, c.users, local, path, { defaultFile: isDefault }), { uid: who.uid });
  }
  if (names.length > MAX_FILES_PER_HOME) c.out.push({ id: idBase + '#more', depth: depth + 1, text: `… and ${names.length - MAX_FILES_PER_HOME} more .qmail files`, tone: 'dim' });
}

/** The default delivery as the walk takes it, and where from when assumed (no start script in the tree): ': "./Maildir/" (...)'. */
function defaultDeliveryShown(inst: Installation): string {
  const dd = safe(() => inst.defaultDelivery(), null);
  if (!dd) return '';
  const text = sanitize(quotedDefaultDelivery(dd));
  if (dd.assumed === 'defaultdelivery') return `: ${text} (assumed: no start script found, so control/defaultdelivery, as the stock rc passes it)`;
  if (dd.assumed === 'builtin') return `: ${text} (assumed: no start script found and no control/defaultdelivery, so qmail-start's built-in)`;
  return `: ${text}`;
}

/** The tree of one installation, as rows with depths; `summaries` when the caller has read the manager tables already. */
export function dotqmailTree(sysroot: Sysroot, inst: Installation, users: SystemUsers, summaries?: ManagerSummaries, opts: TreeOptions = {}): TreeNode[] {
  const consts = inst.consts();
  const me = safe(() => inst.me(), null);
  const locals = safe(() => inst.list('locals').lines, []);
  const domain = sanitize(locals[0]?.text ?? me ?? 'localhost');
  const root = inst.root;
  const only = opts.only ?? null;
  const sectionAsked = only !== null && [`${root}#assign`, `${root}#virtual`, `${root}#users`].includes(only);
  const c: Ctx = { sysroot, inst, patrn: consts.patrn, breakChar: consts.breakChar, domain, users, out: [], lazy: Boolean(opts.lazy) && (only === null || sectionAsked), sections: Boolean(opts.lazy) && only === null, only };
  c.out.push({ id: root, depth: 0, text: `${sanitize(root)}  (each address traced to its file)`, bold: true, tone: 'accent', group: true });
  aliasSection(c, users, consts.aliasUser);
  assignSection(c);
  virtualSection(c, users, summaries);
  usersSection(c, users, consts.aliasUser);
  return c.out;
}

/** The alias user: every address nobody else takes (.qmail-postmaster, .qmail-default). */
function aliasSection(c: Ctx, users: SystemUsers, aliasUser: string): void {
  const root = c.inst.root;
  const alias = users.byName(aliasUser);
  const aliasHome = alias?.home ?? `${root}/alias`;
  if (skip(c, `${root}#alias`, `${root}#alias`)) return;
  homeNode(c, 1, `${root}#alias`, `alias user ${sanitize(aliasUser)}  ${sanitize(aliasHome)}${alias ? '' : '  (not in /etc/passwd: qmail-lspawn fails)'}`, aliasHome, { uid: alias?.uid ?? -1, namePrefix: '', localOf: (n) => (n.length > 7 ? extOf(n) : null) });
}

/** users/assign: qmail-lspawn's table, checked before passwd. */
function assignSection(c: Ctx): void {
  const root = c.inst.root;
  const assign = safe(() => c.inst.assign(), null);
  if (!assign || !assign.present || sectionNode(c, { id: `${root}#assign`, depth: 1, text: `users/assign  ${assign.entries.length} entries`, bold: true, group: true, jump: { path: assign.path, line: null } }, `${root}#assign:`)) return;
  for (const e of assign.entries) {
    if (skip(c, `${root}#assign`, `${root}#assign:${e.line}`)) continue;
    const label = `${e.kind}${sanitize(e.local)}  → user ${sanitize(e.user)} ${e.uid}:${e.gid} ${sanitize(e.home)}  dash "${sanitize(e.dash)}" ${e.kind === '+' ? 'pre' : 'ext'} "${sanitize(e.ext)}"  (line ${e.line})`;
    homeNode(c, 2, `${root}#assign:${e.line}`, label, e.home, {
      uid: Number(e.uid),
      namePrefix: e.dash + e.ext,
      localOf: (n) => {
        const tail = n.slice(('.qmail' + e.dash + e.ext).length).replace(/:/g, '.');
        if (e.kind === '=') return tail === '' ? e.local : null;
        return `${e.local}${tail}`;
      },
    });
  }
  for (const d of assign.errors) c.out.push({ id: `${root}#assign-err${d.line}`, depth: 2, text: `✗ line ${d.line}: ${sanitize(d.message)}`, tone: 'error', jump: { path: d.path, line: d.line } });
}

/**
 * The manager tables this tree needs: one branch asked for, only its own
 * manager domain (if it is one) is summarized; the whole section asked for,
 * its manager domains lazy: their counts only.
 */
function managerTables(c: Ctx, users: SystemUsers): ManagerSummaries {
  const { inst, only } = c;
  const root = inst.root;
  return safe(
    () =>
      only === null
        ? c.sections
          ? new Map()
          : managerSummaries(inst, users)
        : only === `${root}#virtual`
          ? managerSummaries(inst, users, { countsOnly: c.lazy })
          : only.startsWith(`${root}#vd:`)
            ? managerSummaries(inst, users, { only: only.slice(`${root}#vd:`.length) })
            : new Map(),
    new Map(),
  );
}

/** Virtual domains: the prepend user's files, or the manager's users. */
function virtualSection(c: Ctx, users: SystemUsers, summaries: ManagerSummaries | undefined): void {
  const root = c.inst.root;
  const mgrs = summaries ?? managerTables(c, users);
  const vd = safe(() => [...c.inst.virtualdomains().map.values()], []);
  if (!vd.length || sectionNode(c, { id: `${root}#virtual`, depth: 1, text: `virtual domains  ${vd.length} line${vd.length === 1 ? '' : 's'} of control/virtualdomains`, bold: true, group: true }, `${root}#vd:`)) return;
  for (const e of vd) {
    const key = e.key.toLowerCase();
    const id = `${root}#vd:${key}`;
    if (skip(c, `${root}#virtual`, id)) continue;
    const label = `${sanitize(e.key) || '"" (catch-all)'}:${sanitize(e.value)}  (line ${e.line})`;
    const mg = mgrs.get(key);
    if (mg) managerDomainNode(c, id, key, label, e.line, mg);
    else prependNode(c, users, id, key, label, e);
  }
}

type ManagerTable = ManagerSummaries extends Map<string, infer V> ? V : never;

/** A manager's domain: domain → user → deliveries (one delivery on the user's row, several as rows of their own). */
function managerDomainNode(c: Ctx, id: string, key: string, label: string, line: number, mg: ManagerTable): void {
  const root = c.inst.root;
  const s = mg.summary;
  c.out.push({ id, depth: 2, text: `${label}  ${s ? sanitize(managerInfoText(mg.manager, s)) : managerName(mg.manager)}`, bold: true, group: true, jump: { path: `${root}/control/virtualdomains`, line }, lazy: c.lazy || undefined });
  if (c.lazy) return;
  if (!s && mg.error) c.out.push({ id: `${id}#error`, depth: 3, text: `✗ ${sanitize(mg.table)}: ${sanitize(mg.error)}`, tone: 'error', jump: { path: mg.table, line: null } });
  for (const d of s?.diagnostics ?? []) {
    c.out.push({ id: `${id}#${d.code}:${d.path}:${d.message}`, depth: 3, text: `${d.severity === 'error' ? '✗' : d.severity === 'warning' ? '!' : 'i'} ${sanitize(d.path)}: ${sanitize(d.message)}`, tone: d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warn' : 'info', jump: { path: d.path, line: d.line } });
  }
  for (const en of s?.entries ?? []) {
    const addr = en.kind === 'catch-all' ? null : `${en.name}@${key}`;
    // A user's own .qmail may hold comments; they deliver nothing.
    const dels = en.deliveries.filter((d) => !d.startsWith('#'));
    const many = dels.length > 1;
    const notes = en.notes.length ? '  ! ' + en.notes.map((n) => sanitize(n)).join('; ') : '';
    const what = many ? `${dels.length} deliveries` : dels.length === 1 ? sanitize(dels[0]) : '(no delivery)';
    const eid = `${id}/${en.kind}:${en.name}`;
    c.out.push({ id: eid, depth: 3, text: `${en.kind.padEnd(9)} ${sanitize(en.name)}  ${what}${notes}`, tone: en.notes.length ? 'warn' : undefined, group: many || undefined, jump: { path: en.path, line: null }, address: addr ?? undefined });
    if (many) dels.forEach((d, i) => c.out.push({ id: `${eid}#${i}`, depth: 4, text: `→ ${sanitize(d)}`, jump: { path: en.path, line: null }, address: addr ?? undefined }));
  }
}

/** A plain virtual domain: the prepend becomes the start of a local part ("alice-lists" → user alice, ext "lists-…"). */
function prependNode(c: Ctx, users: SystemUsers, id: string, key: string, label: string, e: { key: string; value: string; line: number }): void {
  const root = c.inst.root;
  if (e.value === '') {
    c.out.push({ id, depth: 2, text: `${label}  empty prepend: an exception, delivered remotely`, jump: { path: `${root}/control/virtualdomains`, line: e.line } });
    return;
  }
  const prepend = e.value;
  const first = prepend.split(c.breakChar)[0].toLowerCase();
  const pw = users.byName(first);
  if (!pw) {
    c.out.push({ id, depth: 2, text: `${label}  ! no passwd user "${sanitize(first)}": users/assign or the alias user takes it`, tone: 'warn', jump: { path: `${root}/control/virtualdomains`, line: e.line } });
    return;
  }
  const rest = prepend.slice(first.length + 1);
  const filePrefix = rest ? c.breakChar + rest + c.breakChar : c.breakChar;
  homeNode(c, 2, id, `${label}  → user ${sanitize(pw.name)} ${sanitize(pw.home)}`, pw.home, {
    uid: pw.uid,
    namePrefix: filePrefix,
    localOf: (n) => `${prepend}-${n.slice(('.qmail' + filePrefix).length).replace(/:/g, '.')}`,
  });
}

/** System users with .qmail files (qmail-getpw: uid not 0, home owned by the user). */
function usersSection(c: Ctx, users: SystemUsers, aliasUser: string): void {
  const root = c.inst.root;
  const sys = safe(() => users.passwd(), []).filter((p) => p.uid !== 0 && p.name !== aliasUser && p.home.startsWith('/home/'));
  if (!sys.length || sectionNode(c, { id: `${root}#users`, depth: 1, text: `system users  ${sys.length} with a home under /home`, bold: true, group: true, jump: { path: '/etc/passwd', line: null } }, `${root}#user:`)) return;
  for (const p of sys) {
    if (skip(c, `${root}#users`, `${root}#user:${p.name}`)) continue;
    const hm = safe(() => c.sysroot.stat(p.home), null);
    const owned = !hm || hm.uid === p.uid;
    const label = `${sanitize(p.name)} ${p.uid}:${p.gid} ${sanitize(p.home)}${owned ? '' : `  ! home owned by uid ${hm!.uid}: qmail-getpw passes over ${sanitize(p.name)}`}`;
    homeNode(c, 2, `${root}#user:${p.name}`, label, p.home, { uid: p.uid, namePrefix: '', localOf: (n) => `${p.name}${n.length > 7 ? c.breakChar + extOf(n) : ''}` });
    if (!owned) c.out[c.out.length - 1].tone = c.out[c.out.length - 1].tone ?? 'warn';
  }
}

/** How many branches the tree of an installation has (homes and domains): above LAZY_BRANCHES it is read lazily. */
export function branchCount(inst: Installation, users: SystemUsers): number {
  const assign = safe(() => inst.assign(), null);
  const vd = safe(() => inst.virtualdomains().map.size, 0);
  const sys = safe(() => users.passwd().length, 0);
  return (assign?.present ? assign.entries.length : 0) + vd + sys;
}

/**
 * The rows beneath one branch of a lazily built tree (its id from the lazy
 * row), read now: the home's files and lines, or the manager domain's users.
 */
export function dotqmailBranch(sysroot: Sysroot, inst: Installation, users: SystemUsers, id: string): TreeNode[] {
  const rows = dotqmailTree(sysroot, inst, users, undefined, { lazy: true, only: id });
  const at = rows.findIndex((n) => n.id === id);
  if (at < 0) return [];
  const depth = rows[at].depth;
  const out: TreeNode[] = [];
  for (let i = at + 1; i < rows.length && rows[i].depth > depth; i++) out.push(rows[i]);
  return out;
}

export { decodeBytes };
