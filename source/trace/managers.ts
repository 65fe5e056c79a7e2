// The manager handlers the one-shot command and the UI pass to the walk.
// The vpopmail / VMailMgr modules add themselves here (one import and one
// entry each) so the walk itself never names them.
import type { ManagerHandlers } from './types.js';
import { vpopmailHandler } from './vpopmail.js';
import { vmailmgrHandler } from './vmailmgr.js';

export const builtinManagers: ManagerHandlers = { vpopmail: vpopmailHandler, vmailmgr: vmailmgrHandler };
