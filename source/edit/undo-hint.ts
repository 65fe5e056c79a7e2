// The exact `qlens undo` that restores a change (issue 21 point 5): with a
// sysroot or a backup directory of its own, a bare "qlens undo" would look
// in the wrong place.
import { DEFAULT_BACKUP_DIR } from './journal.js';

/** A word for /bin/sh: as it is when it is plain, else in single quotes. */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function undoCommand(sysrootDir: string, backupDir: string = DEFAULT_BACKUP_DIR): string {
  const words = ['qlens'];
  if (sysrootDir !== '/') words.push('--sysroot', shellWord(sysrootDir));
  words.push('undo');
  if (backupDir !== DEFAULT_BACKUP_DIR) words.push('--backup-dir', shellWord(backupDir));
  return words.join(' ');
}
