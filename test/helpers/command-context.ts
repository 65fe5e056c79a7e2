// A one-shot command's context for running it in-process: what it prints is
// kept in `out` and `err`, the rest is a plain read-only text run over
// /var/qmail unless the test says otherwise.
import type { Sysroot } from '../../source/sysroot/sysroot.js';
import type { CommandContext } from '../../source/commands/context.js';

export interface CapturedContext {
  ctx: CommandContext;
  out: string[];
  err: string[];
}

export function commandContext(sysroot: Sysroot, over: Partial<CommandContext> = {}): CapturedContext {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CommandContext = {
    sysroot,
    instances: ['/var/qmail'],
    instancesExplicit: false,
    positionals: [],
    options: {},
    json: false,
    color: false,
    readOnly: true,
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    readStdin: async () => '',
    ...over,
  };
  return { ctx, out, err };
}
