// vpopmail as a manager plug-in (qmail/manager-types.ts): its domains
// (findVpopmailDomains), their users and valiases, the traps `qlens check`
// names, and vdelivermail, followed by trace/vpopmail.ts.
import type { Diagnostic, Installation } from './model-types.js';
import type { ManagerDescriptor, ManagerDomain } from './manager-types.js';
import { classifyCatchAll, vpasswdCdbEntries } from './vpopmail.js';
import { findVpopmailDomains, loadVpasswdPair, summarizeVpopmailDomain, type VpopmailDomainInfo } from './vpopmail-domain.js';
import { commandWords, programArgv, programBase } from './program-line.js';

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
  const words = commandWords(command);
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

export const vpopmail: ManagerDescriptor = {
  kind: 'vpopmail',
  name: 'vpopmail',
  short: 'vpop',
  program: 'vdelivermail',
  detect: (argv) => programBase(programArgv(argv)[0] ?? '') === 'vdelivermail',
  findDomains: (inst): ManagerDomain[] => findVpopmailDomains(inst).map((d) => ({ key: d.domain, table: `${d.dir}/vpasswd.cdb`, info: d })),
  summarize: (inst, d, opts) => summarizeVpopmailDomain(inst.sysroot, d.info as VpopmailDomainInfo, opts),
  lint: (inst) => vpopmailRules(inst),
  notCounted: (row) => `no users/cdb record "+${row.domain}-" whose home's .qmail-default runs vdelivermail, with a virtualdomains prepend equal to the domain`,
  traceModule: 'vpopmail.js',
};
