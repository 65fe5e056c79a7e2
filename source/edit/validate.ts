// Validation of staged content with the same parsers qlens reads with. An
// error means qmail would refuse or misread the file (qmail-newu's "bad
// format", a .qmail whose first line is blank): such content is never
// applied. Warnings are shown and do not block.
import * as path from 'node:path';
import type { Diagnostic, PasswdEntry } from '../qmail/model-types.js';
import { parseDotQmail } from '../qmail/dotqmail.js';
import { parseAssign } from '../qmail/assign.js';
import { readListLines, colonMap, lcAscii } from '../qmail/control-readers.js';
import { CONTROL_BY_NAME, CONVENTION_FILES, nearestControlName, nearestName } from '../qmail/control.js';
import type { EditTarget } from './file-kind.js';

/** What validation may know besides the new content; without it only the content is checked. */
export interface ValidateContext {
  /** The file as it is (null: it does not exist yet, so a name qmail never reads cannot be meant). */
  before?: Buffer | null;
  /** Another file as it would be after the change (staged content first), null when absent. */
  read?: (sysPath: string) => Buffer | null;
  /** The passwd user of that name, for users/assign entries. */
  passwd?: (name: string) => PasswdEntry | null;
}

// Integer control files (reader C): a value without a leading digit keeps the default.
const INT_FILES = new Set([
  'concurrencylocal',
  'concurrencyremote',
  'queuelifetime',
  'databytes',
  'timeoutsmtpd',
  'timeoutremote',
  'timeoutconnect',
]);
// Host lists: one domain per line; a colon here is a sign of the wrong file.
const HOST_LISTS = new Set(['locals', 'rcpthosts', 'morercpthosts', 'percenthack']);
const COLON_MAPS = new Set(['virtualdomains', 'smtproutes']);

// Files of users/ that qmail's own tools read or write (qmail-newu, qmail-pw2u).
const USERS_FILES = ['assign', 'cdb', 'include', 'exclude', 'mailnames', 'subusers', 'append'];

/**
 * A path qmail never reads, under a name close to one it does: new, it
 * cannot be meant (an error); existing, a warning. Null when the name is fine.
 */
export function nameProblem(target: EditTarget, sysPath: string, isNew: boolean): Diagnostic | null {
  const base = path.posix.basename(sysPath);
  const severity = isNew ? 'error' : 'warning';
  const mk = (code: string, message: string): Diagnostic => ({ path: sysPath, line: null, severity, code, message });
  if (target.kind === 'control') {
    const name = target.name;
    if (CONTROL_BY_NAME.has(name) || CONVENTION_FILES[name]) return null;
    const best = nearestControlName(name);
    if (best) return mk('edit-name-typo', `qmail reads no file named ${name}; did you mean ${best}?`);
    // Patched qmail and add-ons read files of their own: said, not refused.
    return { path: sysPath, line: null, severity: 'info', code: 'edit-name-unknown', message: `qmail reads no file named ${name} (a patched qmail or an add-on may): its content is not checked` };
  }
  if (target.kind === 'dotqmail') {
    // qmail-local lower-cases the extension and turns its dots into colons before it looks (qmail-local.c).
    const ext = base.slice(7);
    const want = lcAscii(ext).replace(/\./g, ':');
    if (base.startsWith('.qmail-') && want !== ext) {
      const why = ext !== lcAscii(ext) ? 'qmail-local looks for lower-case names only' : 'qmail-local turns the dots of an address into colons';
      return mk('dotqmail-never-chosen', `qmail-local never reads ${base}: ${why}; did you mean .qmail-${want}?`);
    }
    return null;
  }
  if (target.kind !== 'other') return null;
  if (target.instance !== null) {
    const rel = sysPath.slice(target.instance.length + 1);
    if (rel.startsWith('users/') && !rel.slice(6).includes('/')) {
      const name = rel.slice(6);
      if (USERS_FILES.includes(name) || name.endsWith('.tmp')) return null;
      const best = nearestName(name, USERS_FILES);
      if (best) return mk('edit-name-typo', `qmail reads no file named users/${name}; did you mean users/${best}?`);
      return null;
    }
  }
  // A .qmail file written without its dot, or with another separator.
  let meant: string | null = null;
  if (/^qmail(-|$)/.test(base)) meant = '.' + base;
  else if (/^\.qmail[_.+=]/.test(base)) meant = '.qmail-' + base.slice(7);
  else if (base.length >= 6 && (base[6] === undefined || base[6] === '-') && nearestName(base.slice(0, 6), ['.qmail']) !== null && base.slice(0, 6) !== '.qmail' && base.startsWith('.')) meant = '.qmail' + base.slice(6);
  if (meant) return mk('edit-name-typo', `qmail-local reads no file named ${base}; did you mean ${meant}?`);
  return null;
}

/** Lines of a list or map that the new content has and the old did not (by their text). */
function addedLines(content: Buffer, before: Buffer | null | undefined) {
  const old = new Set((readListLines(before ?? null) ?? []).map((l) => l.text));
  return (readListLines(content) ?? []).filter((l) => !old.has(l.text));
}

export function validateContent(target: EditTarget, sysPath: string, content: Buffer, ctx: ValidateContext = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  const diag = (severity: Diagnostic['severity'], code: string, message: string, line: number | null = null) =>
    out.push({ path: sysPath, line, severity, code, message });
  const named = nameProblem(target, sysPath, ctx.before === null);
  if (named) out.push(named);
  const instanceFile = (rel: string): Buffer | null => (target.instance !== null && ctx.read ? ctx.read(`${target.instance}/${rel}`) : null);
  switch (target.kind) {
    case 'assign': {
      const parsed = parseAssign(content, sysPath);
      for (const e of parsed.errors) out.push({ ...e, severity: 'error' });
      if (!ctx.passwd || parsed.errors.length) break;
      // A new entry for a passwd user with another uid or gid runs deliveries as someone who does not own the user's files.
      const old = new Set(parseAssign(ctx.before ?? null, sysPath).entries.map((e) => `${e.kind}${e.local}:${e.user}:${e.uid}:${e.gid}`));
      for (const e of parsed.entries) {
        if (old.has(`${e.kind}${e.local}:${e.user}:${e.uid}:${e.gid}`)) continue;
        const pw = ctx.passwd(e.user);
        if (!pw || (String(pw.uid) === e.uid && String(pw.gid) === e.gid)) continue;
        diag('warning', 'assign-uid-passwd', `${e.user} is uid ${pw.uid} gid ${pw.gid} in /etc/passwd (line ${pw.line}), but this entry gives ${e.uid}:${e.gid}: qmail-local would deliver as ${e.uid}:${e.gid}`, e.line);
      }
      break;
    }
    case 'dotqmail': {
      for (const d of parseDotQmail(sysPath, content).diagnostics) out.push(d);
      break;
    }
    case 'control': {
      const name = target.name;
      const nul = content.indexOf(0);
      if (nul >= 0) {
        const line = content.subarray(0, nul).toString('latin1').split('\n').length;
        diag('error', 'control-nul', 'a NUL byte: qmail reads the line only up to it', line);
      }
      const lines = readListLines(content) ?? [];
      if (COLON_MAPS.has(name)) {
        const { noColon } = colonMap(lines);
        for (const l of noColon) diag('warning', 'control-no-colon', `no ":" in this line: qmail ignores it`, l.line);
      }
      if (HOST_LISTS.has(name)) {
        for (const l of lines) {
          if (/[\s:@]/.test(l.text)) diag('warning', 'control-host', `"${l.text}" is not a plain domain name`, l.line);
          if (l.text.endsWith('\r')) diag('warning', 'control-cr', 'line ends in a carriage return, which qmail keeps as part of the name', l.line);
        }
      }
      if (INT_FILES.has(name) && !/^[0-9]/.test(content.toString('latin1'))) {
        diag('warning', 'control-int', 'no leading digit: qmail keeps its compiled-in default', 1);
      }
      // locals wins over virtualdomains (qmail-send asks it first): a new line one of them shadows is never used.
      if (name === 'virtualdomains') {
        const locals = new Set((readListLines(instanceFile('control/locals')) ?? []).map((l) => lcAscii(l.text)));
        for (const l of addedLines(content, ctx.before)) {
          const c = l.text.indexOf(':');
          if (c < 0) continue;
          const key = lcAscii(l.text.slice(0, c));
          const domain = key.slice(key.lastIndexOf('@') + 1);
          if (domain !== '' && locals.has(domain)) diag('warning', 'locals-shadows-virtual', `${domain} is in locals, so qmail-send never reads this line: remove ${domain} from control/locals first`, l.line);
        }
      }
      if (name === 'locals') {
        const vd = colonMap(readListLines(instanceFile('control/virtualdomains')) ?? []).map;
        for (const l of addedLines(content, ctx.before)) {
          const e = vd.get(lcAscii(l.text));
          if (e && e.key !== '') diag('warning', 'locals-shadows-virtual', `${l.text} is also in virtualdomains (line ${e.line}, prepend "${e.value}"): locals wins, and that line is no longer used`, l.line);
        }
      }
      if (name === 'me' && content.toString('latin1').split('\n')[0].trim() === '') {
        diag('error', 'control-me-empty', 'control/me would be empty: locals, bouncehost and more fall back to it');
      }
      break;
    }
    case 'derived':
      diag('error', 'edit-derived', `${target.name} is compiled by qmail, not edited: edit its source file instead`);
      break;
    case 'other':
      diag('info', 'edit-unknown', 'qlens does not know this file: its content is not checked');
      break;
  }
  return out;
}

export function hasErrors(diags: Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}
