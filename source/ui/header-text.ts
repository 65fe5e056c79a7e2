// The header's words, as plain strings: drawn by the Header component, and
// by the pre-frame main.tsx writes before Ink has finished loading.
import { cell, fitEnd } from './text-fit.js';
import { sanitize } from '../text/sanitize.js';
import type { InstanceSummary, SessionData } from './session-data.js';

export function progressText(data: SessionData): string {
  const p = data.progress;
  if (!p) return '';
  // A step can name an installation's directory, which may hold anything: sanitized like every outside string.
  return `loading ${p.done}/${p.total} ${sanitize(p.step || 'reading')}…`;
}

export function instanceLine(i: InstanceSummary, width: number): string {
  const me = i.me === null ? 'me: (no control/me)' : `me ${i.me}`;
  const accepts = i.acceptsAll ? 'accepts ALL (no rcpthosts)' : `accepts ${i.accepts}`;
  const queue = i.queue ? `  queue ${i.queue.messages}${i.queue.todo ? ` (${i.queue.todo} todo)` : ''}` : '';
  // Programs built for another home: what this installation really is comes first, before the counts.
  const built = i.binaryHomes?.length ? `  ✗ binaries built for ${i.binaryHomes.map((h) => sanitize(h)).join(' and ')}` : '';
  const rootW = Math.min(16, Math.max(10, i.root.length));
  return `${cell(sanitize(i.root), rootW, 'middle')} ${fitEnd(`${me}${built}  ${accepts} · delivers ${i.delivers} domains${queue}`, Math.max(0, width - rootW - 1))}`;
}

