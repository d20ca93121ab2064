import { ApiError, apiKey, getJson, isNotServed, listOf, pick, postJson, setApiKey } from '../api';
import { actionError, card, emptyState, errorBox, field, h, loading, table } from '../dom';
import * as fmt from '../format';
import { poll, type Page, type PageContext } from '../page';
import { notServedDags, objectsToTable } from '../views';

type Obj = Record<string, unknown>;
const nameOf = (d: Obj) => String(pick(d, 'name', 'id') ?? '');
const dsOf = (r: Obj) => String(pick(r, 'ds', 'date', 'logicalDate', 'logical_date') ?? '').slice(0, 10);

export const pipelines: Page = {
  path: '/pipelines',
  title: 'Pipelines',
  async render(root, ctx) {
    root.append(h('p', { class: 'lead' }, 'DAGs of the orchestrator, their runs, task states and logs.'), keyForm(ctx));
    let body: unknown = null;
    try {
      body = await getJson<unknown>('/api/v1/dags', ctx.signal);
    } catch (e) {
      // A process without the scheduler role has no DAGs to list: saying none are registered sent readers looking
      // for a missing DAG instead of at the process that runs them, which the server's answer names.
      if (isNotServed(e)) {
        root.append(card('DAGs', { wide: true, id: 'dags' }, notServedDags(e, 'DAGs', 'Pipelines page')));
        return;
      }
      if (!(e instanceof ApiError && e.status === 404)) throw e;
    }
    const dags = listOf<Obj>(body, 'dags');
    const unloaded = listOf<Obj>(body, 'unloaded');
    const errors = listOf<unknown>(body, 'errors').map(String);
    if (!dags.length && !ctx.params.get('dag')) {
      root.append(card('DAGs', { wide: true, id: 'dags' }, emptyState('No DAGs are registered.', 'DAGs ship with `emporium up`; list them with `emporium dag list`.')));
      if (unloaded.length || errors.length) root.append(notLoadedCard(unloaded, errors));
      return;
    }
    const selected = ctx.params.get('dag') ?? nameOf(mostRecentlyRun(dags));
    const dagRow = (d: Obj) => h('tr', {},
      h('th', { scope: 'row' }, h('a', { href: `#/pipelines?dag=${encodeURIComponent(nameOf(d))}`, 'aria-current': nameOf(d) === selected ? 'true' : undefined }, nameOf(d))),
      h('td', {}, String(pick(d, 'schedule', 'cron') ?? '—')),
      h('td', {}, String(pick(d, 'description', 'doc') ?? '')));
    const dagTable = h('table', { 'data-testid': 'dags-table' },
      h('thead', {}, h('tr', {}, ...['DAG', 'Schedule', 'Description'].map(c => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, ...dags.map(dagRow)));
    root.append(card('DAGs', { wide: true, id: 'dags' }, dags.length
      ? h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'DAGs' }, dagTable)
      : emptyState('No DAGs are loaded.', 'DAGs ship with `emporium up`; list them with `emporium dag list`.')));
    // The API and `emporium dag list` name the DAGs that did not load and why; without this the page showed their
    // runs (a link from the overview) with nothing saying the DAG was gone.
    if (unloaded.length || errors.length) root.append(notLoadedCard(unloaded, errors, selected));
    const grid = h('div', { class: 'grid' });
    root.append(grid);
    const runs = card(`Runs of ${selected}`, { wide: true, id: 'runs' }, loading());
    const loaded = dags.some(d => nameOf(d) === selected);
    grid.append(loaded ? triggerForm(selected, ctx, () => refresh()) : notLoadedNotice(selected, unloaded, errors.length > 0), runs);
    const refresh = () => showRuns(runs, selected, ctx);
    let first = true;
    await new Promise<void>(resolve => poll(ctx, 3000, async () => {
      await refresh();
      if (first) { first = false; resolve(); }
    }, () => { if (first) { first = false; resolve(); } }));
  },
};

/** DAGs the orchestrator could not load: by name with the reason (an invalid definition, or active runs of a DAG whose
 * definition is gone), then the loader's own errors (a definition whose constructor failed has no name to list). */
function notLoadedCard(unloaded: Obj[], errors: string[], selected?: string): HTMLElement {
  const rows = unloaded.map(u => h('li', { 'data-dag': nameOf(u) },
    h('a', { href: `#/pipelines?dag=${encodeURIComponent(nameOf(u))}`, 'aria-current': nameOf(u) === selected ? 'true' : undefined }, nameOf(u)),
    ` (${String(pick(u, 'status') ?? 'not loaded')}): ${String(pick(u, 'reason', 'error') ?? '')}`));
  return card('DAGs not loaded', { wide: true, id: 'dags-not-loaded' },
    h('p', { class: 'muted' }, 'These definitions did not load, so their DAGs cannot run; their runs are kept. `emporium dag list` shows the same.'),
    ...(rows.length ? [h('ul', { class: 'feed', 'data-testid': 'unloaded-dags' }, ...rows)] : []),
    ...(errors.length ? [h('h3', {}, 'Definition errors'), h('ul', { class: 'feed', 'data-testid': 'dag-errors' }, ...errors.map(e => h('li', { class: 'task-error' }, e)))] : []));
}

/** In place of the trigger form for a DAG this server has no definition of: why, from the API, or where to look. */
function notLoadedNotice(dag: string, unloaded: Obj[], errorsShown: boolean): HTMLElement {
  const known = unloaded.find(u => nameOf(u) === dag);
  const why = known
    ? String(pick(known, 'reason', 'error') ?? '')
    : `DAG '${dag}' has no loaded definition: ${errorsShown ? 'it was removed, or its definition failed to load (see the definition errors above)' : 'no DAG of that name is defined here'}.`;
  return card(`${dag} is not loaded`, { id: 'trigger' }, h('p', { class: 'error', 'data-testid': 'dag-not-loaded' }, why));
}

/** The DAG whose run started last (what someone opening the page most likely wants to see), else the first. */
function mostRecentlyRun(dags: Obj[]): Obj {
  const started = (d: Obj) => String(pick(d, 'lastStartedAt') ?? '');
  return dags.reduce((best, d) => started(d) > started(best) ? d : best, dags[0]);
}

/** The API key of this tab. Setting or forgetting it draws the page again, so what the key may read shows at once. */
function keyForm(ctx: PageContext): HTMLElement {
  const input = h('input', { type: 'password', name: 'apiKey', autocomplete: 'off', value: apiKey() });
  const saved = h('span', { class: 'muted', role: 'status', 'data-testid': 'key-status' }, apiKey() ? 'A key is set for this tab.' : 'No key set: fine unless the server has API keys configured.');
  const use = (key: string) => { setApiKey(key); ctx.reload(); };
  const form = h('form', { class: 'filters', 'aria-label': 'API key' }, field('API key (kept for this tab only)', input),
    h('button', { type: 'submit' }, 'Use key'), h('button', { type: 'button', class: 'secondary', onclick: () => use('') }, 'Forget key'), saved);
  form.addEventListener('submit', ev => { ev.preventDefault(); use(input.value.trim()); });
  return form;
}

function parseParams(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (!t) continue;
    const eq = t.indexOf('=');
    if (eq <= 0) throw new Error(`Parameter "${t}" is not key=value.`);
    out[t.slice(0, eq).trim()] = t.slice(eq + 1).trim();
  }
  return out;
}

function triggerForm(dag: string, ctx: PageContext, refresh: () => void): HTMLElement {
  // Empty: the server picks the latest interval that has ended (yesterday for @daily), as `emporium dag run` does; a
  // run of today's interval would read part of its data.
  const date = h('input', { type: 'date', name: 'date' });
  const to = h('input', { type: 'date', name: 'to' });
  const params = h('textarea', { name: 'params', rows: 2, placeholder: 'key=value, one per line' });
  const reprocess = h('select', { name: 'reprocess' },
    h('option', { value: 'failed' }, 'Days without a run, and failed runs'),
    h('option', { value: 'missing' }, 'Only days without a run'),
    h('option', { value: 'all' }, 'Every day, succeeded runs too'));
  const status = h('div', { role: 'status', 'aria-live': 'polite', 'data-testid': 'trigger-status' });
  const form = h('form', { class: 'stack', 'aria-label': `Trigger ${dag}` },
    field('Date (ds), or first day of a backfill (empty: the latest ended interval)', date), field('Backfill to (optional, inclusive)', to), field('Backfill runs', reprocess), field('Parameters', params),
    h('button', { type: 'submit' }, 'Trigger'), status);
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    try {
      const p = parseParams(params.value);
      if (to.value) {
        if (!date.value) throw new Error('A backfill needs its first day in the date field.');
        if (to.value < date.value) throw new Error('The backfill end is before its start.');
        status.replaceChildren('Starting the backfill…');
        const res = await postJson<Obj>(`/api/v1/dags/${encodeURIComponent(dag)}/backfill`, { from: date.value, to: to.value, params: p, reprocess: reprocess.value }, ctx.signal);
        const created = listOf(pick(res, 'created')).length;
        const reasons = new Map<string, number>();
        for (const s of listOf(pick(res, 'skipped'))) {
          const reason = String(pick(s, 'reason'));
          reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
        }
        const skipped = [...reasons].map(([reason, n]) => `, ${fmt.count(n)} day${n === 1 ? '' : 's'} skipped (${reason})`).join('');
        status.replaceChildren(`Backfill of ${dag}: ${fmt.count(created)} run${created === 1 ? '' : 's'} started${skipped}.`);
      } else {
        status.replaceChildren('Starting the run…');
        const run = await postJson<Obj>(`/api/v1/dags/${encodeURIComponent(dag)}/runs`, { ...(date.value ? { date: date.value } : {}), params: p }, ctx.signal);
        status.replaceChildren(`Started ${dag} for ${fmt.date(dsOf(run))}.`);
      }
      refresh();
    } catch (e) {
      status.replaceChildren(actionError(e));
    }
  });
  return card(`Trigger ${dag}`, { id: 'trigger' }, form);
}

const lastShown = new WeakMap<HTMLElement, string>();

async function showRuns(el: HTMLElement, dag: string, ctx: PageContext): Promise<void> {
  const title = el.firstElementChild!;
  try {
    const body = await getJson<unknown>(`/api/v1/dags/${encodeURIComponent(dag)}/runs?limit=20`, ctx.signal);
    // Polling redraws only on change, so an open log or the keyboard focus stays put.
    const json = JSON.stringify(body);
    if (lastShown.get(el) === json) return;
    lastShown.set(el, json);
    const list = listOf<Obj>(body, 'runs');
    if (!list.length) { el.replaceChildren(title, emptyState('No runs yet.', `Trigger one here or run \`emporium dag run ${dag}\`.`)); return; }
    const openDs = ctx.params.get('ds') ?? dsOf(list[0]);
    const rows = list.map(r => ({ ds: dsOf(r), state: pick(r, 'state', 'status'), started: pick(r, 'startedAt', 'started_at', 'start'), ended: pick(r, 'endedAt', 'ended_at', 'finishedAt', 'end') }));
    const runsTable = table(objectsToTable(rows, ['ds', 'state', 'started', 'ended']), { caption: `Latest runs of ${dag}`, testId: 'runs-table', formats: { ds: 'date', started: 'date', ended: 'date' } });
    // Link each run's date to its task view.
    runsTable.querySelectorAll('td[data-col="ds"]').forEach((td, i) => {
      td.replaceChildren(h('a', { href: `#/pipelines?dag=${encodeURIComponent(dag)}&ds=${rows[i].ds}` }, td.textContent ?? rows[i].ds));
    });
    runsTable.querySelectorAll('td[data-col="state"]').forEach(td => td.classList.add(`state-${(td.textContent ?? '').toLowerCase()}`));
    const open = list.find(r => dsOf(r) === openDs);
    const tasks = listOf<Obj>(open ? pick(open, 'tasks', 'taskInstances', 'task_instances') : null);
    const active = ['queued', 'running'].includes(String(pick(open ?? {}, 'state', 'status') ?? '').toLowerCase());
    // An active run changes on every poll: only the tables are drawn again, in place. The task log stays in the page
    // (open, scrolled where the reader left it) and the focus stays on the control that had it; redrawing the whole
    // card closed the log and threw the focus back to the page every 3 seconds.
    const log = logPane(el, dag, openDs, ctx);
    let live = el.querySelector<HTMLElement>(':scope > .runs-live');
    if (!live || log.pre.parentElement !== el) {
      live = h('div', { class: 'runs-live' });
      el.replaceChildren(title, live, log.pre);
    }
    redrawKeepingFocus(live, runsTable, h('h3', {}, `Tasks on ${fmt.date(openDs)}`),
      ...(active ? [cancelForm(dag, openDs, ctx, () => { lastShown.delete(el); void showRuns(el, dag, ctx); })] : []),
      tasks.length ? taskTable(tasks, log.show) : h('p', { class: 'muted' }, 'No task instances recorded for this run.'));
  } catch (e) {
    logPanes.delete(el);
    el.replaceChildren(title, errorBox(e));
  }
}

/** Replaces a polled part's children, then puts the focus back on the same control in the new ones (a task's Log
 * button, a run's link), found by what names it. */
function redrawKeepingFocus(part: HTMLElement, ...children: HTMLElement[]): void {
  const active = document.activeElement;
  const key = active instanceof HTMLElement && part.contains(active) ? focusKey(active) : null;
  part.replaceChildren(...children);
  if (key) [...part.querySelectorAll<HTMLElement>('*')].find(e => focusKey(e) === key)?.focus({ preventScroll: true });
}

const focusKey = (e: HTMLElement) => `${e.tagName}|${e.getAttribute('aria-label') ?? e.getAttribute('href') ?? e.textContent ?? ''}`;

type LogPane = { ds: string; pre: HTMLElement; show: (task: string) => Promise<void> };
const logPanes = new WeakMap<HTMLElement, LogPane>();

/** The task log of the run shown in a runs card: one per run day, kept across polls. */
function logPane(el: HTMLElement, dag: string, ds: string, ctx: PageContext): LogPane {
  const known = logPanes.get(el);
  if (known?.ds === ds) return known;
  const pre = h('pre', { class: 'logs', tabindex: 0, 'aria-label': 'Task log', hidden: true });
  // The log opens below the table: it takes the focus (and names its task) once loaded, so a keyboard or screen reader
  // user who pressed a task's Log button is taken to it instead of staying on the button with nothing announced.
  const show = async (task: string) => {
    pre.hidden = false;
    pre.setAttribute('aria-label', `Task log: ${task}`);
    pre.textContent = 'Loading…';
    try {
      const body = await getJson<unknown>(`/api/v1/dags/${encodeURIComponent(dag)}/runs/${ds}/tasks/${encodeURIComponent(task)}/logs`, ctx.signal);
      const text = typeof body === 'string' ? body : listOf<unknown>(body, 'logs', 'lines').map(l => typeof l === 'string' ? l : JSON.stringify(l)).join('\n') || 'The log is empty.';
      // The server answers the last lines of a long log (a line per alert makes hundreds of thousands); say so first.
      const cut = typeof body === 'object' && body !== null && (body as Obj).truncated === true;
      pre.textContent = cut
        ? `The last ${fmt.count((body as Obj).lines instanceof Array ? ((body as Obj).lines as unknown[]).length : 0)} of ${fmt.count((body as Obj).totalLines)} lines (emporium dag logs ${dag} --date ${ds} --task ${task} prints them all).\n${text}`
        : text;
    } catch (e) {
      pre.textContent = e instanceof ApiError && e.status === 404 ? 'No log for this task.' : String(e instanceof Error ? e.message : e);
    }
    if (pre.isConnected) pre.focus();
  };
  const pane = { ds, pre, show };
  logPanes.set(el, pane);
  return pane;
}

/** Ends the shown run as failed (POST …/cancel): its running tries stop and its tasks not ended fail as cancelled. */
function cancelForm(dag: string, ds: string, ctx: PageContext, refresh: () => void): HTMLElement {
  const status = h('span', { role: 'status', 'aria-live': 'polite', 'data-testid': 'cancel-status' });
  const button = h('button', { type: 'button', class: 'secondary' }, 'Cancel run');
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await postJson(`/api/v1/dags/${encodeURIComponent(dag)}/runs/${encodeURIComponent(ds)}/cancel`, {}, ctx.signal);
      refresh();
    } catch (e) {
      button.disabled = false;
      status.replaceChildren(actionError(e));
    }
  });
  return h('div', { class: 'filters' }, button, status);
}

function taskTable(tasks: Obj[], show: (task: string) => Promise<void>): HTMLElement {
  return h('div', {},
    h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Tasks' }, h('table', { 'data-testid': 'tasks-table' },
      h('thead', {}, h('tr', {}, ...['Task', 'State', 'Tries', 'Started', 'Ended', 'Error', 'Log'].map(c => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, ...tasks.map(t => {
        const name = String(pick(t, 'task', 'taskId', 'task_id', 'name') ?? '');
        const state = String(pick(t, 'state', 'status') ?? '');
        // An ended task whose abandoned (or cancelled) try's code has not returned: a clear waits for it.
        const stillRunning = pick(t, 'stillRunning') === true
          ? h('span', { class: 'still-running', title: 'Its try ignored its cancellation and its code may still be running; a clear starts the next try only once it has returned' }, ' (code still running)')
          : '';
        return h('tr', {}, h('th', { scope: 'row' }, name), h('td', { class: `state-${state.toLowerCase()}` }, state, stillRunning),
          h('td', { class: 'num' }, fmt.count(pick(t, 'tries', 'try', 'attempts'))),
          h('td', {}, fmt.date(pick(t, 'startedAt', 'started_at', 'start'))), h('td', {}, fmt.date(pick(t, 'endedAt', 'ended_at', 'finishedAt', 'end'))),
          h('td', { class: 'task-error' }, String(pick(t, 'error') ?? '')),
          h('td', {}, h('button', { type: 'button', class: 'secondary', 'aria-label': `Log of ${name}`, onclick: () => void show(name) }, 'Log')));
      })))));
}
