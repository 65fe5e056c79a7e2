// A view's own key pressed on a row, through its ViewDef binding (as the
// dispatcher would run it), for view tests that need no terminal.
import type { UiAction, UiState } from '../../../source/ui/store.js';
import type { PaneModel, ViewDef } from '../../../source/ui/views/view-types.js';

export function viewKey(view: ViewDef, command: string, state: UiState, pane: PaneModel, row?: unknown): UiAction {
  const b = view.bindings?.find((x) => x.command === command);
  if (!b) throw new Error(`${view.id} has no binding ${command}`);
  const ctx = { state, view: view.id, pane, row, available: [view.id], listHeight: 20 };
  const why = b.disabled?.(ctx);
  if (why) throw new Error(`${view.id} ${command} is disabled: ${why}`);
  return { type: 'batch', actions: b.handler(ctx) };
}
