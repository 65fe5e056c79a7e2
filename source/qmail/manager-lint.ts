// `qlens check` rules for the virtual-domain managers: the traps that make
// vpopmail and VMailMgr domains lose or misroute mail without a word.
import type { Diagnostic, Installation, SystemUsers } from './model-types.js';
import { decodeBytes } from '../sysroot/sysroot.js';
import { classifyCatchAll, vpasswdCdbEntries } from './vpopmail.js';
import { findVpopmailDomains, loadVpasswdPair, readQuiet } from './vpopmail-domain.js';
import { findVmailmgrDomains, loadVmmTable, vmmConfig, vmmEntries } from './vmailmgr.js';

function vpopmailRules(inst: Installation): Diagnostic[] {
  const out: Diagnostic[] = [];
  const domains = findVpopmailDomains(inst);
  const seenFile = new Set<string>();
  const seenDir = new Set<string>();
  for (const d of domains) {
    if (!seenFile.has(d.dotqmailDefault)) {
      seenFile.add(d.dotqmailDefault);
      out.push(...catchAllRules(d.dotqmailDefault, d.line, d.command, d.realDomain));
    }
    if (seenDir.has(d.dir)) continue;
    seenDir.add(d.dir);
    const pair = loadVpasswdPair(inst.sysroot, d.dir);
    out.push(...pair.diagnostics);
    // valias files (.qmail-NAME in D) are read by qmail-local before vdelivermail ever runs.
    const users = new Set<string>();
    if (pair.cdb?.state === 'ok') for (const e of vpasswdCdbEntries(pair.cdb)) users.add(e.name);
    else if (pair.text) for (const r of pair.text.builderRecords) users.add(r.key);
    let names: string[] = [];
    try {
      names = inst.sysroot.readdir(d.dir) ?? [];
    } catch {
      names = [];
    }
    for (const n of names) {
      if (!n.startsWith('.qmail-') || n === '.qmail-default' || n.endsWith('-default')) continue;
      const user = n.slice('.qmail-'.length).replace(/:/g, '.');
      if (users.has(user)) {
        out.push({
          path: `${d.dir}/${n}`,
          line: null,
          severity: 'warning',
          code: 'vpopmail-valias-shadows-user',
          message: `this valias shadows the vpasswd user "${user}": qmail-local uses the file for ${user}@${d.realDomain} and the user's own mailbox never receives it`,
        });
      }
    }
  }
  return out;
}

function catchAllRules(path: string, line: number, command: string, domain: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const words = splitSimple(command);
  if (words.length !== 3) {
    out.push({ path, line, severity: 'error', code: 'vpopmail-args', message: `vdelivermail needs exactly two arguments ('' and the catch-all) but gets ${words.length - 1}: every message to ${domain} defers ("invalid syntax in .qmail-default file")` });
    return out;
  }
  const arg = words[2];
  const ca = classifyCatchAll(arg);
  if (ca.kind === 'delete') {
    out.push({ path, line, severity: 'warning', code: 'vpopmail-delete-catchall', message: `catch-all "delete": mail to any unknown user at ${domain}, typos included, is accepted and silently thrown away` });
  } else if (ca.kind === 'path' && /\/Maildir\/?$/.test(arg)) {
    out.push({ path, line, severity: 'error', code: 'vpopmail-catchall-maildir', message: `catch-all path ${arg} ends in Maildir: vdelivermail treats it as a user directory and appends Maildir/ again (${ca.dir}Maildir/), so mail to unknown users defers; give the directory above it` });
  } else if (ca.kind === 'forward' && !arg.includes('@') && !arg.includes('$')) {
    out.push({ path, line, severity: 'warning', code: 'vpopmail-catchall-word', message: `catch-all "${arg}" is neither "delete" nor "bounce-no-mailbox" nor a path: vdelivermail forwards unknown users' mail to the local name "${arg}" through qmail-inject` });
  }
  return out;
}

/** Word split good enough for a vdelivermail line: blanks separate, '' and "" quote. */
function splitSimple(cmd: string): string[] {
  const out: string[] = [];
  const re = /'([^']*)'|"([^"]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(cmd)) !== null) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

function vmailmgrRules(inst: Installation, users: SystemUsers): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const d of findVmailmgrDomains(inst, users)) {
    if (seen.has(d.home)) continue;
    seen.add(d.home);
    const { table, diagnostics } = loadVmmTable(inst.sysroot, d.home);
    out.push(...diagnostics);
    if (table.state === 'absent') {
      out.push({ path: table.path, line: null, severity: 'warning', code: 'vmm-table-missing', message: `no user table: vdeliver bounces every address of the domains mapped to ${d.baseUser}` });
    }
    if (table.state === 'ok') {
      const names = new Set<string>();
      const recs = vmmEntries(table);
      for (const e of recs) names.add(e.name);
      const def = vmmConfig(inst.sysroot, d.home, 'default-username').value ?? '+';
      for (const e of recs) {
        if (!e.decoded.ok) continue;
        for (const f of e.decoded.record.forwards) {
          if (f.includes('@') || names.has(f.toLowerCase())) continue;
          out.push({
            path: table.path,
            line: null,
            severity: 'warning',
            code: 'vmm-forward-unknown',
            message: `record "${e.name}" forwards to "${f}", which is not a user of this table: the copy comes back to vdeliver and ${names.has(def) ? `goes to the "${def}" catch-all` : 'bounces as unknown'}`,
          });
        }
      }
    }
    const pe = readQuiet(inst.sysroot, `${d.home}/.vmailmgr/postmaster-email`);
    if ('buf' in pe && decodeBytes(pe.buf).split('\n')[0].trim() === 'postmaster') {
      out.push({ path: `${d.home}/.vmailmgr/postmaster-email`, line: 1, severity: 'warning', code: 'vmm-postmaster-loop', message: 'postmaster-email "postmaster" makes the postmaster aliases forward to themselves (a loop)' });
    }
  }
  return out;
}

/** Every manager trap of these installations (called by the lint module). */
export function managerLint(installs: Installation[], users: SystemUsers): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const inst of installs) {
    out.push(...vpopmailRules(inst));
    out.push(...vmailmgrRules(inst, users));
  }
  return out;
}
