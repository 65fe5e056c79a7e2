// The tracer wired for logged recipients: each is walked as the queue held
// it (qmail-send already rewrote it: `--channel local` from qmail-lspawn,
// `--channel remote` as a remote hop, which may cross into another loaded
// installation), once per installation, channel and address.
import type { Sysroot } from '../sysroot/sysroot.js';
import { SnapshotSysroot } from '../sysroot/snapshot.js';
import { loadInstallation, systemUsersOf } from '../qmail/installation.js';
import { makeTracer, type Tracer } from '../trace/tracer.js';
import { builtinManagers } from '../trace/managers.js';
import type { ManagerHandlers, TraceResult } from '../trace/types.js';
import type { LoggedDelivery } from './matchup.js';
import { judge, type LogPrediction, type MtimeOf } from './predict.js';

const MEMO_MAX = 20000;

export class LogPredictor {
  private readonly snap: Sysroot;
  private readonly installs;
  private readonly memo = new Map<string, TraceResult | null>();
  private readonly mtimes = new Map<string, number | null>();
  private readonly mtimeOf: MtimeOf;
  private readonly tracer: Tracer;

  constructor(
    sysroot: Sysroot,
    private readonly instances: string[],
    private readonly now: Date = new Date(),
    /** Made for the caller's backends (vpopmail's MySQL) when it reads them; by default every manager's, reading no database. */
    handlers: ManagerHandlers = builtinManagers,
  ) {
    // One snapshot for the whole run: every walk stats the same homes and control files.
    this.snap = new SnapshotSysroot(sysroot);
    this.installs = instances.map((r) => loadInstallation(this.snap, r));
    this.tracer = makeTracer({ installs: this.installs, users: systemUsersOf(this.snap), now, handlers });
    this.mtimeOf = (p) => {
      if (this.mtimes.has(p)) return this.mtimes.get(p)!;
      let m: number | null = null;
      try {
        // In a copied tree (a sysroot) only a time .fsmeta gives is the file's: the checkout's own times say nothing.
        const st = this.snap.stat(p);
        if (st && (this.snap.isRealRoot || this.snap.fsmetaEntry(p)?.mtimeMs !== undefined)) m = st.mtimeMs;
      } catch {
        m = null;
      }
      this.mtimes.set(p, m);
      return m;
    };
  }

  /** The walk for a recipient as logged; null for a remote recipient that simply leaves by SMTP. */
  trace(instance: string, recipient: string, channel: 'local' | 'remote'): TraceResult | null {
    const key = `${instance}\0${channel}\0${recipient}`;
    if (this.memo.has(key)) return this.memo.get(key)!;
    const inst = this.installOf(instance);
    let r: TraceResult | null;
    try {
      r = this.tracer.walk(inst, recipient, { channel });
    } catch {
      r = null;
    }
    return this.keep(key, r, channel);
  }

  /**
   * Walk these logged recipients now, satisfying what the walks need (a
   * backend's records: vpopmail's MySQL rows), so that the synchronous
   * predictions made while the log is told answer from what was fetched.
   */
  async prefetch(recipients: Iterable<{ instance: string; recipient: string; channel: 'local' | 'remote' }>): Promise<void> {
    for (const { instance, recipient, channel } of recipients) {
      const key = `${instance}\0${channel}\0${recipient}`;
      if (this.memo.has(key)) continue;
      const inst = this.installOf(instance);
      let r: TraceResult | null;
      try {
        r = await this.tracer.trace(inst, recipient, { channel });
      } catch {
        r = null;
      }
      this.keep(key, r, channel);
    }
  }

  private installOf(instance: string) {
    return this.installs[this.instances.indexOf(instance)] ?? loadInstallation(this.snap, instance);
  }

  private keep(key: string, walked: TraceResult | null, channel: 'local' | 'remote'): TraceResult | null {
    const r = walked && channel === 'remote' && walked.deliveries.length === 1 && walked.deliveries[0].kind === 'remote' && walked.hops.length === 1 ? null : walked;
    if (this.memo.size >= MEMO_MAX) this.memo.clear();
    this.memo.set(key, r);
    return r;
  }

  predict(instance: string, d: LoggedDelivery): LogPrediction {
    return judge(d, this.trace(instance, d.recipient, d.channel), this.mtimeOf);
  }
}
