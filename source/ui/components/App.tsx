import React, { useEffect, useMemo, useReducer, useRef } from 'react';
import { Box, useApp } from 'ink';
import { initialState, reduce, VIEW_IDS, type UiAction, type ViewId } from '../store.js';
import { ThemeContext, makeTheme } from '../theme.js';
import { commandFor, footerHints, type Command, type KeymapOptions } from '../keymap.js';
import { frameLayout, tooSmall } from '../layout.js';
import { keyActions, splitKeys, selectedRow, HELP_PANE } from '../key-dispatch.js';
import { useKeys } from '../hooks/use-keys.js';
import { useTerminalSize } from '../hooks/use-terminal-size.js';
import { VIEWS } from '../views/registry.js';
import type { ViewDef } from '../views/view-types.js';
import { topFrame } from '../views/text-pane.js';
import type { SessionData } from '../session-data.js';
import type { Loader } from '../loader.js';
import { Header } from './Header.js';
import { Tabs } from './Tabs.js';
import { Footer } from './Footer.js';
import { InputLine } from './InputLine.js';
import { HelpOverlay, helpLines } from './HelpOverlay.js';
import { TooSmall } from './TooSmall.js';
import { Overview } from './Overview.js';
import { useEditFlow } from '../edit/use-edit-flow.js';
import { EditFlow } from '../edit/EditFlow.js';
import { editTargetOf } from '../edit/target.js';

export interface AppProps {
  initial: SessionData;
  /** Starts loading; called again on `r`. */
  load: (publish: (data: SessionData) => void) => Loader;
  color: boolean;
  readOnly: boolean;
  views?: ViewDef[];
  initialView?: ViewId;
  /** Commands wired in this session besides the built-in ones (e.g. `edit` once its flow exists). */
  extraCommands?: Command[];
}

export function App({ initial, load, color, readOnly, views = VIEWS, initialView, extraCommands = [] }: AppProps): React.ReactElement {
  const [state, dispatch] = useReducer(reduce, initial, (d) => initialState(d, initialView));
  const { exit } = useApp();
  const size = useTerminalSize();
  const theme = useMemo(() => makeTheme(color), [color]);

  const loaderRef = useRef<Loader | null>(null);
  useEffect(() => {
    const loader = load((data) => dispatch({ type: 'data', data }));
    loaderRef.current = loader;
    if (state.reloadCount > 0) void loader.done.then(() => dispatch({ type: 'status', text: 'reloaded from disk' }));
    return () => loader.cancel();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state.reloadCount]);

  useEffect(() => {
    if (state.quit) exit();
  }, [state.quit, exit]);

  const available = state.data.instances.length ? views.filter((v) => v.available(state.data)) : [];
  const current = available.find((v) => v.id === state.view) ?? available[0] ?? null;
  const small = tooSmall(size.columns, size.rows);
  const width = size.columns;
  const layout = frameLayout(size.columns, size.rows, state.data.instances.length);
  const pane = useMemo(
    () => (current ? current.pane({ data: state.data, ui: state, width, height: layout.bodyLines }) : null),
    // The pane depends on the whole snapshot; recomputed per state change only.
    [current, state, width, layout.bodyLines],
  );
  const paneCommandsKey = Object.keys(pane?.commands ?? {}).join(',');
  const paneCommands = paneCommandsKey.split(',');
  const availableKey = available.map((v) => v.id).join(',');
  const keymap: KeymapOptions = useMemo(() => {
    const ids = availableKey.split(',');
    return {
      readOnly,
      available: (c: Command) => {
        if (c === 'edit') return extraCommands.includes('edit') || paneCommands.includes('edit');
        if (c === 'shape' || c === 'fold') return paneCommands.includes(c);
        if (c === 'trace') return ids.includes('trace');
        if (/^view[1-6]$/.test(c)) return ids.includes(VIEW_IDS[Number(c.slice(4)) - 1]);
        if (c === 'nextView' || c === 'prevView') return ids.length > 1;
        return true;
      },
    };
  }, [readOnly, extraCommands, availableKey, paneCommandsKey]);
  // A detail frame that needs reading (a file, a queued message) asks the loader; views never read.
  const frame = current ? topFrame(state, current.id) : null;
  const frameKey = frame ? JSON.stringify(frame) : '';
  useEffect(() => {
    if (!frame) return;
    if (frame.k === 'file') loaderRef.current?.request({ kind: 'file', path: frame.path });
    if (frame.k === 'message') loaderRef.current?.request({ kind: 'message', instance: frame.instance, id: frame.id });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [frameKey, state.reloadCount]);
  // Rows in view that need reading (a Dot-qmail branch opened on a big host).
  const needsKey = pane?.needs?.length ? JSON.stringify(pane.needs) : '';
  useEffect(() => {
    for (const r of pane?.needs ?? []) loaderRef.current?.request(r);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [needsKey, state.reloadCount]);
  // The installations have loaded (the tracer needs them), and an address is asked for.
  const canTrace = state.data.parts.domains !== undefined;
  useEffect(() => {
    if (state.trace.address && canTrace) loaderRef.current?.request({ kind: 'trace', address: state.trace.address, queued: state.trace.queued });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state.trace.address, state.trace.queued, state.reloadCount, canTrace]);
  const listHeight = Math.max(1, layout.bodyLines - (pane?.fixedLines ?? 0));
  const helpCount = helpLines(keymap, width).length;
  // The edit flow (source/ui/edit/) takes every key while it is open, as a dialog over the view.
  const edit = useEditFlow({
    sysrootDir: state.data.source.sysrootDir,
    instances: state.data.instances.map((i) => i.root),
    instance: state.instance,
    onApplied: () => dispatch({ type: 'reload' }),
    onClose: (text) => dispatch({ type: 'status', text }),
  });

  useKeys((input, key) => {
    // Replay split keys on a local copy of the state so each sees the last one's effect.
    let local = state;
    let localPane = pane;
    for (const [inp, k] of splitKeys(input, key)) {
      if (edit.active() && !(k.ctrl && inp === 'c')) {
        edit.key(inp, k);
        continue;
      }
      if (!small && !local.input && !local.overlay && !localPane?.commands?.edit && commandFor(inp, k, keymap) === 'edit') {
        const cur = available.find((v) => v.id === local.view) ?? available[0] ?? null;
        edit.open(editTargetOf(cur ? topFrame(local, cur.id) : null, selectedRow({ state: local, pane: localPane, listHeight })));
        continue;
      }
      const actions: UiAction[] = keyActions(inp, k, {
        state: local,
        pane: localPane,
        available: available.map((v) => v.id),
        listHeight,
        tooSmall: small,
        keymap,
        helpCount,
      });
      for (const a of actions) {
        dispatch(a);
        local = reduce(local, a);
      }
      if (actions.length) {
        const cur = available.find((v) => v.id === local.view) ?? available[0] ?? null;
        localPane = cur ? cur.pane({ data: local.data, ui: local, width, height: layout.bodyLines }) : null;
      }
    }
  });

  if (small) {
    return (
      <ThemeContext.Provider value={theme}>
        <TooSmall columns={size.columns} rows={size.rows} />
      </ThemeContext.Provider>
    );
  }

  // While the edit flow is open its own line says which keys do what; the view's hints would mislead.
  const hints = edit.flow ? [] : footerHints({ ...keymap, scopes: pane ? ['global', 'list', 'view'] : ['global'] });
  let body: React.ReactElement;
  if (edit.flow) {
    body = <EditFlow flow={edit.flow} width={width} height={layout.bodyLines} />;
  } else if (state.overlay === 'help') {
    body = <HelpOverlay width={width} height={layout.bodyLines} keymap={keymap} offset={state.lists[HELP_PANE]?.cursor ?? 0} />;
  } else if (current && pane) {
    body = current.render({ pane, ui: state, data: state.data, width, height: layout.bodyLines });
  } else {
    body = <Overview data={state.data} width={width} height={layout.bodyLines} />;
  }

  return (
    <ThemeContext.Provider value={theme}>
      <Box flexDirection="column" width={width} height={size.rows - 1}>
        <Header data={state.data} width={width} instanceLines={layout.headerLines - 1} focused={state.instance} />
        <Tabs views={available} current={current?.id ?? null} width={width} />
        <Box height={layout.bodyLines} flexDirection="column" overflow="hidden">
          {body}
        </Box>
        {state.input ? <InputLine input={state.input} width={width} /> : <Footer hints={hints} status={state.status} width={width} />}
      </Box>
    </ThemeContext.Provider>
  );
}
