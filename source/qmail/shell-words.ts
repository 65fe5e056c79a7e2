// A small shell word splitter for start scripts (rc, run scripts, systemd
// ExecStart lines): quotes, backslashes, `...` and $(...) substitutions kept
// as parts, $VAR from earlier assignments in the same script, comments,
// separators and redirections. Enough for the scripts LWQ and the
// distributions write; never executed. One lexer state (Lexer) is passed to
// top-level functions, one per thing the shell reads.
import type { Diagnostic, ShellCommand, ShellWord, WordPart } from './model-types.js';

/** Where the splitter is in the text, and what the script has set so far. */
interface Lexer {
  readonly text: string;
  /** The script's path, for diagnostics. */
  readonly path: string;
  i: number;
  line: number;
  /** Shell variables set by bare assignments and `export NAME=...` so far. */
  readonly vars: Map<string, ShellWord>;
  readonly diagnostics: Diagnostic[];
}

/** A word being read: its finished parts and the literal text not yet pushed. */
interface WordBuf {
  parts: WordPart[];
  lit: string;
  readonly startLine: number;
}

const ASSIGN = /^([A-Za-z_][A-Za-z0-9_]*)=/;

function isNameChar(c: string): boolean {
  return /[A-Za-z0-9_]/.test(c);
}

function isWordEnd(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === ';' || c === '&' || c === '|' || c === '\r';
}

export function partsText(parts: WordPart[]): string {
  return parts.map((p) => ('lit' in p ? p.lit : '`' + p.subst + '`')).join('');
}

/** The value part of a NAME=value word. */
export function stripAssignName(w: ShellWord, n: number): ShellWord {
  const parts = [...w.parts];
  let drop = n;
  while (drop > 0 && parts.length > 0) {
    const p = parts[0];
    if (!('lit' in p)) break;
    if (p.lit.length <= drop) {
      drop -= p.lit.length;
      parts.shift();
    } else {
      parts[0] = { lit: p.lit.slice(drop) };
      drop = 0;
    }
  }
  return { raw: w.raw.slice(w.raw.indexOf('=') + 1), parts, value: partsText(parts), line: w.line };
}

function pushLit(w: WordBuf): void {
  if (w.lit) w.parts.push({ lit: w.lit });
  w.lit = '';
}

/**
 * What lies between words: a command separator ('end'), something skipped
 * (blanks, a comment, a line continuation, a redirection and its target,
 * grouping characters), or the start of a word.
 */
function readGap(lx: Lexer): 'end' | 'skipped' | 'word' {
  const { text } = lx;
  const c = text[lx.i];
  if (c === '\\' && text[lx.i + 1] === '\n') {
    lx.i += 2;
    lx.line++;
    return 'skipped';
  }
  if (c === '\n' || c === ';' || c === '&' || c === '|') {
    if (c === '\n') lx.line++;
    lx.i++;
    return 'end';
  }
  if (c === ' ' || c === '\t' || c === '\r' || c === '(' || c === ')' || c === '{' || c === '}') {
    lx.i++;
    return 'skipped';
  }
  if (c === '#') {
    while (lx.i < text.length && text[lx.i] !== '\n') lx.i++;
    return 'skipped';
  }
  // Redirections (2>&1, >/dev/null, <file) are not words: skip them and their target.
  const redir = /^[0-9]*(?:>>|>&|<&|>|<)[ \t]*/.exec(text.slice(lx.i, lx.i + 16));
  if (redir) {
    lx.i += redir[0].length;
    while (lx.i < text.length && !/[ \t\n;&|]/.test(text[lx.i])) lx.i++;
    return 'skipped';
  }
  return 'word';
}

/** The body of a `...` substitution (at the backtick); backslashes quote the next character. */
function readBackquoted(lx: Lexer, w: WordBuf): string {
  const { text } = lx;
  let body = '';
  lx.i++;
  while (lx.i < text.length && text[lx.i] !== '`') {
    if (text[lx.i] === '\\' && lx.i + 1 < text.length) {
      body += text[lx.i + 1];
      lx.i += 2;
      continue;
    }
    if (text[lx.i] === '\n') lx.line++;
    body += text[lx.i++];
  }
  if (lx.i >= text.length) lx.diagnostics.push({ path: lx.path, line: w.startLine, severity: 'warning', code: 'script-syntax', message: 'unterminated `...` substitution' });
  lx.i++;
  return body;
}

/** The body of a $(...) substitution (at the "$("), nested parentheses counted. */
function readDollarParen(lx: Lexer, w: WordBuf): string {
  const { text } = lx;
  let body = '';
  lx.i += 2;
  let depth = 1;
  while (lx.i < text.length) {
    if (text[lx.i] === '(') depth++;
    if (text[lx.i] === ')' && --depth === 0) break;
    if (text[lx.i] === '\n') lx.line++;
    body += text[lx.i++];
  }
  if (lx.i >= text.length) lx.diagnostics.push({ path: lx.path, line: w.startLine, severity: 'warning', code: 'script-syntax', message: 'unterminated $(...) substitution' });
  lx.i++;
  return body;
}

/** A command substitution, kept as a part of its own (never run). */
function readSubst(lx: Lexer, w: WordBuf, quoted: boolean): void {
  const body = lx.text[lx.i] === '`' ? readBackquoted(lx, w) : readDollarParen(lx, w);
  pushLit(w);
  w.parts.push({ subst: body.trim(), quoted });
}

/** $NAME or ${NAME}: an earlier assignment's value, else the text as written. */
function readVar(lx: Lexer, w: WordBuf, quoted: boolean): void {
  const { text } = lx;
  let name = '';
  let j = lx.i + 1;
  if (text[j] === '{') {
    const end = text.indexOf('}', j);
    if (end < 0) {
      w.lit += '$';
      lx.i++;
      return;
    }
    name = text.slice(j + 1, end);
    j = end + 1;
  } else {
    while (j < text.length && isNameChar(text[j])) name += text[j++];
  }
  if (!name) {
    w.lit += '$';
    lx.i++;
    return;
  }
  const known = lx.vars.get(name);
  if (known) {
    for (const p of known.parts) {
      if ('lit' in p) w.lit += p.lit;
      else {
        pushLit(w);
        w.parts.push({ subst: p.subst, quoted: quoted || p.quoted });
      }
    }
  } else w.lit += text.slice(lx.i, j);
  lx.i = j;
}

function isSubstStart(text: string, i: number): boolean {
  return text[i] === '`' || (text[i] === '$' && text[i + 1] === '(');
}

/** "...": backslash quotes only $ ` " \ and newline; substitutions and variables are read inside. */
function readDoubleQuoted(lx: Lexer, w: WordBuf): void {
  const { text } = lx;
  lx.i++;
  while (lx.i < text.length && text[lx.i] !== '"') {
    const e = text[lx.i];
    if (e === '\\' && lx.i + 1 < text.length && '$`"\\\n'.includes(text[lx.i + 1])) {
      if (text[lx.i + 1] === '\n') lx.line++;
      else w.lit += text[lx.i + 1];
      lx.i += 2;
      continue;
    }
    if (isSubstStart(text, lx.i)) {
      readSubst(lx, w, true);
      continue;
    }
    if (e === '$') {
      readVar(lx, w, true);
      continue;
    }
    if (e === '\n') lx.line++;
    w.lit += e;
    lx.i++;
  }
  lx.i++;
}

/** '...': everything literal up to the next quote. */
function readSingleQuoted(lx: Lexer, w: WordBuf): void {
  const { text } = lx;
  const end = text.indexOf("'", lx.i + 1);
  const body = end < 0 ? text.slice(lx.i + 1) : text.slice(lx.i + 1, end);
  for (const ch of body) if (ch === '\n') lx.line++;
  w.lit += body;
  lx.i = end < 0 ? text.length : end + 1;
}

/** An unquoted backslash: a line continuation, or the next character taken literally. */
function readBackslash(lx: Lexer, w: WordBuf): void {
  const { text } = lx;
  if (text[lx.i + 1] === '\n') {
    lx.i += 2;
    lx.line++;
    return;
  }
  if (lx.i + 1 < text.length) w.lit += text[lx.i + 1];
  lx.i += 2;
}

/** One word, up to a blank or a separator. */
function readWord(lx: Lexer): ShellWord {
  const { text } = lx;
  const start = lx.i;
  const w: WordBuf = { parts: [], lit: '', startLine: lx.line };
  while (lx.i < text.length) {
    const d = text[lx.i];
    if (isWordEnd(d)) break;
    if (d === '\\') readBackslash(lx, w);
    else if (d === "'") readSingleQuoted(lx, w);
    else if (d === '"') readDoubleQuoted(lx, w);
    else if (isSubstStart(text, lx.i)) readSubst(lx, w, false);
    else if (d === '$') readVar(lx, w, false);
    else {
      w.lit += d;
      lx.i++;
    }
  }
  pushLit(w);
  return { raw: text.slice(start, lx.i), parts: w.parts, value: partsText(w.parts), line: w.startLine };
}

/** A command's leading NAME=value words; a bare assignment or `export NAME=...` sets a variable for later words. */
function finishCommand(lx: Lexer, words: ShellWord[], line: number): ShellCommand {
  const assigns: ShellCommand['assigns'] = [];
  let k = 0;
  while (k < words.length) {
    const m = ASSIGN.exec(words[k].raw);
    if (!m) break;
    assigns.push({ name: m[1], value: stripAssignName(words[k], m[1].length + 1) });
    k++;
  }
  const rest = words.slice(k);
  if (rest.length === 0) for (const a of assigns) lx.vars.set(a.name, a.value);
  if (rest.length > 0 && rest[0].value === 'export') {
    for (const w of rest.slice(1)) {
      const m = ASSIGN.exec(w.raw);
      if (m) lx.vars.set(m[1], stripAssignName(w, m[1].length + 1));
    }
  }
  return { assigns, words: rest, line };
}

/** Split shell text into commands of words. Never throws: odd input gives odd words and a diagnostic. */
export function splitShell(text: string, path = '(script)'): { commands: ShellCommand[]; diagnostics: Diagnostic[] } {
  const lx: Lexer = { text, path, i: 0, line: 1, vars: new Map(), diagnostics: [] };
  const commands: ShellCommand[] = [];
  let words: ShellWord[] = [];
  let cmdLine = 1;
  while (lx.i < text.length) {
    const gap = readGap(lx);
    if (gap === 'end') {
      if (words.length > 0) commands.push(finishCommand(lx, words, cmdLine));
      words = [];
    } else if (gap === 'word') {
      if (words.length === 0) cmdLine = lx.line;
      words.push(readWord(lx));
    }
  }
  if (words.length > 0) commands.push(finishCommand(lx, words, cmdLine));
  return { commands, diagnostics: lx.diagnostics };
}
