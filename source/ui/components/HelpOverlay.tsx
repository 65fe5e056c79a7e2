import React from 'react';
import { bindings, whereText, type Binding, type KeymapOptions } from '../keymap.js';
import { cell, wrapText } from '../text-fit.js';
import { TextOverlay, type OverlayLine } from './TextOverlay.js';

export interface HelpOverlayProps {
  width: number;
  height: number;
  keymap: KeymapOptions;
  /** Scroll offset (lines). */
  offset: number;
}

/** Every key, from the one keymap table, grouped by where it works (everywhere, in a list, in a view, in this view). */
export function helpLines(keymap: KeymapOptions, width = 1000): Array<{ text: string; heading: boolean }> {
  const out: Array<{ text: string; heading: boolean }> = [];
  const groups = new Map<string, Binding[]>();
  for (const b of bindings(keymap)) {
    const where = whereText(b, keymap.views);
    groups.set(where, [...(groups.get(where) ?? []), b]);
  }
  for (const [where, bs] of groups) {
    out.push({ text: where[0].toUpperCase() + where.slice(1), heading: true });
    // Long descriptions wrap under themselves rather than being cut.
    for (const b of bs) {
      wrapText(b.description, Math.max(20, width - 16)).forEach((t, i) => out.push({ text: `  ${cell(i === 0 ? b.label : '', 12)} ${t}`, heading: false }));
    }
  }
  return out;
}

export function HelpOverlay({ width, height, keymap, offset }: HelpOverlayProps): React.ReactElement {
  return <TextOverlay title="Keys — ? or Esc closes this help" lines={helpLines(keymap, width)} offset={offset} width={width} height={height} />;
}

/** A row's whole text, wrapped to the width (v). */
export function wholeTextLines(text: string, width: number): OverlayLine[] {
  return wrapText(text, Math.max(10, width - 2)).map((t) => ({ text: ' ' + t }));
}
