// VMailMgr as a manager plug-in (qmail/manager-types.ts): the domains whose
// prepend names a base user with a vdeliver ~/.qmail-default, the users and
// aliases of its passwd.cdb, the traps `qlens check` names, and vdeliver,
// followed by trace/vmailmgr.ts.
import type { Diagnostic, Installation, SystemUsers } from './model-types.js';
import type { ManagerDescriptor, ManagerDomain } from './manager-types.js';
import { decodeBytes } from '../sysroot/sysroot.js';
import { findVmailmgrDomains, loadVmmTable, summarizeVmailmgrDomain, vmmConfig, vmmEntries, type VmailmgrDomainInfo } from './vmailmgr.js';
import { lcAscii } from './control-readers.js';
import { readQuiet } from './quiet-read.js';
import { programArgv, programBase } from './program-line.js';

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

export const vmailmgr: ManagerDescriptor = {
  kind: 'vmailmgr',
  name: 'VMailMgr',
  short: 'vmm',
  program: 'vdeliver',
  detect: (argv) => programBase(programArgv(argv)[0] ?? '') === 'vdeliver',
  findDomains: (inst, users): ManagerDomain[] => (users ? findVmailmgrDomains(inst, users).map((d) => ({ key: lcAscii(d.domain), table: d.table, info: d })) : []),
  summarize: (inst, d) => summarizeVmailmgrDomain(inst.sysroot, d.info as VmailmgrDomainInfo),
  lint: (inst, users) => vmailmgrRules(inst, users),
  notCounted: (row) => `no passwd user "${row.virtual ?? ''}" whose ~/.qmail-default runs vdeliver`,
  traceModule: 'vmailmgr.js',
};
