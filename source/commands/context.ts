// What every one-shot command receives. Commands print through `out`/`err`
// so tests can run them in-process and read what they printed.
import type { Sysroot } from '../sysroot/sysroot.js';

export interface CommandContext {
  sysroot: Sysroot;
  /** Installation roots to load, as system paths; the first is the default for trace/edit. */
  instances: string[];
  /** True when --instance named them (false: discovered). */
  instancesExplicit: boolean;
  positionals: string[];
  options: Record<string, string | boolean | string[]>;
  json: boolean;
  color: boolean;
  readOnly: boolean;
  out: (text: string) => void;
  err: (text: string) => void;
  /** Standard input, read whole (only when a command asks for it). */
  readStdin: () => Promise<string>;
  /** Standard input as bytes: file contents must survive byte for byte (qmail files need not be UTF-8). */
  readStdinBytes?: () => Promise<Buffer>;
}

/** A command's run(): resolves to the process exit status. */
export type CommandRun = (ctx: CommandContext) => Promise<number>;
