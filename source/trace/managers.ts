// Every manager's trace handler, loaded once when this module is imported
// (top-level await), for the callers that walk synchronously with every
// manager followed: the queue listing, the TUI, the impact preview, the log.
// A caller that can wait loads only what its walks meet (tracer.ts).
import { loadHandlers } from './manager-loader.js';
import type { ManagerHandlers } from './types.js';

export const builtinManagers: ManagerHandlers = await loadHandlers();
