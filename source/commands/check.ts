// Placeholder until the command lands; keeps the command table compiling.
import type { CommandContext } from './context.js';
import { UsageError } from '../cli-args.js';

export async function run(_ctx: CommandContext): Promise<number> {
  throw new UsageError('the "check" command is not built yet');
}
