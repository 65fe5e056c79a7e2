// Validation of staged content with the same parsers qlens reads with. An
// error means qmail would refuse or misread the file (qmail-newu's "bad
// format", a .qmail whose first line is blank): such content is never
// applied. Warnings are shown and do not block.
import type { Diagnostic } from '../qmail/model-types.js';
import { parseDotQmail } from '../qmail/dotqmail.js';
import { parseAssign } from '../qmail/assign.js';
import { readListLines, colonMap } from '../qmail/control-readers.js';
import type { EditTarget } from './file-kind.js';

// Integer control files (reader C): a value without a leading digit keeps the default.
const INT_FILES = new Set([
  'concurrencylocal',
  'concurrencyremote',
  'queuelifetime',
  'databytes',
  'timeoutsmtpd',
  'timeoutremote',
  'timeoutconnect',
]);
// Host lists: one domain per line; a colon here is a sign of the wrong file.
const HOST_LISTS = new Set(['locals', 'rcpthosts', 'morercpthosts', 'percenthack']);
const COLON_MAPS = new Set(['virtualdomains', 'smtproutes']);

export function validateContent(target: EditTarget, sysPath: string, content: Buffer): Diagnostic[] {
  const out: Diagnostic[] = [];
  const diag = (severity: Diagnostic['severity'], code: string, message: string, line: number | null = null) =>
    out.push({ path: sysPath, line, severity, code, message });
  switch (target.kind) {
    case 'assign': {
      const parsed = parseAssign(content, sysPath);
      for (const e of parsed.errors) out.push({ ...e, severity: 'error' });
      break;
    }
    case 'dotqmail': {
      for (const d of parseDotQmail(sysPath, content).diagnostics) out.push(d);
      break;
    }
    case 'control': {
      const name = target.name;
      const nul = content.indexOf(0);
      if (nul >= 0) {
        const line = content.subarray(0, nul).toString('latin1').split('\n').length;
        diag('error', 'control-nul', 'a NUL byte: qmail reads the line only up to it', line);
      }
      const lines = readListLines(content) ?? [];
      if (COLON_MAPS.has(name)) {
        const { noColon } = colonMap(lines);
        for (const l of noColon) diag('warning', 'control-no-colon', `no ":" in this line: qmail ignores it`, l.line);
      }
      if (HOST_LISTS.has(name)) {
        for (const l of lines) {
          if (/[\s:@]/.test(l.text)) diag('warning', 'control-host', `"${l.text}" is not a plain domain name`, l.line);
          if (l.text.endsWith('\r')) diag('warning', 'control-cr', 'line ends in a carriage return, which qmail keeps as part of the name', l.line);
        }
      }
      if (INT_FILES.has(name) && !/^[0-9]/.test(content.toString('latin1'))) {
        diag('warning', 'control-int', 'no leading digit: qmail keeps its compiled-in default', 1);
      }
      if (name === 'me' && content.toString('latin1').split('\n')[0].trim() === '') {
        diag('error', 'control-me-empty', 'control/me would be empty: locals, bouncehost and more fall back to it');
      }
      break;
    }
    case 'derived':
      diag('error', 'edit-derived', `${target.name} is compiled by qmail, not edited: edit its source file instead`);
      break;
    case 'other':
      diag('info', 'edit-unknown', 'qlens does not know this file: its content is not checked');
      break;
  }
  return out;
}

export function hasErrors(diags: Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}
