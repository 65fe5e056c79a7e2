// The edit flow inside the app: holds its state, takes the keys while it is
// open (a dialog before the view under it), and carries out its effects —
// the editor on a copy, staging, and applying only after `y`.
import { useCallback, useRef, useState } from 'react';
import * as path from 'node:path';
import { Sysroot, decodeBytes } from '../../sysroot/sysroot.js';
import { TargetReader, type SysrootWriter } from '../../sysroot/write.js';
import type { KeyEvent } from '../keymap.js';
import { flowKey, openMenu, stagedContent, type FlowState, type FlowEffect, type StagedEdit } from './flow.js';
import { buildPreview, applyPreview } from './preview.js';
import { submitForm, completeForm, type FormFiles } from './quick-forms.js';
import { editCopy } from './external-editor.js';
import type { EditStart } from './target.js';
import { sanitize } from '../../text/sanitize.js';

export interface EditFlowEnv {
  sysrootDir: string;
  /** The sysroot is a bundled demo's private copy (the hints say it goes at exit). */
  demo?: boolean;
  instances: string[];
  /** The installation quick forms write to (the focused one, else the first). */
  instance: string | null;
  /** Files were written: reload the views. */
  onApplied: () => void;
  /** The flow closed; a line for the status bar, if any. */
  onClose: (status: string | null) => void;
  /** A writer for one apply; null under --read-only, when the flow never opens and nothing can be written. */
  openWriter: (() => SysrootWriter) | null;
}

export interface EditFlowHandle {
  flow: FlowState | null;
  /** Open now (read from the latest state, not the last render). */
  active: () => boolean;
  open: (start: EditStart) => void;
  key: (input: string, key: KeyEvent) => void;
}

function preview(env: EditFlowEnv, staged: StagedEdit[], title: string): FlowState {
  const p = buildPreview(env.sysrootDir, env.instances, staged.flatMap((st) => st.edits), title);
  return p.ok ? { step: 'confirm', preview: p.preview } : { step: 'done', title: 'Refused', lines: [p.message], ok: false };
}

/** The files a quick form reads: as they would be after the edits staged already. */
function formFiles(env: EditFlowEnv, staged: StagedEdit[]): FormFiles {
  const sysroot = new Sysroot(env.sysrootDir);
  return {
    instance: env.instance ?? env.instances[0],
    read: (p) => {
      const st = stagedContent(staged, p);
      if (st !== undefined) return decodeBytes(st);
      try {
        const b = sysroot.read(p);
        return b === null ? null : decodeBytes(b);
      } catch {
        return null;
      }
    },
    exists: (p) => {
      try {
        return sysroot.stat(p) !== null;
      } catch {
        return true;
      }
    },
  };
}

function titleOf(staged: StagedEdit[]): string {
  return staged.map((s) => s.title).join(' + ');
}

export function runEffect(flow: FlowState, effect: FlowEffect, env: EditFlowEnv): FlowState | null {
  switch (effect.kind) {
    case 'none':
      return flow;
    case 'close':
      env.onClose(effect.status);
      return null;
    case 'editor': {
      let cur;
      try {
        cur = new TargetReader(new Sysroot(env.sysrootDir)).current(effect.path);
      } catch (e) {
        return { step: 'done', title: 'Cannot edit this file', lines: [sanitize(e instanceof Error ? e.message : String(e))], ok: false };
      }
      // A file already staged is edited as it would be, not as it is.
      const start = stagedContent(effect.staged, cur.path) ?? cur.content ?? Buffer.alloc(0);
      const r = editCopy(start, path.posix.basename(effect.path));
      if (r.content === null) return { step: 'done', title: 'Nothing staged', lines: [sanitize(r.message ?? '')], ok: false };
      if (r.content.equals(start)) {
        if (effect.staged.length === 0) {
          env.onClose('no change: nothing staged');
          return null;
        }
        return preview(env, effect.staged, titleOf(effect.staged));
      }
      const staged = [...effect.staged, { title: `edit ${effect.path}`, edits: [{ path: effect.path, content: r.content, expectSha256: cur.sha256 }] }];
      return preview(env, staged, titleOf(staged));
    }
    case 'complete':
      return flow.step === 'form' ? { ...flow, fields: completeForm(flow.kind, flow.fields, formFiles(env, flow.staged)) } : flow;
    case 'submit': {
      const res = submitForm(effect.form, effect.fields, formFiles(env, effect.staged));
      if (!res.ok) return flow.step === 'form' ? { ...flow, error: res.message } : flow;
      const staged = [...effect.staged, { title: res.summary, edits: res.edits.map((e) => ({ path: e.path, content: e.content })) }];
      if (effect.then === 'stage') return openMenu(effect.origin.file, effect.origin.prefill, staged);
      return preview(env, staged, titleOf(staged));
    }
    case 'confirmStaged':
      return preview(env, effect.staged, titleOf(effect.staged));
    case 'apply': {
      const r = applyPreview(env.openWriter?.() ?? null, effect.preview, { demo: env.demo });
      if (r.ok) env.onApplied();
      return r.ok ? { step: 'done', title: 'Applied', lines: r.lines, ok: true } : { step: 'done', title: 'Not applied', lines: [r.message], ok: false };
    }
  }
}

export function useEditFlow(env: EditFlowEnv): EditFlowHandle {
  const [flow, setFlow] = useState<FlowState | null>(null);
  // Keys may arrive faster than renders: always step from the latest state.
  const ref = useRef<FlowState | null>(null);
  const envRef = useRef(env);
  envRef.current = env;
  const set = (f: FlowState | null) => {
    ref.current = f;
    setFlow(f);
  };
  const open = useCallback((start: EditStart) => {
    if (!envRef.current.openWriter) return;
    set(openMenu(start.file, start.prefill));
  }, []);
  const key = useCallback((input: string, k: KeyEvent) => {
    const cur = ref.current;
    if (!cur) return;
    const { state, effect } = flowKey(cur, input, k);
    set(runEffect(state ?? cur, effect, envRef.current));
  }, []);
  const active = useCallback(() => ref.current !== null, []);
  return { flow, active, open, key };
}
