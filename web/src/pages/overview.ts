import { ApiError, getJson, isKeyRefusal, isNotServed, listOf, optional, pick } from '../api';
import { card, dl, emptyState, errorBox, h, keyRefusalNotice, patchChildren, table } from '../dom';
import * as fmt from '../format';
import { poll, type Page } from '../page';
import { deadLettersLink, notServedDags, objectsToTable } from '../views';

/** One dataset as the overview shows it, read from GET /api/v1/datasets whatever its exact spelling. */
interface DatasetStatus { name: string; deadLetters: boolean; rows: number | null; endOffset: number | null; lag: number | null; freshness: unknown; freshnessSeconds: number | null; rate: number | null }

function sumIfMap(v: unknown): number | null {
  if (v && typeof v === 'object') {
    // Per-partition maps or arrays: the dataset's figure is their total.
    const vals = Object.values(v as Record<string, unknown>).map(x => fmt.num(typeof x === 'object' && x ? pick(x as Record<string, unknown>, 'lag', 'endOffset', 'end_offset', 'offset') : x));
    return vals.every(x => x === null) ? null : vals.reduce<number>((a, b) => a + (b ?? 0), 0);
  }
  return fmt.num(v);
}

function datasetStatus(o: Record<string, unknown>): DatasetStatus {
  // GET /api/v1/datasets nests the log and freshness figures: {log:{endOffsets:{partition:n},lag}, freshness:{lastLoadedAt,secondsSinceLastLoad}}.
  const log = (typeof o.log === 'object' && o.log ? o.log : o) as Record<string, unknown>;
  const fresh = (typeof o.freshness === 'object' && o.freshness ? o.freshness : o) as Record<string, unknown>;
  return {
    name: String(pick(o, 'name', 'dataset') ?? '?'),
    deadLetters: pick(o, 'kind') === 'dead_letters',
    rows: fmt.num(pick(o, 'rows', 'rowCount', 'row_count', 'count')),
    endOffset: sumIfMap(pick(log, 'endOffsets', 'end_offsets', 'logEndOffset', 'log_end_offset', 'endOffset')),
    lag: sumIfMap(pick(log, 'lag', 'consumerLag', 'consumer_lag')),
    freshness: pick(fresh, 'lastLoadedAt', 'last_loaded_at', 'lastEventAt', 'updatedAt'),
    freshnessSeconds: fmt.num(pick(fresh, 'secondsSinceLastLoad', 'seconds_since_last_load', 'freshnessSeconds', 'ageSeconds')),
    rate: fmt.num(pick(o, 'ingestRate', 'ingest_rate', 'eventsPerSecond')),
  };
}

export const overview: Page = {
  path: '/',
  title: 'Overview',
  async render(root, ctx) {
    root.append(h('p', { class: 'lead' }, 'What is in Emporium right now. Updates every two seconds.'));
    const tiles = h('div', { class: 'tiles', 'aria-live': 'polite' });
    const datasets = card('Datasets', { wide: true, id: 'datasets' });
    const runs = card('Recent DAG runs', { id: 'recent-runs' });
    const alerts = card('Recent alerts', { id: 'recent-alerts' });
    const grid = h('div', { class: 'grid' }, datasets, runs, alerts);
    root.append(tiles, grid);

    // The ingest rate is the growth of the log between two polls, unless the server states it.
    let previous: { at: number; offsets: Map<string, number> } | null = null;
    let first = true;
    let refused: ApiError | null = null;
    await new Promise<void>(resolve => {
      poll(ctx, 2000, async () => {
        const list = listOf<Record<string, unknown>>(await getJson<unknown>('/api/v1/datasets', ctx.signal), 'datasets').map(datasetStatus);
        const now = performance.now();
        const offsets = new Map(list.filter(d => d.endOffset !== null).map(d => [d.name, d.endOffset!]));
        const rates = new Map<string, number>();
        if (previous) {
          const seconds = (now - previous.at) / 1000;
          for (const [n, o] of offsets) { const p = previous.offsets.get(n); if (p !== undefined && seconds > 0) rates.set(n, Math.max(0, o - p) / seconds); }
        }
        previous = { at: now, offsets };
        const rateOf = (d: DatasetStatus) => d.rate ?? rates.get(d.name) ?? null;
        // Rows and rate are the data's: the dead letters have their own tile. The lag is the processor's, theirs included.
        const data = list.filter(d => !d.deadLetters);
        const totalRows = data.reduce((a, d) => a + (d.rows ?? 0), 0);
        const totalLag = list.reduce((a, d) => a + (d.lag ?? 0), 0);
        const totalRate = data.some(d => rateOf(d) !== null) ? data.reduce((a, d) => a + (rateOf(d) ?? 0), 0) : null;
        const deadCount = list.find(d => d.deadLetters)?.rows ?? null;
        patchChildren(tiles, [
          tile('Rows in the warehouse', fmt.count(totalRows), 'total-rows'),
          tile('Ingest rate', totalRate === null ? '—' : `${fmt.number(Math.round(totalRate))} events/s`, 'ingest-rate'),
          tile('Consumer lag', `${fmt.count(totalLag)} events`, 'consumer-lag'),
          tile('Dead letters', deadCount === null ? '—' : fmt.count(deadCount), 'dead-letters'),
        ]);
        patchChildren(datasets, [datasets.firstElementChild!, list.length
          ? datasetTable(list, rateOf)
          : emptyState('No datasets yet.', 'Send events with `emporium send FILE --dataset NAME`, load files with `emporium load`, or start with `./emporium up --demo`.')]);
        if (first) { first = false; resolve(); }
      }, e => {
        // A refused key fails every card alike: one message for the page, in place of the cards.
        if (isKeyRefusal(e)) { refused = e; tiles.remove(); grid.remove(); keyRefusalNotice(e, 'Datasets, Recent DAG runs, Recent alerts'); }
        else datasets.replaceChildren(datasets.firstElementChild!, errorBox(e));
        if (first) { first = false; resolve(); }
      });
    });
    if (refused) return;
    poll(ctx, 5000, async () => {
      if (refused) throw refused;
      await Promise.all([recentRuns(runs, ctx.signal), recentAlerts(alerts, ctx.signal)]);
    }, () => { /* shown inside each card, or once for the page */ });
  },
};

function tile(label: string, value: string, id: string): HTMLElement {
  return h('div', { class: 'tile', 'data-testid': `tile-${id}` }, h('span', { class: 'tile-label' }, label), h('strong', { class: 'tile-value' }, value));
}

function datasetTable(list: DatasetStatus[], rateOf: (d: DatasetStatus) => number | null): HTMLElement {
  const row = (d: DatasetStatus) => h('tr', { 'data-dataset': d.name, 'data-kind': d.deadLetters ? 'dead_letters' : 'dataset' },
    h('th', { scope: 'row' }, d.name, d.deadLetters
      ? h('span', { class: 'muted' }, ' (', deadLettersLink(), ')')
      : null),
    h('td', { class: 'num', 'data-testid': `rows-${d.name}`, 'data-value': d.rows ?? '' }, fmt.count(d.rows)),
    h('td', { class: 'num', 'data-value': d.endOffset ?? '' }, fmt.count(d.endOffset)),
    h('td', { class: 'num', 'data-testid': `lag-${d.name}`, 'data-value': d.lag ?? '' }, fmt.count(d.lag)),
    h('td', { class: 'num' }, rateOf(d) === null ? '—' : fmt.number(Math.round(rateOf(d)!))),
    h('td', {}, d.freshnessSeconds !== null ? fmt.ago(d.freshnessSeconds, true) : d.freshness ? fmt.ago(d.freshness) : '—'));
  return h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Datasets' },
    h('table', { 'data-testid': 'datasets-table' },
      h('caption', {}, 'Per dataset, and for the dead letters: warehouse rows, log end offset, consumer lag, ingest rate and freshness'),
      h('thead', {}, h('tr', {}, ...['Dataset', 'Rows', 'Log end offset', 'Consumer lag', 'Events/s', 'Last load'].map((c, i) => h('th', { scope: 'col', class: i > 0 && i < 5 ? 'num' : undefined }, c)))),
      h('tbody', {}, ...list.map(row))));
}

async function recentRuns(el: HTMLElement, signal: AbortSignal): Promise<void> {
  try {
    let body: unknown = null;
    try {
      body = await getJson<unknown>('/api/v1/dags', signal);
    } catch (e) {
      // "No DAGs yet" was false on a process of another role: the DAGs exist, the scheduler process runs them.
      if (isNotServed(e)) {
        patchChildren(el, [el.firstElementChild!, notServedDags(e, 'DAG runs', 'dashboard')]);
        return;
      }
      if (!(e instanceof ApiError && e.status === 404)) throw e;
    }
    const dags = listOf<Record<string, unknown>>(body, 'dags');
    const runs: Record<string, unknown>[] = [];
    await Promise.all(dags.slice(0, 10).map(async d => {
      const name = String(pick(d, 'name', 'id'));
      const list = listOf<Record<string, unknown>>(await optional<unknown>(`/api/v1/dags/${encodeURIComponent(name)}/runs?limit=3`, signal), 'runs');
      for (const r of list.slice(0, 3)) runs.push({ dag: name, ds: pick(r, 'ds', 'date', 'logicalDate', 'logical_date'), state: pick(r, 'state', 'status'), started: pick(r, 'startedAt', 'started_at', 'start', 'createdAt') });
    }));
    runs.sort((a, b) => String(b.started ?? '').localeCompare(String(a.started ?? '')));
    patchChildren(el, [el.firstElementChild!, runs.length
      ? table(objectsToTable(runs.slice(0, 8), ['dag', 'ds', 'state', 'started']), { caption: 'Latest runs', testId: 'recent-runs-table', formats: { ds: 'date', started: 'date' } })
      : emptyState(dags.length ? 'No DAG runs yet.' : 'No DAGs yet.', 'Trigger one on the Pipelines page or with `emporium dag run NAME`.'),
      h('p', {}, h('a', { href: '#/pipelines' }, 'All pipelines'))]);
  } catch (e) {
    el.replaceChildren(el.firstElementChild!, errorBox(e));
  }
}

async function recentAlerts(el: HTMLElement, signal: AbortSignal): Promise<void> {
  try {
    const list = listOf<Record<string, unknown>>(await optional<unknown>('/api/v1/alerts?limit=5', signal), 'alerts').slice(0, 5);
    patchChildren(el, [el.firstElementChild!, list.length
      ? h('ul', { class: 'feed' }, ...list.map(a => h('li', {},
          h('strong', {}, String(pick(a, 'kind', 'type') ?? 'alert')), ' ',
          String(pick(a, 'message', 'description', 'asin') ?? ''), ' ',
          h('span', { class: 'muted' }, fmt.date(pick(a, 'createdAt', 'created_at', 'detectedAt', 'detected_at', 'at'))))))
      : dl([['Alerts', 'none yet']]),
      h('p', {}, h('a', { href: '#/sellers' }, 'Alerts feed'))]);
  } catch (e) {
    el.replaceChildren(el.firstElementChild!, errorBox(e));
  }
}
