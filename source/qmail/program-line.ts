// A .qmail program line as the manager readers look at it: the words /bin/sh
// would run, and the program itself once `exec` and `preline` (which only
// pass it on) are left out.

/** The program's own argv: `exec` and `preline` in front of it only pass it on. */
export function programArgv(argv: readonly string[]): string[] {
  let k = 0;
  while (k < argv.length && (argv[k] === 'exec' || /(^|\/)preline$/.test(argv[k]))) k++;
  return argv.slice(k);
}

/** The last part of a program path. */
export function programBase(program: string): string {
  return program.slice(program.lastIndexOf('/') + 1);
}

/** Words of a command for finding its program: blanks separate, '…' and "…" quote (no expansion). */
export function commandWords(cmd: string): string[] {
  const out: string[] = [];
  const re = /'([^']*)'|"([^"]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(cmd)) !== null) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}
