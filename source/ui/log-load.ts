// The loader's log phase: each installation's qmail-send log for the Log
// view. The newest lines first (a few hundred kilobytes from the end, so the
// view has its first screen at once however big the log), then the whole
// log read in the main thread a chunk at a time (keys are handled between
// chunks) into the attempts the view lists, one summary per log and an
// index of offsets from which any message's story is read back. Following
// (`f`) polls the same readers once a second while the live frame is shown.
import type { Sysroot } from '../sysroot/sysroot.js';
import { sanitize } from '../text/sanitize.js';
import { findLogs, type LogSource } from '../log/find.js';
import { logHeader } from '../log/format.js';
import { LogSession } from '../log/session.js';
import type { DeliveryResult } from '../log/events.js';
import type { LoggedDelivery, LoggedMessage } from '../log/matchup.js';
import { SummaryBuilder, type LogSummary } from '../log/summary.js';
import { StoryIndex } from '../log/story-index.js';
import { readStory } from '../log/story.js';
import { readTail } from '../log/tail.js';
import type { LogTime } from '../log/tai64n.js';
import type { LogPrediction } from '../log/predict.js';
import { LogPredictor } from '../log/predictor.js';
import { errorText } from './error-text.js';
import { yieldTurn } from '../runtime/workers.js';
import type { SessionData } from './session-data.js';
import type { DataSource } from './data-sources.js';
import type { Reader, RequestOf } from './detail-readers.js';

/** One attempt as the Log view lists it. */
export interface LogRow {
  /** Index of its log in LogPart.logs. */
  log: number;
  instance: string;
  id: number;
  n: number;
  channel: 'local' | 'remote' | null;
  /** As logged (qmail-send's rewritten recipient); null when its start is older than what was read. */
  recipient: string | null;
  result: DeliveryResult | null;
  lost: string | null;
  text: string;
  time: LogTime | null;
  /** The message it belongs to (its story opens from it); null for a row of the first screen. */
  msg: LoggedMessage | null;
  /** The tracer's verdict for its recipient now, once predicted. */
  agrees?: boolean | null;
}

export interface LogPart {
  /** Which log each installation uses, or where qlens looked (sanitized lines). */
  header: string[];
  logs: Array<{ instance: string; path: string; format: string }>;
  /** Attempts, oldest first (the view shows them newest first), at most ROWS_MAX. */
  rows: LogRow[];
  /** Attempts seen in the logs (rows keeps the newest). */
  total: number;
  /** 'tail': only the newest lines read yet; 'reading': the whole log is being read; 'done'. */
  phase: 'tail' | 'reading' | 'done';
  read: number;
  size: number;
  summaries: Array<{ instance: string; path: string; summary: LogSummary }>;
  /** Polls done while following (the live frame asks for the next one). */
  polls: number;
  skipped: number;
  errors: string[];
}

/** Attempts kept for the list: the newest; `qlens log` reads any of them from the whole log. */
export const ROWS_MAX = 50000;
/** Rows whose recipient the tracer walks after the read (distinct recipients walk once). */
const PREDICT_ROWS = 300;
const POLL_MS = 1000;

export interface LogLoadSink {
  data: SessionData;
  cancelled(): boolean;
  emit(): void;
}

export class LogLoad {
  private session: LogSession | null = null;
  private sources: LogSource[] = [];
  private readonly index: StoryIndex[] = [];
  private summaries: SummaryBuilder[] = [];
  private rows: LogRow[] = [];
  private readonly pendingRows = new Map<string, LogRow>();
  private total = 0;
  private skipped = 0;
  private predictor: LogPredictor | null = null;
  private part: LogPart | null = null;
  private following = false;

  constructor(
    private readonly sysroot: Sysroot,
    private readonly roots: string[],
    private readonly sink: LogLoadSink,
    private readonly now: number,
  ) {}

  private publish(p: Partial<LogPart>): void {
    if (this.sink.cancelled()) return;
    this.part = { ...(this.part as LogPart), ...p };
    this.sink.data.parts.log = this.part;
    this.sink.emit();
  }

  private row(log: number, m: LoggedMessage | null, d: LoggedDelivery): LogRow {
    return {
      log,
      instance: this.sources[log].instance,
      id: m?.id ?? 0,
      n: d.n,
      channel: d.channel,
      recipient: d.recipient,
      result: d.result,
      lost: d.lost,
      text: d.text ?? '',
      time: d.finished ?? d.started,
      msg: m,
    };
  }

  private keep(r: LogRow): void {
    this.rows.push(r);
    // Drop the oldest tenth at once: rows cost an array copy, not a shift per attempt.
    if (this.rows.length > ROWS_MAX * 1.1) this.rows = this.rows.slice(this.rows.length - ROWS_MAX);
  }

  async run(): Promise<void> {
    const searches = findLogs(this.sysroot, this.roots);
    this.sources = searches.flatMap((s) => s.sources);
    const header = logHeader(searches);
    this.part = {
      header,
      logs: this.sources.map((s) => ({ instance: s.instance, path: s.path, format: s.format })),
      rows: [],
      total: 0,
      phase: 'tail',
      read: 0,
      size: 0,
      summaries: [],
      polls: 0,
      skipped: 0,
      errors: [],
    };
    if (this.sources.length === 0) {
      this.publish({ phase: 'done' });
      return;
    }
    // The first screen: the newest lines of each log.
    const tail: LogRow[] = [];
    this.sources.forEach((src, log) => {
      for (const a of readTail(this.sysroot, src, log)) {
        if (a.d) tail.push({ ...this.row(log, a.m, a.d), msg: null });
        else if (a.u) tail.push({ log, instance: src.instance, id: 0, n: a.u.n, channel: null, recipient: null, result: a.u.result, lost: null, text: a.u.text, time: a.u.time, msg: null });
      }
    });
    tail.sort((a, b) => (a.time?.s ?? 0) - (b.time?.s ?? 0) || (a.time?.ns ?? 0) - (b.time?.ns ?? 0));
    this.publish({ rows: tail, total: tail.length, size: this.totalSize() });
    // A timer, not an immediate: Ink draws on a throttle timer, and the first screen must reach the terminal before the long read.
    await new Promise((r) => setTimeout(r, 50));
    if (this.sink.cancelled()) return;
    await this.readWhole();
  }

  private totalSize(): number {
    let n = 0;
    for (const src of this.sources) {
      try {
        const st = this.sysroot.stat(src.path);
        if (st?.kind === 'file') n += st.size;
        else for (const name of this.sysroot.readdir(src.path) ?? []) n += this.sysroot.stat(`${src.path}/${name}`)?.size ?? 0;
      } catch {
        /* unreadable: the reader says so */
      }
    }
    return n;
  }

  private async readWhole(): Promise<void> {
    this.summaries = this.sources.map(() => new SummaryBuilder());
    this.sources.forEach(() => this.index.push(new StoryIndex()));
    let lastPublish = Date.now();
    const readSoFar = (): number => this.session?.logs.reduce((n, l) => n + l.reader.segments.reduce((k, sg) => k + (sg.gzip ? 0 : sg.read), 0), 0) ?? 0;
    const session = new LogSession(
      this.sysroot,
      this.sources,
      {
        message: (m) => {
          this.index[m.log].add(m);
          this.summaries[m.log].message(m);
        },
        result: (m, d) => {
          this.total++;
          this.summaries[m.log].result(m, d);
          const key = `${m.log}:${d.n}:${d.startPos}`;
          const waiting = this.pendingRows.get(key);
          if (waiting) {
            // Following: the attempt listed as pending has its result now.
            this.pendingRows.delete(key);
            Object.assign(waiting, this.row(m.log, m, d));
            this.rows = this.rows.slice();
          } else this.keep(this.row(m.log, m, d));
        },
        status: (s) => this.summaries[s.log].status(s),
        unmatched: (u) => {
          this.total++;
          this.summaries[u.log].unmatched(u);
          this.keep({ log: u.log, instance: this.sources[u.log].instance, id: 0, n: u.n, channel: null, recipient: null, result: u.result, lost: null, text: u.text, time: u.time, msg: null });
        },
        skip: () => this.skipped++,
      },
      {
        ordered: false,
        holdPartial: true,
        yieldBytes: 4 << 20,
        onChunk: () => {
          // Progress is for the first reading; a poll while following reads little.
          if (this.part?.phase !== 'done' && Date.now() - lastPublish > 250) {
            lastPublish = Date.now();
            const read = readSoFar();
            this.publish({ phase: 'reading', read: Math.min(read, this.part?.size ?? read) });
          }
        },
      },
    );
    this.session = session;
    this.publish({ phase: 'reading' });
    try {
      await session.readAll();
    } catch (e) {
      this.publish({ errors: [...(this.part?.errors ?? []), errorText(e)] });
    }
    if (this.sink.cancelled()) return;
    this.addPending();
    this.publish({ phase: 'done', rows: this.rows, total: this.total, read: this.part?.size ?? 0, skipped: this.skipped, summaries: this.builtSummaries() });
    await yieldTurn();
    this.predictNewest();
  }

  /** Attempts still waiting for their result: listed now, filled in when the result comes. */
  private addPending(): void {
    if (!this.session) return;
    for (const log of this.session.logs) {
      for (const { m, d } of log.matchup.pending()) {
        const key = `${m.log}:${d.n}:${d.startPos}`;
        if (this.pendingRows.has(key)) continue;
        const r = this.row(m.log, m, d);
        this.pendingRows.set(key, r);
        this.keep(r);
      }
    }
    this.rows.sort((a, b) => (a.time?.s ?? 0) - (b.time?.s ?? 0) || (a.time?.ns ?? 0) - (b.time?.ns ?? 0));
  }

  private builtSummaries(): LogPart['summaries'] {
    return this.sources.map((src, i) => {
      const b = this.summaries[i];
      // Attempts without a result yet count as such (a copy: the builder goes on while following).
      return { instance: src.instance, path: src.path, summary: b.build() };
    });
  }

  private tracer(): LogPredictor {
    this.predictor ??= new LogPredictor(this.sysroot, this.roots, new Date(this.now));
    return this.predictor;
  }

  private predictNewest(): void {
    const from = Math.max(0, this.rows.length - PREDICT_ROWS);
    let changed = false;
    for (let i = this.rows.length - 1; i >= from; i--) {
      const r = this.rows[i];
      if (r.agrees !== undefined || !r.recipient || !r.channel || !r.msg) continue;
      const d = r.msg.deliveries.find((x) => x.n === r.n && x.recipient === r.recipient);
      if (!d) continue;
      try {
        r.agrees = this.tracer().predict(r.instance, d).agrees;
        changed = true;
      } catch {
        r.agrees = null;
      }
    }
    if (changed) this.publish({ rows: this.rows.slice() });
  }

  /** Following: wait a second, read what was added, publish (the live frame then asks again). */
  poll(tick: number): void {
    if (this.following || !this.session || this.part?.phase !== 'done') return;
    this.following = true;
    setTimeout(() => {
      void (async () => {
        try {
          if (this.sink.cancelled() || !this.session) return;
          const before = this.total;
          await this.session.poll();
          this.addPending();
          if (this.total !== before) this.predictNewest();
          this.publish({ rows: this.rows.slice(), total: this.total, polls: tick + 1, summaries: this.builtSummaries(), skipped: this.skipped });
        } catch (e) {
          this.publish({ polls: tick + 1, errors: [...(this.part?.errors ?? []), errorText(e)] });
        } finally {
          this.following = false;
        }
      })();
    }, POLL_MS);
  }

  /**
   * A message's story with the tracer's prediction beside each attempt:
   * the message itself while it is in memory (open, or listed), else read
   * back from the log by its offsets. `first` names one incarnation of the
   * id (its first line); null: the newest one.
   */
  story(instance: string, id: number, first: number | null): { message: LoggedMessage | null; predictions: Array<LogPrediction | null>; error: string | null } {
    const logs = this.sources.map((s, i) => ({ s, i })).filter((x) => x.s.instance === instance);
    if (logs.length === 0) return { message: null, predictions: [], error: `no log of ${sanitize(instance)} was found` };
    let msg: LoggedMessage | null = null;
    for (const { i } of logs) {
      const open = this.session?.logs[i].matchup.openMessages().find((m) => m.id === id && (first === null || m.firstPos === first));
      if (open) msg = open;
      if (!msg) msg = [...this.rows].reverse().find((r) => r.log === i && r.msg?.id === id && (first === null || r.msg.firstPos === first))?.msg ?? null;
      if (!msg && this.session) {
        const slot = this.index[i]?.latest(id);
        const positions = slot === null || slot === undefined ? null : this.index[i].find(slot);
        if (positions && (first === null || positions[0] === first)) msg = readStory(this.session.logs[i].reader, this.sources[i], i, positions);
      }
      if (msg) break;
    }
    if (!msg) return { message: null, predictions: [], error: this.part?.phase === 'done' ? `message ${id} is not in the log` : 'still reading the log…' };
    const predictions = msg.deliveries.map((d) => {
      try {
        return this.tracer().predict(instance, d);
      } catch {
        return null;
      }
    });
    return { message: msg, predictions, error: null };
  }

  stop(): void {
    this.session?.close();
  }
}

// What the log adds to the session: its part, and the two kinds of request the Log view makes.
declare module './session-data.js' {
  interface SessionParts {
    /** Each installation's qmail-send log: its newest attempts, summaries, reading progress. */
    log: LogPart;
  }
  interface DetailKinds {
    /** A message's story in an installation's log: the incarnation whose first line is at `first`, or (null) the newest; `v` reads an open one again. The detail has the tracer's prediction beside each attempt (same order). */
    logStory: { request: { instance: string; id: number; first: number | null; v?: number }; detail: { message: LoggedMessage | null; predictions: Array<LogPrediction | null>; error: string | null } };
    /** Following the logs: poll number `tick` (nothing to show: the rows come in parts.log). */
    logPoll: { request: { tick: number }; detail: object };
  }
}

const logStory: Reader<RequestOf<'logStory'>> = {
  needsInstalls: true,
  read({ sources }, r) {
    const logs = sources.get('log') as LogLoad | undefined;
    if (!logs) return { kind: 'logStory', message: null, predictions: [], error: 'the log has not been read yet' };
    return { kind: 'logStory', ...logs.story(r.instance, r.id, r.first) };
  },
  failed: (_r, error) => ({ kind: 'logStory', message: null, predictions: [], error }),
};

const logPoll: Reader<RequestOf<'logPoll'>> = {
  needsInstalls: true,
  read({ sources }, r) {
    (sources.get('log') as LogLoad | undefined)?.poll(r.tick);
    return { kind: 'logPoll' };
  },
  failed: () => ({ kind: 'logPoll' }),
};

/** The log as a data source: read beside the queue scan, in this thread, a chunk at a time. */
export const logSource: DataSource = {
  id: 'log',
  start({ sysroot, roots, now, data, cancelled, emit }) {
    const logs = new LogLoad(sysroot, roots, { data, cancelled, emit }, now);
    return { done: logs.run(), stop: () => logs.stop(), state: logs };
  },
  readers: { logStory, logPoll },
};
