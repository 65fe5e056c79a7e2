// What `e` starts from: the file open in the current detail frame, else the
// file the selected row points at (a problem's file, a domain's control
// file); and, for a domain row or frame, the domain to pre-fill the quick
// forms with. Without a file the menu offers only the quick forms.
export interface EditStart {
  file: string | null;
  prefill: Record<string, string>;
}

export function editTargetOf(frame: { k: string; path?: string; domain?: string } | null, row: unknown): EditStart {
  const prefill: Record<string, string> = {};
  let file: string | null = null;
  if (frame && frame.k === 'file' && typeof frame.path === 'string') file = frame.path;
  if (frame && frame.k === 'domain' && typeof frame.domain === 'string') prefill.domain = frame.domain;
  if (row && typeof row === 'object') {
    const r = row as { jump?: { path?: unknown }; path?: unknown; domain?: unknown };
    if (!file && r.jump && typeof r.jump.path === 'string') file = r.jump.path;
    if (!file && typeof r.path === 'string' && r.path.startsWith('/')) file = r.path;
    if (typeof r.domain === 'string' && r.domain !== '' && !prefill.domain) prefill.domain = r.domain;
  }
  return { file, prefill };
}
