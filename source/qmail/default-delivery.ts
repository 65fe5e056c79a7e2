// The default delivery (qmail-start's first argument, qmail-local's
// aliasempty) of one installation, with its evidence: worked out from the
// start script that runs qmail-start (rc, a supervise run script, a unit), as
// the shell would expand its first word; with no start script in the tree,
// assumed from control/defaultdelivery, else qmail-start's built-in ./Mailbox.
import { decodeBytes } from '../sysroot/sysroot.js';
import { findQmailStart, resolveWord, type StartScript } from './startup.js';
import type { DefaultDelivery, Diagnostic } from './model-types.js';

/** What the default delivery is worked out from: the installation's start scripts and files. */
export interface DefaultDeliverySource {
  readonly root: string;
  readonly controlDir: string;
  startScripts(): StartScript[];
  /** A file of the tree, null when absent (an unreadable one is reported and counts as absent). */
  readFile(sysPath: string): Buffer | null;
  report(d: Diagnostic): void;
}

/** The default delivery's text as a screen or a lint line quotes it: JSON-quoted, cut to 60 characters. */
export function quotedDefaultDelivery(dd: DefaultDelivery): string {
  return JSON.stringify(dd.text.length > 60 ? dd.text.slice(0, 57) + '...' : dd.text);
}

export function defaultDeliveryOf(inst: DefaultDeliverySource): DefaultDelivery {
  const call = findQmailStart(inst.startScripts());
  let dd: DefaultDelivery;
  if (call && call.arg) {
    const r = resolveWord(call.arg, (p) => {
      const b = inst.readFile(p);
      return b === null ? null : decodeBytes(b);
    });
    const from = r.files.length ? ` (the content of ${r.files.join(', ')})` : '';
    dd = {
      text: r.text,
      path: call.path,
      line: call.line,
      explanation: `qmail-start's first argument in ${call.path} line ${call.line}: ${JSON.stringify(r.text)}${from}`,
    };
    if (r.unresolved.length > 0) {
      inst.report({
        path: call.path,
        line: call.line,
        severity: 'warning',
        code: 'default-delivery-unresolved',
        message: `cannot work out qmail-start's first argument: ${r.unresolved.map((u) => '`' + u + '`').join(', ')}`,
      });
      dd.explanation += ' (part of it could not be worked out)';
    }
    const dropped = r.text === '' && r.unresolved.length === 0 && !/["'\\]/.test(call.arg.raw);
    for (const f of r.missing) {
      inst.report({
        path: call.path,
        line: call.line,
        severity: 'error',
        code: 'default-delivery-missing-file',
        message: dropped
          ? `qmail-start's first argument reads ${f}, which does not exist: the unquoted word gives nothing, so the shell drops it and qmail-start takes ${call.logger[0] !== undefined ? JSON.stringify(call.logger[0]) : 'its built-in ./Mailbox'} as the default delivery`
          : `qmail-start's first argument reads ${f}, which does not exist: the default delivery is empty, and qmail-local defers mail for users without a .qmail (Uh-oh: first line of .qmail file is blank. (#4.2.1))`,
      });
    }
    // qmail-local turns an empty aliasempty into "\n": a blank first line, so it defers.
    if (r.text === '' && r.unresolved.length === 0) {
      dd.explanation += '; it is empty, so qmail-local defers mail for a user without a .qmail (Uh-oh: first line of .qmail file is blank. (#4.2.1))';
    }
    // Unquoted, a substitution that gives nothing is no word for the shell:
    // qmail-start's argv[1] is then the next word (qmail-start.c).
    if (dropped) {
      const next = call.logger[0];
      dd = {
        text: next ?? './Mailbox',
        path: call.path,
        line: call.line,
        explanation:
          next !== undefined
            ? `qmail-start's first argument in ${call.path} line ${call.line} (${call.arg.raw}) gives nothing and is not quoted: the shell drops it, so qmail-start takes the next word ${JSON.stringify(next)} as the default delivery`
            : `qmail-start's only argument in ${call.path} line ${call.line} (${call.arg.raw}) gives nothing and is not quoted: the shell drops it, so qmail-start's built-in ./Mailbox applies`,
      };
    }
  } else if (call) {
    dd = {
      text: './Mailbox',
      path: call.path,
      line: call.line,
      explanation: `qmail-start is run without arguments in ${call.path} line ${call.line}, so the default ./Mailbox applies`,
    };
  } else {
    dd = assumedDefaultDelivery(inst);
  }
  return dd;
}

/**
 * No start script in the tree (a copy of a server often holds control/ but
 * not rc or the supervise scripts): qmail-start's first argument, the real
 * default delivery, is unknown. control/defaultdelivery is what the stock
 * rc passes it (qmail-start "`cat /var/qmail/control/defaultdelivery`",
 * notqmail's "$(cat control/defaultdelivery)"), so its content is assumed,
 * as the command substitution gives it (trailing newlines dropped); only
 * without it, qmail-start's built-in ./Mailbox.
 */
function assumedDefaultDelivery(inst: DefaultDeliverySource): DefaultDelivery {
  const none = `no start script of ${inst.root} found (rc, supervise run scripts), so qmail-start's first argument, the real default delivery, is unknown`;
  const p = `${inst.controlDir}/defaultdelivery`;
  const b = inst.readFile(p);
  if (b === null) {
    return { text: './Mailbox', path: null, line: null, assumed: 'builtin', explanation: `assumed: ${none}, and there is no ${p}: qmail-start's built-in default ./Mailbox` };
  }
  const text = decodeBytes(b).replace(/\n+$/, '');
  const empty = text === '' ? '; it is empty, so qmail-local would defer mail for a user without a .qmail (Uh-oh: first line of .qmail file is blank. (#4.2.1))' : '';
  return {
    text,
    path: p,
    line: 1,
    assumed: 'defaultdelivery',
    explanation: `assumed: ${none}; taken to be the content of ${p}, which the stock rc passes to qmail-start (qmail-start "\`cat ${p}\`")${empty}`,
  };
}
