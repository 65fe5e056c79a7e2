import React, { useEffect, useMemo, useReducer, useRef } from 'react';
import { Box, useApp } from 'ink';
import { initialState, reduce, type UiAction, type UiState, type ViewId } from '../store.js';
import { ThemeContext, makeTheme } from '../theme.js';
import { footerHints, type Command, type KeyContext, type KeymapOptions } from '../keymap.js';
import { frameLayout, tooSmall } from '../layout.js';
import { keyActions, splitKeys, selectedRow, shownView, HELP_PANE, TEXT_PANE } from '../key-dispatch.js';
import { useKeys } from '../hooks/use-keys.js';
import { useTerminalSize } from '../hooks/use-terminal-size.js';
import { VIEWS } from '../views/registry.js';
import type { PaneModel, ViewDef } from '../views/view-types.js';
import { topFrame } from '../views/text-pane.js';
import type { SessionData } from '../session-data.js';
import type { Loader } from '../loader.js';
import { Header } from './Header.js';
import { Tabs } from './Tabs.js';
import { Footer } from './Footer.js';
import { InputLine } from './InputLine.js';
import { HelpOverlay, helpLines, wholeTextLines } from './HelpOverlay.js';
import { TextOverlay, overlayPositions, overlayRoom } from './TextOverlay.js';
import { TooSmall } from './TooSmall.js';
import { Overview } from './Overview.js';
import { useEditFlow, type EditFlowHandle } from '../edit/use-edit-flow.js';
import { EditFlow } from '../edit/EditFlow.js';
import { Sysroot } from '../../sysroot/sysroot.js';
import { SysrootWriter } from '../../sysroot/write.js';

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

/** The loader of the session, started again on `r`; what a view shows that needs reading is asked of it. */
function useLoader(load: AppProps['load'], state: UiState, current: ViewDef | null, pane: PaneModel | null, dispatch: (a: UiAction) => void): void {
  const loaderRef = useRef<Loader | null>(null);
  useEffect(() => {
    const loader = load((data) => dispatch({ type: 'data', data }));
    loaderRef.current = loader;
    if (state.reloadCount > 0) void loader.done.then(() => dispatch({ type: 'status', text: 'reloaded from disk' }));
    return () => loader.cancel();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state.reloadCount]);
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
}

/** A view key pressed while loading: the view opens once its data is here (or the load ends without it). */
function useWantedView(state: UiState, available: ViewId[], views: ViewDef[], dispatch: (a: UiAction) => void): void {
  const want = state.wantView;
  const here = want !== null && available.includes(want);
  const over = state.data.progress === null;
  useEffect(() => {
    if (want === null) return;
    if (here) {
      dispatch({ type: 'view', view: want });
      dispatch({ type: 'status', text: null });
    } else if (over) {
      dispatch({ type: 'wantView', view: null });
      dispatch({ type: 'status', text: `the ${views.find((v) => v.id === want)?.title ?? want} view has no data in this session` });
    }
  }, [want, here, over, views, dispatch]);
}

function overlayHints(overlay: 'help' | 'text'): Array<{ label: string; hint: string }> {
  return [
    { label: overlay === 'help' ? 'Esc/?' : 'Esc/v', hint: 'close' },
    { label: '↑↓', hint: 'scroll' },
    { label: 'PgDn/PgUp', hint: 'a page' },
    { label: 'g/G', hint: 'top/end' },
  ];
}

interface KeySetup {
  views: ViewDef[];
  keymap: KeymapOptions;
  width: number;
  bodyLines: number;
  listHeight: number;
  small: boolean;
  helpCount: number;
  overlayHeight: number;
}

/**
 * The one live key handler: keys go to the edit flow while it is open (a
 * dialog over the view), else through the dispatcher. Split keys are
 * replayed on a local copy of the state so each sees the last one's effect.
 */
function useAppKeys(state: UiState, pane: PaneModel | null, edit: EditFlowHandle, dispatch: (a: UiAction) => void, k: KeySetup): void {
  useKeys((input, key) => {
    let local = state;
    let localPane = pane;
    for (const [inp, ev] of splitKeys(input, key)) {
      if (edit.active() && !(ev.ctrl && inp === 'c')) {
        edit.key(inp, ev);
        continue;
      }
      const available = k.views.filter((v) => local.data.instances.length > 0 && v.available(local.data)).map((v) => v.id);
      const actions = keyActions(inp, ev, { state: local, pane: localPane, available, listHeight: k.listHeight, tooSmall: k.small, keymap: k.keymap, helpCount: k.helpCount, overlayHeight: k.overlayHeight });
      for (const a of actions) {
        if (a.type === 'openEdit') edit.open(a.start);
        dispatch(a);
        local = reduce(local, a);
      }
      if (actions.length) {
        const id = shownView(local, available);
        const cur = k.views.find((v) => v.id === id) ?? null;
        localPane = cur ? cur.pane({ data: local.data, ui: local, width: k.width, height: k.bodyLines }) : null;
      }
    }
  });
}

export function App({ initial, load, color, readOnly, views = VIEWS, initialView, extraCommands = [] }: AppProps): React.ReactElement {
  const [state, dispatch] = useReducer(reduce, initial, (d) => initialState(d, initialView ?? views[0]?.id));
  const { exit } = useApp();
  const size = useTerminalSize();
  const theme = useMemo(() => makeTheme(color), [color]);
  useEffect(() => {
    if (state.quit) exit();
  }, [state.quit, exit]);

  const available = state.data.instances.length ? views.filter((v) => v.available(state.data)) : [];
  const availableIds = available.map((v) => v.id);
  const current = available.find((v) => v.id === shownView(state, availableIds)) ?? null;
  const small = tooSmall(size.columns, size.rows);
  const width = size.columns;
  const layout = frameLayout(size.columns, size.rows, state.data.instances.length);
  const pane = useMemo(
    () => (current ? current.pane({ data: state.data, ui: state, width, height: layout.bodyLines }) : null),
    // The pane depends on the whole snapshot; recomputed per state change only.
    [current, state, width, layout.bodyLines],
  );
  useLoader(load, state, current, pane, dispatch);
  useWantedView(state, availableIds, views, dispatch);
  const editable = extraCommands.includes('edit');
  const keymap: KeymapOptions = useMemo(() => ({ readOnly, views, view: current?.id ?? null, available: (c: Command) => c !== 'edit' || editable }), [readOnly, views, current?.id, editable]);
  const listHeight = Math.max(1, layout.bodyLines - (pane?.fixedLines ?? 0) - (pane?.detailLines?.(width) ?? 0));
  // The open overlay's lines: the keys, or a row's whole text.
  const overlayLines = state.overlay === 'text' ? wholeTextLines(state.overlayText?.text ?? '', width) : helpLines(keymap, width);
  const helpCount = overlayPositions(overlayLines.length, layout.bodyLines);
  const edit = useEditFlow({
    sysrootDir: state.data.source.sysrootDir,
    demo: state.data.source.demo !== null,
    instances: state.data.instances.map((i) => i.root),
    instance: state.instance,
    onApplied: () => dispatch({ type: 'reload' }),
    onClose: (text) => dispatch({ type: 'status', text }),
    // No writer under --read-only: the edit flow cannot open and nothing below it can write.
    openWriter: readOnly ? null : () => new SysrootWriter(new Sysroot(state.data.source.sysrootDir)),
  });
  useAppKeys(state, pane, edit, dispatch, { views, keymap, width, bodyLines: layout.bodyLines, listHeight, small, helpCount, overlayHeight: overlayRoom(layout.bodyLines) });

  if (small) {
    return (
      <ThemeContext.Provider value={theme}>
        <TooSmall columns={size.columns} rows={size.rows} />
      </ThemeContext.Provider>
    );
  }

  // While the edit flow is open its own line says which keys do what; the view's hints would mislead.
  const keyCtx: KeyContext = { state, view: current?.id ?? null, pane, row: selectedRow({ state, pane, listHeight }), available: availableIds, listHeight };
  // Over an overlay only its own keys work: the footer says those.
  const hints = edit.flow ? [] : state.overlay ? overlayHints(state.overlay) : footerHints({ ...keymap, scopes: pane ? ['global', 'list', 'view'] : ['global'], ctx: keyCtx });
  let body: React.ReactElement;
  if (edit.flow) {
    body = <EditFlow flow={edit.flow} width={width} height={layout.bodyLines} />;
  } else if (state.overlay === 'help') {
    body = <HelpOverlay width={width} height={layout.bodyLines} keymap={keymap} offset={state.lists[HELP_PANE]?.cursor ?? 0} />;
  } else if (state.overlay === 'text') {
    body = <TextOverlay title="the whole row — v or Esc closes" lines={overlayLines} offset={state.lists[TEXT_PANE]?.cursor ?? 0} width={width} height={layout.bodyLines} />;
  } else if (current && pane) {
    body = current.render({ pane, ui: state, data: state.data, width, height: layout.bodyLines });
  } else {
    body = <Overview data={state.data} width={width} height={layout.bodyLines} />;
  }

  return (
    <ThemeContext.Provider value={theme}>
      <Box flexDirection="column" width={width} height={size.rows - 1}>
        <Header data={state.data} width={width} instanceLines={layout.headerLines - 1} focused={state.instance} />
        <Tabs views={available} all={views} current={current?.id ?? null} width={width} loading={state.data.progress !== null} />
        <Box height={layout.bodyLines} flexDirection="column" overflow="hidden">
          {body}
        </Box>
        {state.input ? <InputLine input={state.input} width={width} /> : <Footer hints={hints} status={state.status} width={width} />}
      </Box>
    </ThemeContext.Provider>
  );
}
