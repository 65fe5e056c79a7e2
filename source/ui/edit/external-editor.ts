// $VISUAL / $EDITOR (default vi) on a private copy, as lazygit and k9s do:
// the terminal is handed to the editor, then taken back. The system file is
// never opened by the editor; what it leaves in the copy is only staged.
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { makePrivateTempDir, readHostFile, removeHostTree, writeHostFile } from '../../sysroot/host.js';

export function editorCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.VISUAL?.trim() || env.EDITOR?.trim() || 'vi';
}

const LEAVE_ALT = '\u001b[?1049l';
const ENTER_ALT = '\u001b[?1049h\u001b[H\u001b[2J';

/**
 * Run the editor on a copy of `content`; resolves to the edited bytes, or
 * null when the editor failed (non-zero exit or not found).
 */
export function editCopy(content: Buffer, name: string, io: { stdin: NodeJS.ReadStream; stdout: NodeJS.WriteStream } = { stdin: process.stdin, stdout: process.stdout }): { content: Buffer | null; message: string | null } {
  const dir = makePrivateTempDir('qlens-edit-');
  const file = path.join(dir, name.replace(/[^A-Za-z0-9._-]/g, '_') || 'file');
  try {
    writeHostFile(file, content, 0o600);
    const raw = io.stdin.isTTY ? io.stdin.isRaw : false;
    if (io.stdin.isTTY) io.stdin.setRawMode(false);
    io.stdout.write(LEAVE_ALT);
    // Through sh, as git does, so EDITOR="code --wait" works; the file name is an argument, never parsed.
    const r = spawnSync('/bin/sh', ['-c', `${editorCommand()} "$1"`, 'sh', file], { stdio: 'inherit' });
    io.stdout.write(ENTER_ALT);
    if (io.stdin.isTTY) io.stdin.setRawMode(raw);
    if (r.error || r.status !== 0) return { content: null, message: `the editor (${editorCommand()}) failed${r.status !== null ? ` with status ${r.status}` : ''}: nothing staged` };
    return { content: readHostFile(file), message: null };
  } finally {
    removeHostTree(dir);
  }
}
