// A bundled demo opens as a private copy (issue 21 point 5): the checkout's
// demo/ is never written, whatever the edit flow applies, and the copy goes
// when qlens exits. The copy's times move to "now" (point 6): a demo's queue
// tells its story (ages, next tries, the shape table) on any date. The time
// the demo was written for is its `.demo-now` file (scripts/make-demo-*.ts
// write it); a demo without one keeps its times.
import * as path from 'node:path';
import { copyHostTree, hostFileExists, makePrivateTempDir, readHostFile, removeHostTree, writeHostFile } from '../sysroot/host.js';
import { shiftFsmetaTimes } from '../sysroot/fsmeta.js';
import { shiftDemoLogs } from '../log/shift.js';

export interface DemoCopy {
  /** The copy's sysroot directory (…/qlens-demo-XXXXXX/NAME). */
  dir: string;
  /** How far the demo's times were moved (0: not moved). */
  shiftMs: number;
  /** Remove the copy (again: no error). */
  remove(): void;
}

/** The time a demo's story is told at (its `.demo-now`), or null. */
export function demoTime(demoDir: string): number | null {
  const f = path.join(demoDir, '.demo-now');
  if (!hostFileExists(f)) return null;
  const t = Date.parse(readHostFile(f).toString('utf8').trim());
  return Number.isNaN(t) ? null : t;
}

/** Copy `demoDir` to a new private directory; `now`: the time its story is moved to (null: keep its times). */
export function openDemoCopy(demoDir: string, name: string, now: number | null): DemoCopy {
  const top = makePrivateTempDir('qlens-demo-');
  const dir = path.join(top, name);
  try {
    copyHostTree(demoDir, dir);
    const told = demoTime(demoDir);
    // Whole seconds, rounded down: the queue's mtimes (seconds) and the logs
    // move alike, and nothing lands after "now" (a message 8h old must not
    // read 7h59 because its time moved half a second too far).
    const shiftMs = now !== null && told !== null ? Math.floor((now - told) / 1000) * 1000 : 0;
    const meta = path.join(dir, '.fsmeta');
    if (shiftMs !== 0 && hostFileExists(meta)) writeHostFile(meta, shiftFsmetaTimes(readHostFile(meta).toString('utf8'), shiftMs));
    // Its qmail-send logs move with it: their attempts stay beside the queue's ages.
    shiftDemoLogs(dir, shiftMs);
    return { dir, shiftMs, remove: () => removeHostTree(top) };
  } catch (e) {
    removeHostTree(top);
    throw e;
  }
}
