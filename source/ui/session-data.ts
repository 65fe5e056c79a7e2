// What the loader hands the UI: plain data, already read. Views draw it and
// never read a file themselves. Each part is optional because it arrives
// asynchronously, and the first screen is drawn before the large parts.

export interface SourceInfo {
  /** Host directory standing for `/`. */
  sysrootDir: string;
  /** The bundled demo opened, or null. */
  demo: string | null;
  /** One sentence saying what was opened and why (shown on screen). */
  note: string;
}

export interface InstanceSummary {
  root: string;
  me: string | null;
  /** Domains qmail-smtpd accepts mail for (rcpthosts, morercpthosts.cdb). */
  accepts: number;
  /** Domains qmail-send delivers locally (locals, virtualdomains). */
  delivers: number;
  /** No rcpthosts file: qmail-smtpd accepts every domain (an open relay). */
  acceptsAll: boolean;
  queue?: { messages: number; todo: number };
}

export interface LoadProgress {
  done: number;
  total: number;
  step: string;
}

export interface SessionData {
  source: SourceInfo;
  instances: InstanceSummary[];
  /** null when loading has finished. */
  progress: LoadProgress | null;
  /** Things that went wrong while loading (one line each, already sanitized). */
  errors: string[];
  /** Filled in as each part of the model lands; views are offered only when their part is here. */
  parts: Partial<SessionParts>;
}

/** Registered by the loader as each analysis becomes available. Extended per view. */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface SessionParts {}

export function emptySession(source: SourceInfo): SessionData {
  return { source, instances: [], progress: { done: 0, total: 1, step: 'finding installations' }, errors: [], parts: {} };
}
