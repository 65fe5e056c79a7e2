// The one place the TUI gets its data: it calls the model and hands plain
// data to the store. Every step awaits a turn of the event loop, so keys are
// handled while it reads, and the small facts (installations, me, domain
// counts) are published before anything large (queues, home directories).
import { Sysroot, FsError, normalizeSystemPath } from '../sysroot/sysroot.js';
import { discoverInstances } from '../qmail/discover.js';
import { readLineValue, readListLines, lcAscii } from '../qmail/control-readers.js';
import { CdbReader } from '../qmail/cdb.js';
import { sanitize } from '../text/sanitize.js';
import type { InstanceSummary, SessionData, SourceInfo } from './session-data.js';

export interface LoadRequest {
  source: SourceInfo;
  /** --instance values; empty: discover. */
  instances: string[];
}

/** Lets key handling and drawing run between load steps. */
const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function describe(e: unknown): string {
  if (e instanceof FsError) return sanitize(e.message);
  return sanitize(e instanceof Error ? e.message : String(e));
}

/**
 * What the header and the first screen show for one installation: `me`, and
 * how many domains it accepts (qmail-smtpd: rcpthosts, morercpthosts.cdb)
 * and delivers (qmail-send: locals, virtualdomains domain keys).
 */
export function summarizeInstance(sysroot: Sysroot, root: string): InstanceSummary {
  const me = readLineValue(sysroot.read(`${root}/control/me`));
  const delivers = new Set<string>();
  const locals = readListLines(sysroot.read(`${root}/control/locals`));
  if (locals) for (const l of locals) delivers.add(lcAscii(l.text));
  else if (me !== null) delivers.add(lcAscii(me));
  for (const l of readListLines(sysroot.read(`${root}/control/virtualdomains`)) ?? []) {
    const c = l.text.indexOf(':');
    if (c < 0) continue;
    const key = l.text.slice(0, c);
    if (key.includes('@')) continue; // user@domain keys belong to their domain's row
    delivers.add(lcAscii(key));
  }
  const accepts = new Set<string>();
  const rcpt = readListLines(sysroot.read(`${root}/control/rcpthosts`));
  for (const l of rcpt ?? []) accepts.add(lcAscii(l.text));
  const mrh = sysroot.read(`${root}/control/morercpthosts.cdb`);
  if (mrh) {
    const r = new CdbReader(mrh);
    if (r.validate() === null) for (const rec of r.records()) accepts.add(lcAscii(rec.key.toString('latin1')));
  }
  return { root, me: me === null ? null : sanitize(me), accepts: accepts.size, delivers: delivers.size, acceptsAll: rcpt === null };
}

export interface Loader {
  /** Resolves when everything is loaded (or the load was cancelled). */
  done: Promise<void>;
  cancel(): void;
}

/** Load a session, publishing a new snapshot after each step. */
export function startLoad(req: LoadRequest, publish: (data: SessionData) => void): Loader {
  let cancelled = false;
  const run = async (): Promise<void> => {
    const data: SessionData = { source: req.source, instances: [], progress: { done: 0, total: 1, step: 'finding installations' }, errors: [], parts: {} };
    const emit = (): void => {
      if (!cancelled) publish({ ...data, instances: [...data.instances], errors: [...data.errors], parts: { ...data.parts } });
    };
    emit();
    await yieldTurn();
    const sysroot = new Sysroot(req.source.sysrootDir);
    let roots: string[];
    try {
      roots = req.instances.length ? req.instances.map(normalizeSystemPath) : discoverInstances(sysroot);
    } catch (e) {
      data.errors.push(describe(e));
      roots = [];
    }
    if (roots.length === 0) data.errors.push(`no qmail installation found under ${sanitize(req.source.sysrootDir)}`);
    const steps = roots.length;
    data.progress = { done: 0, total: Math.max(1, steps), step: 'reading control files' };
    emit();
    for (const root of roots) {
      if (cancelled) return;
      await yieldTurn();
      try {
        if (sysroot.stat(`${root}/control`)?.kind !== 'dir') {
          data.errors.push(`${sanitize(root)}: not a qmail installation (no control/ directory)`);
        } else {
          data.instances.push(summarizeInstance(sysroot, root));
        }
      } catch (e) {
        data.errors.push(`${sanitize(root)}: ${describe(e)}`);
      }
      data.progress = { ...data.progress, done: data.progress.done + 1 };
      emit();
    }
    data.progress = null;
    emit();
  };
  const done = run().catch((e: unknown) => {
    if (!cancelled) publish({ source: req.source, instances: [], progress: null, errors: [describe(e)], parts: {} });
  });
  return {
    done,
    cancel: () => {
      cancelled = true;
    },
  };
}
