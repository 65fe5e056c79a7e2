// The parts of a session that take seconds on a big host (every check, the
// veil detector, the .qmail tree, the domain matrix with managers named).
// They run in a worker thread (load-worker.ts) so the terminal answers keys
// while they are computed; `computeHeavyParts` is the same work inline, for
// when a worker cannot be started.
import { Sysroot } from '../sysroot/sysroot.js';
import { errorText } from './error-text.js';
import { stuckTodoRule } from '../checks/stuck-todo.js';
import { loadInstallation, systemUsersOf, type LoadedInstallation } from '../qmail/installation.js';
import { domainMatrix, managerSummaries, type ManagerInfo, type ManagerSummaries } from '../qmail/domains.js';
import type { ManagerKind } from '../qmail/manager-types.js';
import { lintInstallations, type LintRule } from '../qmail/lint.js';
import { findLeaks, veilProblemsFromLeaks, type Leak } from '../veil/index.js';
import { sanitize } from '../text/sanitize.js';
import { dotqmailTree, branchCount, LAZY_BRANCHES, type TreeNode } from './dotqmail-tree.js';
import type { Diagnostic } from '../qmail/model-types.js';
import { domainErrors, type DomainErrors } from './domain-marks.js';

/**
 * What the managers' pass adds to the first pass's domain matrix (loader.ts
 * withManagers): the rows whose virtual target is a manager's, by domain.
 */
export type DomainManagers = Array<{ domain: string; manager: ManagerKind; managerInfo?: ManagerInfo }>;

export type HeavyMessage =
  | { part: 'problems'; value: Diagnostic[] }
  | { part: 'domainErrors'; value: DomainErrors }
  | { part: 'veil'; value: Leak[] }
  | { part: 'managers'; root: string; value: DomainManagers }
  | { part: 'dotqmail'; value: Record<string, TreeNode[]> }
  | { part: 'step'; text: string }
  | { part: 'error'; text: string }
  | { part: 'done' };

export interface HeavyRequest {
  sysrootDir: string;
  roots: string[];
  /**
   * Which part: 'names' (managers, domain matrix, .qmail tree), 'veil' (the
   * veil search) or 'checks' (qlens check). The veil search and the checks
   * allocate fast: the loader runs each in a worker of its own, one after the
   * other once the queue scan is over, so no worker's garbage sits beside
   * another's. Default all three.
   */
  parts?: 'names' | 'veil' | 'checks';
  /** The leaks a 'veil' worker found: the checks' veil rule takes them instead of looking again. */
  leaks?: Leak[];
  /** The time the checks judge ages at (a message stuck in todo/); default now. */
  now?: number;
}

function safeCount(f: () => number): number {
  try {
    return f();
  } catch {
    return 0;
  }
}

/**
 * File contents the workers keep for re-reads. The checks and the managers'
 * names read each virtual domain's vpasswd (thousands on a big host) once or
 * twice: holding every one for the worker's life cost tens of megabytes.
 */
const READ_CACHE_BYTES = 4 * 1024 * 1024;

export function computeHeavyParts(req: HeavyRequest, post: (m: HeavyMessage) => void): void {
  const sysroot = new Sysroot(req.sysrootDir, { readCacheBytes: READ_CACHE_BYTES, instances: req.roots });
  const users = systemUsersOf(sysroot);
  const installs = req.roots.map((r) => loadInstallation(sysroot, r));
  if (req.parts === undefined || req.parts === 'names') computeNames(sysroot, installs, users, post);
  let leaks = req.leaks;
  if (req.parts === 'veil' || (req.parts !== 'names' && !leaks)) leaks = computeVeil(sysroot, installs, users, post);
  if (req.parts === undefined || req.parts === 'checks') computeChecks(sysroot, installs, users, leaks ?? [], req.now ?? Date.now(), post);
  post({ part: 'done' });
}

function computeNames(sysroot: Sysroot, installs: LoadedInstallation[], users: ReturnType<typeof systemUsersOf>, post: (m: HeavyMessage) => void): void {
  // Each manager domain's table is read once, for both the Domains counts and the Dot-qmail users.
  const summaries = new Map<string, ManagerSummaries>();
  // A big host's tree is read branch by branch when opened: then only the managers' counts are needed now.
  const lazy = new Map(installs.map((i) => [i.root, safeCount(() => branchCount(i, users)) > LAZY_BRANCHES]));
  for (const inst of installs) {
    post({ part: 'step', text: `naming the managers of ${inst.root}'s domains` });
    try {
      // A lazy tree lists no manager users now: only the counts are kept, each domain's entries dropped as it is read.
      const sums = managerSummaries(inst, users, { countsOnly: lazy.get(inst.root), noEntries: lazy.get(inst.root) });
      summaries.set(inst.root, sums);
      const value: DomainManagers = [];
      for (const r of domainMatrix(inst, users, { summaries: sums }).domains) {
        if (r.manager) value.push(r.managerInfo ? { domain: r.domain, manager: r.manager, managerInfo: r.managerInfo } : { domain: r.domain, manager: r.manager });
      }
      post({ part: 'managers', root: inst.root, value });
    } catch (e) {
      post({ part: 'error', text: `${sanitize(inst.root)}: domains: ${errorText(e)}` });
    }
  }
  const trees: Record<string, TreeNode[]> = {};
  for (const inst of installs) {
    post({ part: 'step', text: `reading .qmail files of ${inst.root}` });
    try {
      trees[inst.root] = dotqmailTree(sysroot, inst, users, summaries.get(inst.root), { lazy: lazy.get(inst.root) });
    } catch (e) {
      post({ part: 'error', text: `${sanitize(inst.root)}: .qmail tree: ${errorText(e)}` });
    }
    summaries.delete(inst.root);
  }
  post({ part: 'dotqmail', value: trees });
}

/** The veil leaks, posted; empty when the search failed (the error is posted). */
function computeVeil(sysroot: Sysroot, installs: LoadedInstallation[], users: ReturnType<typeof systemUsersOf>, post: (m: HeavyMessage) => void): Leak[] {
  post({ part: 'step', text: 'looking for veil leaks' });
  try {
    const leaks = findLeaks(installs, users, sysroot);
    post({ part: 'veil', value: leaks });
    return leaks;
  } catch (e) {
    post({ part: 'error', text: `veil: ${errorText(e)}` });
    return [];
  }
}

function computeChecks(sysroot: Sysroot, installs: LoadedInstallation[], users: ReturnType<typeof systemUsersOf>, leaks: Leak[], now: number, post: (m: HeavyMessage) => void): void {
  post({ part: 'step', text: 'checking (qlens check)' });
  // The same checks as `qlens check`, veil leaks that break mail included: those
  // from the leaks already found, as qlens check's veil rule would find them again.
  // (With one installation the leaks are only its programs built for another home: errors all the same.)
  const veilRule: LintRule = () => veilProblemsFromLeaks(leaks);
  try {
    // The file-system layer's own problems (a bad .fsmeta line, a FIFO at /etc/passwd, a file too large) too, as qlens check lists them.
    const problems = [...lintInstallations(installs, users, [veilRule, stuckTodoRule(now)]), ...sysroot.takeProblems()];
    post({ part: 'problems', value: problems });
    // Which domains those errors concern, after the Problems view has them (it traces each domain).
    post({ part: 'step', text: 'marking the domains check has errors for' });
    post({ part: 'domainErrors', value: domainErrors(installs, users, problems) });
  } catch (e) {
    post({ part: 'error', text: `check: ${errorText(e)}` });
  }
}
