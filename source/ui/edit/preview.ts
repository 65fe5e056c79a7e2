// The TUI's side of an edit: stage what the editor or a quick form
// produced, trace the impact, and apply on `y`. The same modules as
// `qlens edit` (stage, impact, journal), so the screen and the command
// never disagree.
import { Sysroot } from '../../sysroot/sysroot.js';
import { FsError } from '../../sysroot/errors.js';
import { TargetReader, type SysrootWriter } from '../../sysroot/write.js';
import { stageEdits, type ChangeSet, type EditRequest } from '../../edit/stage.js';
import { stageEnv, previewImpact } from '../../edit/session.js';
import { applyChangeSet } from '../../edit/journal.js';
import { traceForImpact } from '../../edit/tracer.js';
import type { Impact } from '../../edit/impact.js';
import { sanitize } from '../../text/sanitize.js';
import { loadSystemUsers } from '../../qmail/passwd.js';
import { undoCommand } from '../../edit/undo-hint.js';

export interface EditPreview {
  title: string;
  edits: EditRequest[];
  cs: ChangeSet;
  impacts: Impact[];
  /** Owner names of the files shown (uid → passwd name), already sanitized. */
  owners: Record<number, string>;
}

export type PreviewResult = { ok: true; preview: EditPreview } | { ok: false; message: string };

function why(e: unknown): string {
  return sanitize(e instanceof Error ? e.message : String(e));
}

export function buildPreview(sysrootDir: string, instances: string[], edits: EditRequest[], title: string): PreviewResult {
  const sysroot = new Sysroot(sysrootDir);
  let cs: ChangeSet;
  try {
    cs = stageEdits(edits, stageEnv(sysroot, instances, new TargetReader(sysroot)));
  } catch (e) {
    if (e instanceof FsError) return { ok: false, message: `${why(e)}: refused, nothing written` };
    throw e;
  }
  const impacts = cs.valid ? previewImpact(sysroot, instances, cs, [], traceForImpact(instances)) : [];
  const users = loadSystemUsers(sysroot);
  const owners: Record<number, string> = {};
  for (const f of cs.files) {
    const name = users.byUid(f.meta.uid)?.name;
    if (name) owners[f.meta.uid] = sanitize(name);
  }
  return { ok: true, preview: { title, edits, cs, impacts, owners } };
}

export type ApplyOutcome = { ok: true; lines: string[] } | { ok: false; message: string };

/** Apply with this writer (a fresh one per apply; none under --read-only, and nothing is written). `demo`: the sysroot is a demo's private copy, removed when qlens exits. */
export function applyPreview(writer: SysrootWriter | null, preview: EditPreview, opts: { demo?: boolean } = {}): ApplyOutcome {
  if (!writer) return { ok: false, message: 'qlens runs with --read-only: nothing written' };
  if (!preview.cs.valid) return { ok: false, message: 'the new content is invalid: nothing written' };
  try {
    const res = applyChangeSet(writer, preview.cs);
    const lines = [res.written.length ? `written: ${res.written.join(', ')}` : 'nothing to write: the content is unchanged', `backup: ${res.entry.dir} (${undoCommand(writer.sysroot.hostRoot)} restores it${opts.demo ? ' while this demo copy lasts: it is removed at exit' : ''})`];
    const todo = preview.cs.activation.filter((a) => a.needed);
    if (todo.length) {
      lines.push('still to do by hand (qlens never signals qmail):');
      for (const a of todo) for (const c of a.commands) lines.push(`  $ ${c}`);
    }
    return { ok: true, lines: lines.map((l) => sanitize(l)) };
  } catch (e) {
    if (e instanceof FsError) return { ok: false, message: `${why(e)}: refused, nothing written` };
    throw e;
  }
}
