// The common edits as pure functions from the files as they are to the
// files as they would be: add or remove a virtual domain (virtualdomains
// and rcpthosts together), add a users/assign entry, create a .qmail-EXT.
// Each returns the edit requests to stage, or a one-line reason it cannot.
import { lcAscii } from '../../qmail/control-readers.js';

export type FormKind = 'addDomain' | 'removeDomain' | 'addAssign' | 'createDotqmail';

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
  addAssign: 'Add a users/assign entry',
  createDotqmail: 'Create a .qmail-EXT file',
};

export function formFields(kind: FormKind, prefill: Record<string, string> = {}): FormField[] {
  const f = (name: string, label: string, hint?: string): FormField => ({ name, label, value: prefill[name] ?? '', hint });
  switch (kind) {
    case 'addDomain':
      return [f('domain', 'domain', 'e.g. example.org'), f('prepend', 'prepend (user)', 'the local user or prefix that receives it, e.g. alice')];
    case 'removeDomain':
      return [f('domain', 'domain')];
    case 'addAssign':
      return [
        f('local', 'local part', 'the address before @ (after any virtual-domain prepend)'),
        f('user', 'user'),
        f('uid', 'uid'),
        f('gid', 'gid'),
        f('home', 'home directory'),
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
  instance: string;
}

function values(fields: FormField[]): Record<string, string> {
  return Object.fromEntries(fields.map((f) => [f.name, f.value.trim()]));
}

export function submitForm(kind: FormKind, fields: FormField[], files: FormFiles): FormResult {
  const v = values(fields);
  const vdPath = `${files.instance}/control/virtualdomains`;
  const rhPath = `${files.instance}/control/rcpthosts`;
  switch (kind) {
    case 'addDomain': {
      if (!DOMAIN.test(v.domain)) return { ok: false, message: `"${v.domain}" is not a domain name` };
      if (!v.prepend || /[\s:@]/.test(v.prepend)) return { ok: false, message: 'the prepend must be a user or prefix without blanks, ":" or "@"' };
      const vd = lines(files.read(vdPath));
      const key = lcAscii(v.domain);
      if (vd.some((l) => lcAscii(l.split(':')[0]) === key && l.includes(':'))) return { ok: false, message: `${v.domain} is already in ${vdPath}` };
      const edits: QuickEdit[] = [{ path: vdPath, content: joinLines([...vd, `${v.domain}:${v.prepend}`]) }];
      const rh = lines(files.read(rhPath));
      if (!rh.some((l) => lcAscii(l.trim()) === key)) edits.push({ path: rhPath, content: joinLines([...rh, v.domain]) });
      return { ok: true, edits, summary: `add ${v.domain} → ${v.prepend}` };
    }
    case 'removeDomain': {
      const key = lcAscii(v.domain);
      if (!key) return { ok: false, message: 'which domain?' };
      const vd = lines(files.read(vdPath));
      const keepVd = vd.filter((l) => !(l.includes(':') && lcAscii(l.split(':')[0]) === key));
      const rh = lines(files.read(rhPath));
      const keepRh = rh.filter((l) => lcAscii(l.trim()) !== key);
      if (keepVd.length === vd.length && keepRh.length === rh.length) return { ok: false, message: `${v.domain} is in neither ${vdPath} nor ${rhPath}` };
      const edits: QuickEdit[] = [];
      if (keepVd.length !== vd.length) edits.push({ path: vdPath, content: joinLines(keepVd) });
      if (keepRh.length !== rh.length) edits.push({ path: rhPath, content: joinLines(keepRh) });
      return { ok: true, edits, summary: `remove ${v.domain}` };
    }
    case 'addAssign': {
      for (const n of ['local', 'user', 'uid', 'gid', 'home']) if (!v[n]) return { ok: false, message: `${n} is required` };
      if (!/^\d+$/.test(v.uid) || !/^\d+$/.test(v.gid)) return { ok: false, message: 'uid and gid are numbers' };
      if (!v.home.startsWith('/')) return { ok: false, message: 'the home directory is an absolute path' };
      if ([v.local, v.user, v.home, v.dash, v.ext].some((x) => x.includes(':') || x.includes('\n'))) return { ok: false, message: 'no field may hold ":"' };
      const path = `${files.instance}/users/assign`;
      const cur = lines(files.read(path));
      // Entries go before the terminating "." line (qmail-newu ignores everything after it).
      const dot = cur.findIndex((l) => l.startsWith('.'));
      const body = dot < 0 ? cur : cur.slice(0, dot);
      const tail = dot < 0 ? ['.'] : cur.slice(dot);
      const entry = `=${v.local}:${v.user}:${v.uid}:${v.gid}:${v.home}:${v.dash}:${v.ext}:`;
      return { ok: true, edits: [{ path, content: joinLines([...body, entry, ...tail]) }], summary: `assign ${v.local} → ${v.user}` };
    }
    case 'createDotqmail': {
      if (!v.home.startsWith('/')) return { ok: false, message: 'the home directory is an absolute path' };
      if (!/^[^/\s]+$/.test(v.ext)) return { ok: false, message: 'the extension is one file-name part without "/" or blanks' };
      if (!v.delivery) return { ok: false, message: 'a delivery line is required' };
      const path = `${v.home.replace(/\/+$/, '')}/.qmail-${v.ext}`;
      if (files.read(path) !== null) return { ok: false, message: `${path} exists already: edit it with e instead` };
      return { ok: true, edits: [{ path, content: Buffer.from(v.delivery + '\n') }], summary: `create ${path}` };
    }
  }
}
