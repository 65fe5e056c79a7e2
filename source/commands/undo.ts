// qlens undo: restore the newest change in the journal (itself journaled).
// Exit: 0 restored, 1 nothing to undo, 2 usage, 3 a file changed since.
import type { CommandContext } from './context.js';
import { UsageError } from '../cli-args.js';
import { SysrootWriter, setReadOnly } from '../sysroot/write.js';
import { FsError } from '../sysroot/errors.js';
import { toSafeJson, sanitize } from '../text/sanitize.js';
import { undoNewest, DEFAULT_BACKUP_DIR, type UndoResult } from '../edit/journal.js';
import { refusal } from './edit.js';

export async function run(ctx: CommandContext): Promise<number> {
  if (ctx.positionals.length > 0) throw new UsageError('undo takes no arguments');
  const v = ctx.options['backup-dir'];
  const backupDir = typeof v === 'string' ? v : DEFAULT_BACKUP_DIR;
  if (!backupDir.startsWith('/')) throw new UsageError('--backup-dir takes a system path (starting with /)');
  setReadOnly(ctx.readOnly);
  const writer = new SysrootWriter(ctx.sysroot);
  let res: UndoResult | null;
  try {
    if (ctx.readOnly) throw new FsError('EROFS', backupDir, '--read-only: nothing is written');
    res = undoNewest(writer, { backupDir });
  } catch (e) {
    return refusal(ctx, e);
  }
  if (!res) {
    if (ctx.json) ctx.out(toSafeJson({ undone: null, restored: [] }) + '\n');
    else ctx.out(`nothing to undo in ${backupDir}\n`);
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
    ctx.out(`undone: ${res.undone.dir} (${res.undone.manifest.time})\n`);
    for (const p of res.restored) ctx.out(`restored: ${sanitize(p)}\n`);
    for (const p of res.alreadyRestored) ctx.out(`already as before: ${sanitize(p)}\n`);
    if (res.result) ctx.out(`journal: ${res.result.entry.dir}\n`);
  }
  return 0;
}
