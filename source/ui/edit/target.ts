// Which file `e` edits: the file open in the current detail frame, else the
// file the selected row points at (a problem's file, a domain's control
// file), else none (the menu then offers only the quick forms).
export function editTargetOf(frame: { k: string; path?: string } | null, row: unknown): string | null {
  if (frame && frame.k === 'file' && typeof frame.path === 'string') return frame.path;
  if (row && typeof row === 'object') {
    const r = row as { jump?: { path?: unknown }; path?: unknown };
    if (r.jump && typeof r.jump.path === 'string') return r.jump.path;
    if (typeof r.path === 'string' && r.path.startsWith('/')) return r.path;
  }
  return null;
}
