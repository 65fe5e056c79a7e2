// Data a view needs beyond the loader's own phases (the log today): each is
// one plug-in, started by the loader beside the queue scan, that publishes
// its own part of the session and reads its own kinds of on-demand request.
// A source declares that part and those kinds in its own file, by merging
// into SessionParts and DetailKinds (session-data.ts); its readers come
// with it here. A new source is its file plus one line in SOURCES.
import type { Sysroot } from '../sysroot/sysroot.js';
import type { SessionData } from './session-data.js';
import type { Reader } from './detail-readers.js';
import { logSource } from './log-load.js';

/** What a source starts with: the installations found, the session it publishes into. */
export interface SourceStart {
  sysroot: Sysroot;
  roots: string[];
  now: number;
  data: SessionData;
  cancelled(): boolean;
  emit(): void;
}

export interface StartedSource {
  /** Settles when the source has read what it reads (an error is the loader's to show). */
  done: Promise<void>;
  stop(): void;
  /** What its readers read with (ReadContext.sources, under the source's id). */
  state: unknown;
}

export interface DataSource {
  id: string;
  start(ctx: SourceStart): StartedSource;
  /** One reader per request kind the source added to DetailKinds. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readers: Record<string, Reader<any>>;
}

export const SOURCES: DataSource[] = [logSource];
