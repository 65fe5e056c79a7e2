// qlens edit PATH: new content from stdin; validate, diff, impact; with
// --apply write it atomically after journaling the old content.
// Exit: 0 done (or would be done), 1 invalid content, 2 usage, 3 conflict or refused write.
import type { CommandContext } from './context.js';
import { UsageError } from '../cli-args.js';
import { FsError } from '../sysroot/errors.js';
import { writerFor, TargetReader } from '../sysroot/write.js';
import { toSafeJson, sanitize, shown } from '../text/sanitize.js';
import { resolveEditPath } from '../edit/file-kind.js';
import { stageEdits, isNoop, type ChangeSet } from '../edit/stage.js';
import { stageEnv, previewImpact, homeOwners } from '../edit/session.js';
import { undoCommand } from '../edit/undo-hint.js';
import { applyChangeSet, backupDirRefusal, DEFAULT_BACKUP_DIR, type ApplyResult } from '../edit/journal.js';
import { changeSetText, changeSetJson } from '../edit/report.js';
import { impactTracer } from '../edit/tracer.js';
import { loadHandlers } from '../trace/manager-loader.js';
import { openTraceBackends } from '../db/trace-backends.js';
import { vpopmailDbOption } from './db-option.js';
import type { Impact } from '../edit/impact.js';

/** Codes of the file-system layer's own refusals (not an errno): said as they are, without "(CODE)". */
const OWN_CODES = new Set(['CONFLICT', 'SYMLINK', 'ESCAPE', 'OWNER', 'JOURNAL', 'LOCKED', 'READONLY', 'NOTFILE']);

/**
 * Everything the file-system layer refuses or fails at while staging or
 * writing is exit 3, one line naming the file (and the errno of a failed
 * write: EROFS, EACCES, ENOSPC...), and nothing written.
 */
/** The preview's walks, vpopmail's MySQL rows included (fetched over one read-only session, closed before returning). */
async function impactOf(ctx: CommandContext, cs: ChangeSet, extra: string[]): Promise<Impact[]> {
  const backends = openTraceBackends({ vpopmailDb: vpopmailDbOption(ctx.options) });
  try {
    const t = impactTracer(ctx.instances, { handlers: await loadHandlers(backends.session) });
    return await t.settle(() => previewImpact(ctx.sysroot, ctx.instances, cs, extra, t.trace));
  } finally {
    await backends.close();
  }
}

export function refusal(ctx: CommandContext, e: unknown, what: Record<string, unknown> = {}): number {
  if (e instanceof FsError) {
    if (ctx.json) ctx.out(toSafeJson({ ...what, refused: { code: e.code, path: e.path, message: e.message }, written: false }) + '\n');
    const errno = OWN_CODES.has(e.code) || e.message.includes(`(${e.code})`) ? '' : ` (${e.code})`;
    ctx.err(`qlens: ${sanitize(e.message)}${errno}; nothing written\n`);
    return 3;
  }
  throw e;
}

/** The --backup-dir of edit and undo: a system path where no other user can forge the journal. */
export function backupDirOf(ctx: CommandContext): string {
  const v = ctx.options['backup-dir'];
  const dir = typeof v === 'string' ? v : DEFAULT_BACKUP_DIR;
  if (!dir.startsWith('/')) throw new UsageError('--backup-dir takes a system path (starting with /)');
  const me = process.geteuid?.() ?? 0;
  // A journal in the running user's own home (root's /root) is theirs to keep; another user's is not.
  const others = homeOwners(ctx.sysroot, ctx.instances).filter((h) => h.uid !== me);
  const why = backupDirRefusal(dir, others);
  if (why) throw new UsageError(shown(why, 400));
  return dir;
}

function opt(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.options[name];
  return typeof v === 'string' ? v : undefined;
}

export async function run(ctx: CommandContext): Promise<number> {
  if (ctx.positionals.length !== 1) throw new UsageError('edit takes exactly one PATH (the new content comes from standard input)');
  const expect = opt(ctx, 'expect-sha256');
  if (expect !== undefined && !/^[0-9a-fA-F]{64}$/.test(expect)) throw new UsageError('--expect-sha256 needs 64 hex digits');
  const impactExtra = (ctx.options.impact as string[] | undefined) ?? [];
  const apply = Boolean(ctx.options.apply);
  const backupDir = backupDirOf(ctx);
  // Under --read-only there is no writer at all: the preview below still works, an apply is refused.
  const writer = writerFor(ctx.sysroot, ctx.readOnly);

  const target = resolveEditPath(ctx.positionals[0], ctx.instances[0]);
  const content = ctx.readStdinBytes ? await ctx.readStdinBytes() : Buffer.from(await ctx.readStdin(), 'utf8');
  let cs: ChangeSet;
  try {
    cs = stageEdits([{ path: target, content, expectSha256: expect?.toLowerCase() }], stageEnv(ctx.sysroot, ctx.instances, writer ?? new TargetReader(ctx.sysroot)));
  } catch (e) {
    return refusal(ctx, e, { path: target });
  }

  let impacts: Impact[] | null = null;
  if (cs.valid) impacts = await impactOf(ctx, cs, impactExtra);

  let applied: ApplyResult | null = null;
  let status = cs.valid ? 0 : 1;
  // Nothing would change: no journal entry, no write (and no refusal under --read-only).
  if (apply && cs.valid && !isNoop(cs)) {
    if (!writer) return refusal(ctx, new FsError('READONLY', target), { path: target, ...changeSetJson(cs, impacts) });
    try {
      applied = applyChangeSet(writer, cs, { backupDir });
    } catch (e) {
      return refusal(ctx, e, { path: target, ...changeSetJson(cs, impacts) });
    }
  }

  if (ctx.json) {
    ctx.out(
      toSafeJson({
        path: cs.files[0]?.path ?? target,
        ...changeSetJson(cs, impacts),
        written: applied !== null,
        journal: applied ? applied.entry.dir : null,
      }) + '\n',
    );
  } else {
    ctx.out(changeSetText(cs, impacts));
    if (!cs.valid) ctx.out('invalid: nothing written\n');
    else if (apply && isNoop(cs)) ctx.out('nothing to write: the content is unchanged\n');
    else if (applied) {
      ctx.out(applied.written.length ? `written: ${sanitize(applied.written.join(', '))}\n` : 'nothing to write: the content is unchanged\n');
      ctx.out(`journal: ${sanitize(applied.entry.dir)} (${sanitize(undoCommand(ctx.sysroot.hostRoot, backupDir))} restores it)\n`);
      for (const p of applied.cleaned) ctx.out(`removed ${sanitize(p)}: a temporary file left by a qlens that was killed while writing\n`);
    } else ctx.out(apply ? '' : 'preview only: nothing written (use --apply to write)\n');
  }
  if (!cs.valid) status = 1;
  return status;
}
