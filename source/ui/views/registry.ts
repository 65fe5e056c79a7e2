// The views in tab order. A view is listed here only once the part of the
// model it draws exists; each says itself whether its data has loaded.
import type { ViewDef } from './view-types.js';
import { domainsView } from './domains-view.js';
import { queuesView } from './queues-view.js';
import { traceView } from './trace-view.js';
import { dotqmailView } from './dotqmail-view.js';
import { veilView } from './veil-view.js';
import { problemsView } from './problems-view.js';
import { logView } from './log-view.js';

export const VIEWS: ViewDef[] = [domainsView, queuesView, dotqmailView, traceView, veilView, problemsView, logView];
