// Every log read at once: one reader, decoder and matchup per log (each log
// is one qmail-send's), the lines of each handed to its matchup as they
// stream past. Follow mode polls the same readers for what was added.
import type { Sysroot } from '../sysroot/sysroot.js';
import type { LogSource } from './find.js';
import { decoderFor } from './decode.js';
import { Matchup, type MatchupOptions, type MatchupSink } from './matchup.js';
import { LogReader, type ReaderOptions } from './reader.js';

export interface SkippedLine {
  path: string;
  line: number;
  reason: string;
}

export interface SessionSink extends MatchupSink {
  skip?(s: SkippedLine, log: number, pos: number): void;
  /** More lines skipped than were listed (a part read in another thread lists only the first). */
  skipMore?(n: number): void;
}

export interface OpenLog {
  index: number;
  source: LogSource;
  reader: LogReader;
  matchup: Matchup;
  flush: () => void;
  handler: import('./reader.js').LineHandler;
  /** Lines of the log read, other programs' syslog lines included. */
  readonly lines: number;
}

export interface SessionOptions extends MatchupOptions, ReaderOptions {}

export class LogSession {
  readonly logs: OpenLog[];

  constructor(
    sysroot: Sysroot,
    sources: LogSource[],
    readonly sink: SessionSink,
    opts: SessionOptions = {},
  ) {
    this.logs = sources.map((source, index) => {
      const reader = new LogReader(sysroot, source.path, source.format, opts);
      const matchup = new Matchup(index, sink, opts);
      const log: OpenLog = {
        index,
        source,
        reader,
        matchup,
        flush: () => {},
        handler: () => {},
        get lines() {
          return reader.segments.reduce((n, s) => n + s.lines, 0);
        },
      };
      const dec = decoderFor(source.format, source.tag, {
        target: matchup,
        skip: (segment, line, reason, pos) => sink.skip?.({ path: reader.segments[segment]?.path ?? source.path, line, reason }, index, pos),
      });
      log.flush = dec.flush;
      log.handler = dec.handler;
      return log;
    });
  }

  /**
   * Read every log from its oldest line to now. `end`: the logs are done
   * once read (not followed): each one's open messages are told right after
   * it, before the next log's. `first`: reads part of a log before the rest.
   */
  async readAll(opts: { end?: boolean; first?: (log: OpenLog) => Promise<unknown> } = {}): Promise<void> {
    for (const log of this.logs) {
      // A summary reads a big log's rotated files in several threads first.
      if (opts.first) await opts.first(log);
      await log.reader.readAll(log.handler);
      log.flush();
      if (opts.end) this.endLog(log);
    }
  }

  private endLog(log: OpenLog): void {
    // A summary counts the attempts still waiting as "without result yet".
    for (const { m, d } of log.matchup.pending()) this.sink.result?.(m, d, -1);
    log.matchup.finishLog();
  }

  /** Read what was added since (--follow); true when anything was. */
  async poll(): Promise<boolean> {
    let any = false;
    for (const log of this.logs) {
      if (await log.reader.pass(log.handler)) any = true;
      log.flush();
    }
    return any;
  }

  /** The logs are done (after following): every message still open is told as it stands. */
  end(): void {
    for (const log of this.logs) {
      log.flush();
      this.endLog(log);
      log.reader.close();
    }
  }

  close(): void {
    for (const log of this.logs) log.reader.close();
  }
}
