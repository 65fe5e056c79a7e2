// .fsmeta stands in for owners, modes and mtimes that a git checkout cannot
// keep: "MODE UID GID PATH [MTIME]", MTIME as ISO 8601 UTC or epoch seconds.
export interface FsmetaEntry {
  mode: number;
  uid: number;
  gid: number;
  path: string;
  mtimeMs?: number;
  line: number;
}

/** The largest uid or gid a Linux uid_t holds (2^32-1 is "no id"). */
const MAX_ID = 2 ** 32 - 2;
/** The furthest time a Date can hold (ms either side of the epoch). */
const MAX_TIME_MS = 8.64e15;

/** A line as a message quotes it: at most 80 characters. */
function quoted(line: string): string {
  return line.length > 80 ? `${line.slice(0, 80)}… (${line.length} characters)` : line;
}

export function parseFsmeta(text: string): {
  entries: FsmetaEntry[];
  diagnostics: Array<{ line: number; message: string }>;
} {
  const entries: FsmetaEntry[] = [];
  const diagnostics: Array<{ line: number; message: string }> = [];
  let lineNo = 0;
  for (let pos = 0; pos < text.length; ) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    const raw = text.slice(pos, nl);
    pos = nl + 1;
    lineNo++;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const f = line.split(/\s+/);
    if (f.length < 4 || f.length > 5) {
      diagnostics.push({ line: lineNo, message: 'expected "MODE UID GID PATH [MTIME]"' });
      continue;
    }
    const [m, u, g, p, t] = f;
    if (!/^[0-7]{1,5}$/.test(m) || !/^\d{1,10}$/.test(u) || !/^\d{1,10}$/.test(g) || !p.startsWith('/')) {
      diagnostics.push({ line: lineNo, message: `bad entry "${quoted(line)}"` });
      continue;
    }
    const e: FsmetaEntry = { mode: parseInt(m, 8), uid: Number(u), gid: Number(g), path: p, line: lineNo };
    if (e.uid > MAX_ID || e.gid > MAX_ID) {
      diagnostics.push({ line: lineNo, message: `uid or gid beyond ${MAX_ID}, more than a uid_t holds: "${quoted(line)}"` });
      continue;
    }
    if (t !== undefined) {
      // Epoch seconds (all digits; beyond 16 digits no date holds them) or an ISO time.
      const ms = /^\d+$/.test(t) ? (t.length <= 16 ? Number(t) * 1000 : NaN) : /^\d/.test(t) && t.length <= 40 ? Date.parse(t) : NaN;
      if (Number.isNaN(ms) || Math.abs(ms) > MAX_TIME_MS) {
        diagnostics.push({ line: lineNo, message: `bad modification time "${quoted(t)}" (ISO 8601 UTC or epoch seconds up to year 275760): the real one is used` });
      } else e.mtimeMs = ms;
    }
    entries.push(e);
  }
  return { entries, diagnostics };
}

export function formatFsmetaLine(e: Omit<FsmetaEntry, 'line'>): string {
  const mode = e.mode.toString(8).padStart(4, '0');
  const t = e.mtimeMs !== undefined ? ' ' + new Date(e.mtimeMs).toISOString().replace(/\.\d{3}Z$/, 'Z') : '';
  return `${mode} ${e.uid} ${e.gid} ${e.path}${t}`;
}

/**
 * The same .fsmeta with every MTIME moved by `deltaMs` (a bundled demo opened
 * at another date keeps the ages between its files). Each time keeps its
 * form (epoch seconds or ISO 8601); every other byte is kept.
 */
export function shiftFsmetaTimes(text: string, deltaMs: number): string {
  // Whole seconds, so epoch and ISO times move alike.
  const d = Math.round(deltaMs / 1000);
  return text
    .split('\n')
    .map((raw) => {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) return raw;
      const m = /^(\s*\S+\s+\S+\s+\S+\s+\S+\s+)(\S+)(\s*)$/.exec(raw);
      if (!m) return raw;
      const t = m[2];
      if (/^\d+$/.test(t)) return m[1] + String(Number(t) + d) + m[3];
      const ms = Date.parse(t);
      if (Number.isNaN(ms)) return raw;
      return m[1] + new Date(ms + d * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') + m[3];
    })
    .join('\n');
}
