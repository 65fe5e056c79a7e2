// qlens undo: restore the newest change in the journal (itself journaled).
// Exit: 0 restored, 1 nothing to undo, 2 usage, 3 a file changed since, or
// a journal that cannot be trusted (refused with the reason).
import type { CommandContext } from './context.js';
import { UsageError } from '../cli-args.js';
import { writerFor } from '../sysroot/write.js';
import { FsError } from '../sysroot/errors.js';
import { toSafeJson, sanitize } from '../text/sanitize.js';
import { undoNewest, type UndoResult } from '../edit/journal.js';
import { undoScope } from '../edit/session.js';
import { refusal, backupDirOf } from './edit.js';

export async function run(ctx: CommandContext): Promise<number> {
  if (ctx.positionals.length > 0) throw new UsageError('undo takes no arguments');
  const backupDir = backupDirOf(ctx);
  const writer = writerFor(ctx.sysroot, ctx.readOnly);
  let res: UndoResult | null;
  try {
    if (!writer) throw new FsError('READONLY', backupDir);
    res = undoNewest(writer, { backupDir, scope: undoScope(ctx.sysroot, ctx.instances) });
  } catch (e) {
    return refusal(ctx, e);
  }
  if (!res) {
    if (ctx.json) ctx.out(toSafeJson({ undone: null, restored: [] }) + '\n');
    else ctx.out(`nothing to undo in ${sanitize(backupDir)}\n`);
    return 1;
  }
  if (ctx.json) {
    ctx.out(
      toSafeJson({
        undone: res.undone.dir,
        restored: res.restored,
        alreadyRestored: res.alreadyRestored,
        journal: res.result?.entry.dir ?? null,
      }) + '\n',
    );
  } else {
    ctx.out(`undone: ${sanitize(res.undone.dir)} (${sanitize(res.undone.manifest.time)})\n`);
    for (const p of res.restored) ctx.out(`restored: ${sanitize(p)}\n`);
    for (const p of res.alreadyRestored) ctx.out(`already as before: ${sanitize(p)}\n`);
    for (const p of res.result?.cleaned ?? []) ctx.out(`removed ${sanitize(p)}: a temporary file left by a qlens that was killed while writing\n`);
    if (res.result) ctx.out(`journal: ${sanitize(res.result.entry.dir)}\n`);
  }
  return 0;
}
