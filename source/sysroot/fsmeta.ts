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

export function parseFsmeta(text: string): {
  entries: FsmetaEntry[];
  diagnostics: Array<{ line: number; message: string }>;
} {
  const entries: FsmetaEntry[] = [];
  const diagnostics: Array<{ line: number; message: string }> = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const f = line.split(/\s+/);
    if (f.length < 4 || f.length > 5) {
      diagnostics.push({ line: i + 1, message: 'expected "MODE UID GID PATH [MTIME]"' });
      return;
    }
    const [m, u, g, p, t] = f;
    if (!/^[0-7]{1,5}$/.test(m) || !/^\d+$/.test(u) || !/^\d+$/.test(g) || !p.startsWith('/')) {
      diagnostics.push({ line: i + 1, message: `bad entry "${line}"` });
      return;
    }
    const e: FsmetaEntry = { mode: parseInt(m, 8), uid: Number(u), gid: Number(g), path: p, line: i + 1 };
    if (t !== undefined) {
      const ms = /^\d+$/.test(t) ? Number(t) * 1000 : Date.parse(t);
      if (Number.isNaN(ms)) {
        diagnostics.push({ line: i + 1, message: `bad modification time "${t}"` });
      } else e.mtimeMs = ms;
    }
    entries.push(e);
  });
  return { entries, diagnostics };
}

export function formatFsmetaLine(e: Omit<FsmetaEntry, 'line'>): string {
  const mode = e.mode.toString(8).padStart(4, '0');
  const t = e.mtimeMs !== undefined ? ' ' + new Date(e.mtimeMs).toISOString().replace(/\.\d{3}Z$/, 'Z') : '';
  return `${mode} ${e.uid} ${e.gid} ${e.path}${t}`;
}
