// Which queue a copy really enters, and so which installation's qmail-send
// delivers it: by the homes compiled into the programs on its way
// (qmail/binaries.ts), not by the directory they sit in. qmail.o's
// qmail_open changes to the injecting program's home and runs
// bin/qmail-queue there; qmail-queue changes to its own home and writes
// queue/; the qmail-send that reads that queue reads that home's control/.
// A copy of /var/qmail in /var/qmail4 that was never rebuilt therefore puts
// /var/qmail4's mail into /var/qmail/queue, and /var/qmail decides it.
// Nothing changes where no program could be read (a fixture without bin/).
import type { Sysroot } from '../sysroot/sysroot.js';
import type { Installation } from '../qmail/model-types.js';
import { homeReader, queueRoute, type HomeReader, type ProgramHome } from '../qmail/binaries.js';
import { loadInstallation } from '../qmail/installation.js';
import type { TraceStep } from './types.js';

/** How the copy reaches a queue: over SMTP (or injected: the first copy), forwarded by qmail-local, or already queued (--channel). */
export type Arrival = 'smtp' | 'forward' | 'queued';

export interface QueueEntry {
  /** The installation whose qmail-send delivers the copy. */
  inst: Installation;
  /** The queue directory that receives it, when the programs told. */
  queue: string | null;
  steps: TraceStep[];
  /** The copy is never queued, or never delivered, and why (a defer). */
  defer?: string;
}

/** One reader per sysroot: a queue listing traces thousands of addresses over the same programs. */
const readers = new WeakMap<Sysroot, { roots: string; reader: HomeReader }>();

function readerFor(sysroot: Sysroot, roots: string[]): HomeReader {
  const key = roots.join('\0');
  const hit = readers.get(sysroot);
  if (hit && hit.roots === key) return hit.reader;
  const reader = homeReader(sysroot, roots);
  readers.set(sysroot, { roots: key, reader });
  return reader;
}

function exists(sysroot: Sysroot, path: string, kind: 'file' | 'dir'): boolean {
  try {
    return sysroot.stat(path)?.kind === kind;
  } catch {
    return false;
  }
}

/**
 * The other home an installation's qmail-send was built for, whose control/ it reads instead of its own;
 * null when it carries its own root or nothing could be read.
 */
export function sendHome(inst: Installation, others: readonly Installation[]): string | null {
  const path = `${inst.root}/bin/qmail-send`;
  if (!exists(inst.sysroot, path, 'file')) return null;
  const home = readerFor(inst.sysroot, [inst, ...others.filter((o) => o.root !== inst.root)].map((i) => i.root)).program(path).home;
  return home !== null && home !== inst.root ? home : null;
}

const built = (p: ProgramHome): string =>
  `${p.realPath ?? p.path}${p.home ? ` (built for ${p.home})` : p.kind === 'missing' ? ' (not there)' : ' (no home found in it)'}`;

/** The copy's entry into a queue: where it lands and which installation delivers it. */
export function enterQueue(inst: Installation, arrival: Arrival, others: Installation[]): QueueEntry {
  const sysroot = inst.sysroot;
  const all = [inst, ...others.filter((o) => o.root !== inst.root)];
  const reader = readerFor(sysroot, all.map((i) => i.root));
  const bin = `${inst.root}/bin`;
  if (arrival === 'queued') {
    // Already in this installation's queue: delivered only by a qmail-send whose home it is.
    if (!exists(sysroot, `${bin}/qmail-send`, 'file')) return { inst, queue: null, steps: [] };
    const send = reader.program(`${bin}/qmail-send`);
    if (send.home === null || send.home === inst.root) return { inst, queue: null, steps: [] };
    const reason = `no qmail-send reads ${inst.root}/queue: ${inst.root}/bin/qmail-send was built for ${send.home} and reads ${send.home}/queue`;
    return { inst, queue: `${inst.root}/queue`, steps: [{ stage: 'qmail-send', warn: true, text: `${reason}; the message stays where it is`, path: send.path, decision: 'queue', outcome: 'none' }], defer: reason };
  }
  // The program that hands the copy on: qmail-smtpd for mail from outside (the first copy: also injected
  // mail, which takes the same queue on a sane installation), qmail-lspawn -> qmail-local for a forward.
  const candidates = arrival === 'forward' ? ['qmail-lspawn', 'qmail-local'] : ['qmail-smtpd', 'qmail-inject', 'qmail-queue'];
  const start = candidates.map((n) => `${bin}/${n}`).find((p) => exists(sysroot, p, 'file'));
  if (!start) return { inst, queue: null, steps: [] };
  const route = queueRoute(reader, start);
  if (route.steps.every((s) => s.home === null)) return { inst, queue: null, steps: [] };
  const chain = route.steps.map(built).join(' → ');
  const home = route.queue;
  if (home === null) {
    const last = route.steps[route.steps.length - 1];
    if (last.kind === 'missing' || last.kind === 'unreadable') {
      // qmail.o's qmail_open: chdir(auto_qmail) failing exits 61, execv of bin/qmail-queue failing exits 120.
      const before = route.steps[route.steps.length - 2];
      const gone = before?.home != null && !exists(sysroot, before.home, 'dir');
      const reason = gone ? 'qq trouble in home directory (#4.3.0)' : 'unable to exec qq (#4.3.0)';
      const why = gone ? `the programs were built for ${before.home}, which does not exist on this host` : `${last.path} ${last.kind === 'missing' ? 'does not exist' : 'cannot be read'}`;
      return {
        inst,
        queue: null,
        steps: [{ stage: 'qmail-queue', text: `${chain}: ${why}, so the copy is never queued → defer: ${reason}`, path: last.path, decision: 'queue', outcome: 'none' }],
        defer: reason,
      };
    }
    return { inst, queue: null, steps: [{ stage: 'qmail-queue', warn: true, text: `${chain}: no home could be read from it, so which queue receives the copy is not known; taken to be ${inst.root}/queue`, path: last.path }] };
  }
  const queue = `${home}/queue`;
  if (home === inst.root) {
    return { inst, queue, steps: [{ stage: 'qmail-queue', text: `${chain} → ${queue}`, path: route.steps[route.steps.length - 1].path, decision: 'queue', outcome: home }] };
  }
  const target = all.find((i) => i.root === home) ?? (exists(sysroot, `${home}/control`, 'dir') ? loadInstallation(sysroot, home) : null);
  const last = route.steps[route.steps.length - 1];
  if (!target) {
    const reason = 'qq trouble in home directory (#4.3.0)';
    const missing = !exists(sysroot, home, 'dir');
    return {
      inst,
      queue,
      steps: [
        {
          stage: 'qmail-queue',
          text: `${chain}: the programs were built for ${home}, which ${missing ? 'does not exist on this host' : 'is no qmail installation'}; qmail-queue cannot work there → defer: ${reason}`,
          path: last.path,
          decision: 'queue',
          outcome: 'none',
        },
      ],
      defer: reason,
    };
  }
  return {
    inst: target,
    queue,
    steps: [
      {
        stage: 'qmail-queue',
        warn: true,
        text:
          `${chain} → ${queue}: the programs ${inst.root} runs were built for ${home} (the home compiled in, whatever directory they sit in), ` +
          `so the copy enters ${home}'s queue and ${home}'s qmail-send delivers it with ${home}/control; ${inst.root}/control is never read`,
        path: last.path,
        decision: 'queue',
        outcome: home,
      },
    ],
  };
}
