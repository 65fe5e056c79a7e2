// The manager handlers the UI and the queue predictions pass to the walk.
// The vpopmail / VMailMgr modules add themselves here (one import and one
// entry each) so the walk itself never names them; the one-shot trace
// command loads them one at a time instead (commands/trace.ts).
import type { ManagerHandlers } from './types.js';
import { vpopmailHandler } from './vpopmail.js';
import { vmailmgrHandler } from './vmailmgr.js';

export const builtinManagers: ManagerHandlers = { vpopmail: vpopmailHandler, vmailmgr: vmailmgrHandler };
