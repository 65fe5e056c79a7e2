// Child process for the crash test: applies users/assign edits (with the
// users/cdb they compile) in a loop until it is killed.
import { Sysroot } from '../../source/sysroot/sysroot.js';
import { SysrootWriter } from '../../source/sysroot/write.js';
import { stageEdits } from '../../source/edit/stage.js';
import { stageEnv } from '../../source/edit/session.js';
import { applyChangeSet } from '../../source/edit/journal.js';

export function assignVersion(n: number): string {
  const lines = [`=u${n}:alice:1001:1001:/home/alice:::`];
  // Vary the size so a torn write could not pass for a whole one.
  for (let i = 0; i < n % 7; i++) lines.push(`+p${n}x${i}-:alice:1001:1001:/home/alice:-::`);
  return lines.join('\n') + '\n.\n';
}

const [dir, startArg] = process.argv.slice(2);
if (dir) {
  const sysroot = new Sysroot(dir);
  process.stdout.write('ready\n');
  for (let n = Number(startArg); ; n++) {
    const writer = new SysrootWriter(sysroot.reopen());
    const cs = stageEdits([{ path: '/var/qmail/users/assign', content: Buffer.from(assignVersion(n)) }], stageEnv(sysroot.reopen(), ['/var/qmail'], writer));
    applyChangeSet(writer, cs);
  }
}
