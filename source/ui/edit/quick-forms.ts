// The common edits as pure functions from the files as they are to the
// files as they would be: add or remove a virtual domain (virtualdomains
// and rcpthosts together), remove a local domain (locals and rcpthosts),
// add a users/assign entry, create a .qmail-EXT. Each returns the edit
// requests to stage, or a one-line reason it cannot: a form refuses what
// cannot be meant (a locals domain offered as a virtual one, a uid that is
// not the passwd user's) rather than stage it.
import { lcAscii } from '../../qmail/control-readers.js';
import { parsePasswd } from '../../qmail/passwd.js';
import type { PasswdEntry } from '../../qmail/model-types.js';

export type FormKind = 'addDomain' | 'removeDomain' | 'removeLocal' | 'addAssign' | 'createDotqmail';

export interface FormField {
  name: string;
  label: string;
  value: string;
  /** One line of help under the field. */
  hint?: string;
}

export interface QuickEdit {
  path: string;
  content: Buffer;
}

export type FormResult = { ok: true; edits: QuickEdit[]; summary: string } | { ok: false; message: string };

export const FORM_TITLES: Record<FormKind, string> = {
  addDomain: 'Add a virtual domain (virtualdomains + rcpthosts)',
  removeDomain: 'Remove a virtual domain (virtualdomains + rcpthosts)',
  removeLocal: 'Remove a local domain (locals + rcpthosts)',
  addAssign: 'Add a users/assign entry',
  createDotqmail: 'Create a .qmail-EXT file',
};

const UID_HINT = 'empty: the uid /etc/passwd gives the user';

export function formFields(kind: FormKind, prefill: Record<string, string> = {}): FormField[] {
  const f = (name: string, label: string, hint?: string): FormField => ({ name, label, value: prefill[name] ?? '', hint });
  switch (kind) {
    case 'addDomain':
      return [f('domain', 'domain', 'e.g. example.org'), f('prepend', 'prepend (user)', 'the local user or prefix that receives it, e.g. alice')];
    case 'removeDomain':
      return [f('domain', 'domain', 'a domain key of control/virtualdomains')];
    case 'removeLocal':
      return [f('domain', 'domain', 'a line of control/locals')];
    case 'addAssign':
      return [
        f('local', 'local part', 'the address before @ (after any virtual-domain prepend)'),
        f('user', 'user', 'a passwd user fills uid, gid and home'),
        f('uid', 'uid', UID_HINT),
        f('gid', 'gid', 'empty: the gid /etc/passwd gives the user'),
        f('home', 'home directory', 'empty: the home /etc/passwd gives the user'),
        f('dash', 'dash', 'empty, or - to allow extensions'),
        f('ext', 'ext'),
      ];
    case 'createDotqmail':
      return [f('home', 'home directory', 'e.g. /home/alice'), f('ext', 'extension', 'lists → .qmail-lists'), f('delivery', 'delivery line', './Maildir/  or  &someone@example.org  or  ./Mailbox')];
  }
}

const DOMAIN = /^\.?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

function lines(text: string | null): string[] {
  if (!text) return [];
  const l = text.split('\n');
  if (l[l.length - 1] === '') l.pop();
  return l;
}

function joinLines(l: string[]): Buffer {
  return Buffer.from(l.length ? l.join('\n') + '\n' : '');
}

export interface FormFiles {
  /** Current text of a system path, or null when absent. */
  read: (sysPath: string) => string | null;
  /** Whether a path (a directory) exists; unknown when not given. */
  exists?: (sysPath: string) => boolean;
  instance: string;
}

function values(fields: FormField[]): Record<string, string> {
  return Object.fromEntries(fields.map((f) => [f.name, f.value.trim()]));
}

/** A list file's line as qmail keeps it (trailing blanks dropped), lower-cased for comparing. */
const listKey = (l: string): string => lcAscii(l.replace(/[ \t]+$/, ''));
/** The key of a virtualdomains line, lower-cased; null for a line without a colon (qmail ignores it). */
const vdKey = (l: string): string | null => (l.includes(':') ? lcAscii(l.slice(0, l.indexOf(':'))) : null);

/** Where a domain is named in an installation's control files, line numbers 1-based. */
interface DomainPlaces {
  locals: { present: boolean; lines: number[] };
  /** The domain's own key lines. */
  virtual: number[];
  /** `user@domain` key lines. */
  users: number[];
  /** A `.suffix` line that covers it (no exact line). */
  wildcard: { key: string; line: number } | null;
  rcpthosts: number[];
  rcptSuffix: { key: string; line: number } | null;
  morercpthosts: number[];
}

function placesOf(key: string, files: FormFiles): DomainPlaces {
  const ctl = `${files.instance}/control`;
  const localsText = files.read(`${ctl}/locals`);
  const at = (name: string, test: (l: string) => boolean): number[] => lines(files.read(`${ctl}/${name}`)).flatMap((l, i) => (test(l) ? [i + 1] : []));
  const vd = lines(files.read(`${ctl}/virtualdomains`));
  let wildcard: DomainPlaces['wildcard'] = null;
  let rcptSuffix: DomainPlaces['rcptSuffix'] = null;
  for (let i = key.indexOf('.'); i > 0 && !wildcard; i = key.indexOf('.', i + 1)) {
    const suffix = key.slice(i);
    const n = vd.findIndex((l) => vdKey(l) === suffix);
    if (n >= 0) wildcard = { key: suffix, line: n + 1 };
  }
  const rh = lines(files.read(`${ctl}/rcpthosts`));
  for (let i = key.indexOf('.'); i > 0 && !rcptSuffix; i = key.indexOf('.', i + 1)) {
    const n = rh.findIndex((l) => listKey(l) === key.slice(i));
    if (n >= 0) rcptSuffix = { key: key.slice(i), line: n + 1 };
  }
  return {
    locals: { present: localsText !== null, lines: at('locals', (l) => listKey(l) === key) },
    virtual: at('virtualdomains', (l) => vdKey(l) === key),
    users: at('virtualdomains', (l) => {
      const k = vdKey(l);
      return k !== null && k.includes('@') && k.slice(k.lastIndexOf('@') + 1) === key;
    }),
    wildcard,
    rcpthosts: at('rcpthosts', (l) => listKey(l) === key),
    rcptSuffix,
    morercpthosts: at('morercpthosts', (l) => listKey(l) === key),
  };
}

const lineWords = (name: string, ls: number[]): string => `${name} line${ls.length > 1 ? 's' : ''} ${ls.join(', ')}`;

/** Drop the given 1-based lines of a file. */
function without(files: FormFiles, rel: string, drop: number[]): QuickEdit {
  const p = `${files.instance}/${rel}`;
  const keep = lines(files.read(p)).filter((_, i) => !drop.includes(i + 1));
  return { path: p, content: joinLines(keep) };
}

/**
 * The rcpthosts and morercpthosts lines of a domain, removed unless qmail
 * still delivers the domain here (`keepWhy`): qmail-smtpd would then refuse
 * mail that qmail-send delivers.
 */
function acceptanceEdits(pl: DomainPlaces, files: FormFiles, keepWhy: string | null): { edits: QuickEdit[]; words: string[] } {
  const edits: QuickEdit[] = [];
  const words: string[] = [];
  if (keepWhy) {
    if (pl.rcpthosts.length || pl.morercpthosts.length) words.push(`kept in rcpthosts: ${keepWhy}`);
    return { edits, words };
  }
  if (pl.rcpthosts.length) {
    edits.push(without(files, 'control/rcpthosts', pl.rcpthosts));
    words.push(lineWords('rcpthosts', pl.rcpthosts));
  }
  if (pl.morercpthosts.length) {
    edits.push(without(files, 'control/morercpthosts', pl.morercpthosts));
    words.push(lineWords('morercpthosts', pl.morercpthosts));
  }
  if (pl.rcptSuffix) words.push(`qmail-smtpd still accepts it through ${pl.rcptSuffix.key} (rcpthosts line ${pl.rcptSuffix.line})`);
  return { edits, words };
}

function removeVirtual(domain: string, files: FormFiles): FormResult {
  const key = lcAscii(domain);
  if (!key) return { ok: false, message: 'which domain?' };
  const pl = placesOf(key, files);
  if (pl.virtual.length === 0) {
    if (pl.locals.lines.length) return { ok: false, message: `${domain} is in locals, not in virtualdomains: "Remove a local domain" removes it` };
    if (pl.wildcard) return { ok: false, message: `${domain} has no line of its own in virtualdomains: the wildcard line ${pl.wildcard.key} (line ${pl.wildcard.line}) covers it` };
    if (pl.users.length) return { ok: false, message: `${domain} is in virtualdomains only as user@${domain} keys (line${pl.users.length > 1 ? 's' : ''} ${pl.users.join(', ')}): edit control/virtualdomains with e` };
    if (pl.rcpthosts.length || pl.morercpthosts.length) return { ok: false, message: `${domain} is not in virtualdomains: it is only in rcpthosts (qmail-smtpd accepts it, qmail-send delivers it remotely)` };
    return { ok: false, message: `${domain} is in neither control/virtualdomains nor control/locals` };
  }
  const drop = [...pl.virtual, ...pl.users].sort((a, b) => a - b);
  const edits = [without(files, 'control/virtualdomains', drop)];
  // Shadowed by locals, the domain is still delivered here: qmail-smtpd must keep accepting it.
  const acc = acceptanceEdits(pl, files, pl.locals.lines.length ? `${domain} is in locals too` : null);
  edits.push(...acc.edits);
  const words = [lineWords('virtualdomains', drop), ...acc.words];
  return { ok: true, edits, summary: `remove virtual domain ${domain} (${words.join('; ')})` };
}

function removeLocal(domain: string, files: FormFiles): FormResult {
  const key = lcAscii(domain);
  if (!key) return { ok: false, message: 'which domain?' };
  const pl = placesOf(key, files);
  if (!pl.locals.present) {
    const me = lines(files.read(`${files.instance}/control/me`))[0] ?? null;
    return { ok: false, message: `there is no control/locals: qmail-send takes control/me${me ? ` (${me})` : ''} as the only local domain; edit control/locals with e to list others` };
  }
  if (pl.locals.lines.length === 0) {
    if (pl.virtual.length || pl.wildcard) return { ok: false, message: `${domain} is in virtualdomains, not in locals: "Remove a virtual domain" removes it` };
    if (pl.rcpthosts.length || pl.morercpthosts.length) return { ok: false, message: `${domain} is not in locals: it is only in rcpthosts (qmail-smtpd accepts it, qmail-send delivers it remotely)` };
    return { ok: false, message: `${domain} is in neither control/locals nor control/virtualdomains` };
  }
  const edits = [without(files, 'control/locals', pl.locals.lines)];
  // Once out of locals, a virtualdomains line for it takes over: still delivered here.
  const vdWhy = pl.virtual.length ? `virtualdomains line ${pl.virtual[0]} delivers it once it leaves locals` : pl.wildcard ? `the virtualdomains wildcard ${pl.wildcard.key} delivers it once it leaves locals` : null;
  const acc = acceptanceEdits(pl, files, vdWhy);
  edits.push(...acc.edits);
  const words = [lineWords('locals', pl.locals.lines), ...acc.words];
  return { ok: true, edits, summary: `remove local domain ${domain} (${words.join('; ')})` };
}

function passwdUser(files: FormFiles, name: string): PasswdEntry | null {
  const text = files.read('/etc/passwd');
  if (text === null || name === '') return null;
  // getpwnam: the first line with the name.
  return parsePasswd(text).entries.find((e) => e.name === name) ?? null;
}

/**
 * What the form can fill in itself once a field is done: a users/assign
 * entry for a passwd user takes its uid, gid and home from /etc/passwd.
 */
export function completeForm(kind: FormKind, fields: FormField[], files: FormFiles): FormField[] {
  if (kind !== 'addAssign') return fields;
  const v = values(fields);
  const pw = passwdUser(files, v.user);
  if (!pw) return fields;
  const from: Record<string, string> = { uid: String(pw.uid), gid: String(pw.gid), home: pw.home };
  return fields.map((f) => (f.name in from && f.value.trim() === '' ? { ...f, value: from[f.name], hint: `from /etc/passwd line ${pw.line} (user ${pw.name})` } : f));
}

function addAssign(fields: FormField[], files: FormFiles): FormResult {
  const v = values(completeForm('addAssign', fields, files));
  for (const n of ['local', 'user']) if (!v[n]) return { ok: false, message: `${n} is required` };
  const pw = passwdUser(files, v.user);
  if (pw) {
    // The entry runs deliveries as uid:gid; another uid than the user's own cannot read or write the user's mailbox.
    if (v.uid !== String(pw.uid)) return { ok: false, message: `${pw.name} is uid ${pw.uid} in /etc/passwd (line ${pw.line}), not ${v.uid}: leave uid empty to take it` };
    if (v.gid !== String(pw.gid)) return { ok: false, message: `${pw.name} is gid ${pw.gid} in /etc/passwd (line ${pw.line}), not ${v.gid}: leave gid empty to take it` };
  }
  for (const n of ['uid', 'gid', 'home']) if (!v[n]) return { ok: false, message: `${n} is required (${v.user} is not in /etc/passwd)` };
  if (!/^\d+$/.test(v.uid) || !/^\d+$/.test(v.gid)) return { ok: false, message: 'uid and gid are numbers' };
  if (Number(v.uid) === 0) return { ok: false, message: 'uid 0: qmail-lspawn never delivers as root ("Not allowed to perform deliveries as root.")' };
  if (!v.home.startsWith('/')) return { ok: false, message: 'the home directory is an absolute path' };
  if ([v.local, v.user, v.home, v.dash, v.ext].some((x) => x.includes(':') || x.includes('\n'))) return { ok: false, message: 'no field may hold ":"' };
  const path = `${files.instance}/users/assign`;
  const cur = lines(files.read(path));
  // Entries go before the terminating "." line (qmail-newu ignores everything after it).
  const dot = cur.findIndex((l) => l.startsWith('.'));
  const body = dot < 0 ? cur : cur.slice(0, dot);
  const tail = dot < 0 ? ['.'] : cur.slice(dot);
  const same = body.findIndex((l) => !l.startsWith('+') && l.includes(':') && lcAscii(l.slice(1, l.indexOf(':'))) === lcAscii(v.local));
  if (same >= 0) return { ok: false, message: `=${v.local} is already users/assign line ${same + 1}: qmail-lspawn takes the first, a second line would never be used` };
  const entry = `=${v.local}:${v.user}:${v.uid}:${v.gid}:${v.home}:${v.dash}:${v.ext}:`;
  return { ok: true, edits: [{ path, content: joinLines([...body, entry, ...tail]) }], summary: `assign ${v.local} → ${v.user} ${v.uid}:${v.gid}` };
}

function createDotqmail(v: Record<string, string>, files: FormFiles): FormResult {
  if (!v.home.startsWith('/')) return { ok: false, message: 'the home directory is an absolute path' };
  const home = v.home.replace(/\/+$/, '');
  if (files.exists && !files.exists(home)) return { ok: false, message: `${home} does not exist: qmail-local could not read a file there` };
  if (!/^[^/\s]+$/.test(v.ext)) return { ok: false, message: 'the extension is one file-name part without "/" or blanks' };
  if (!v.delivery) return { ok: false, message: 'a delivery line is required' };
  // qmail-local looks for the lower-cased extension with its dots as colons: the name it would read.
  const ext = lcAscii(v.ext).replace(/\./g, ':');
  const path = `${home}/.qmail-${ext}`;
  if (files.read(path) !== null) return { ok: false, message: `${path} exists already: edit it with e instead` };
  const why = ext === v.ext ? '' : ` (qmail-local reads .qmail-${ext} for ${v.ext}: lower case, dots as colons)`;
  return { ok: true, edits: [{ path, content: Buffer.from(v.delivery + '\n') }], summary: `create ${path}${why}` };
}

export function submitForm(kind: FormKind, fields: FormField[], files: FormFiles): FormResult {
  const v = values(fields);
  const vdPath = `${files.instance}/control/virtualdomains`;
  const rhPath = `${files.instance}/control/rcpthosts`;
  switch (kind) {
    case 'addDomain': {
      if (!DOMAIN.test(v.domain)) return { ok: false, message: `"${v.domain}" is not a domain name` };
      if (!v.prepend || /[\s:@]/.test(v.prepend)) return { ok: false, message: 'the prepend must be a user or prefix without blanks, ":" or "@"' };
      const key = lcAscii(v.domain);
      const pl = placesOf(key, files);
      if (pl.virtual.length) return { ok: false, message: `${v.domain} is already in ${vdPath} (line ${pl.virtual[0]})` };
      // qmail-send asks locals first: the new line would never be read.
      if (pl.locals.lines.length) return { ok: false, message: `${v.domain} is in locals (line ${pl.locals.lines[0]}): locals wins, so a virtualdomains line for it would never be used` };
      const edits: QuickEdit[] = [{ path: vdPath, content: joinLines([...lines(files.read(vdPath)), `${v.domain}:${v.prepend}`]) }];
      if (!pl.rcpthosts.length && !pl.morercpthosts.length && !pl.rcptSuffix) edits.push({ path: rhPath, content: joinLines([...lines(files.read(rhPath)), v.domain]) });
      return { ok: true, edits, summary: `add ${v.domain} → ${v.prepend}` };
    }
    case 'removeDomain':
      return removeVirtual(v.domain, files);
    case 'removeLocal':
      return removeLocal(v.domain, files);
    case 'addAssign':
      return addAssign(fields, files);
    case 'createDotqmail':
      return createDotqmail(v, files);
  }
}
