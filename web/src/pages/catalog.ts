import { deleteJson, listOf, optional, postJson } from '../api';
import { actionError, card, dl, emptyState, field, h, table } from '../dom';
import * as fmt from '../format';
import type { Page } from '../page';
import { deadLettersLink, objectsToTable } from '../views';

/** One entry of `GET /api/v1/catalog` (`{ tables: [...] }`, camelCase). */
interface CatalogTable {
  name: string;
  kind: string;
  location: string;
  format: string;
  columns: { name: string; type: string; since: number; present: boolean }[];
  partitions: { key: string; values: (string | null)[] }[];
  /** The first 200 files (the API lists no more unless asked for `files=all`). */
  files: string[];
  filesTotal?: number;
  filesOmitted?: number;
  rows: number;
  lastLoad: string | null;
  version: number;
}

/** One dataset of `GET /api/v1/lake`: published manifests by compaction level and the visible files per zone. */
interface LakeDataset {
  dataset: string;
  manifests: number;
  manifestsByLevel: Record<string, number>;
  pending: number;
  zones: { zone: string; files: number; rows: number; bytes: number }[];
}

export const catalog: Page = {
  path: '/catalog',
  title: 'Catalog',
  async render(root, ctx) {
    root.append(h('p', { class: 'lead' }, 'Datasets, the dead letters and crawled tables: schemas, partitions, files, rows and last load.'));
    // What the last crawl or drop did; it outlives the grid, which is drawn again from the API after each.
    const status = h('div', { role: 'status', 'aria-live': 'polite', 'data-testid': 'catalog-status' });
    const grid = h('div', { class: 'grid' });
    const refresh = async () => {
      const [catalogBody, lakeBody] = await Promise.all([optional<unknown>('/api/v1/catalog', ctx.signal), optional<unknown>('/api/v1/lake', ctx.signal)]);
      const entries = listOf<CatalogTable>(catalogBody, 'tables');
      const lake = new Map(listOf<LakeDataset>(lakeBody, 'datasets').map(d => [d.dataset, d]));
      grid.replaceChildren(...(entries.length
        ? entries.map(e => entry(e, e.kind !== 'crawled' ? lake.get(e.name) : undefined, () => drop(e.name)))
        : [card('Catalog', { wide: true, id: 'catalog' }, emptyState('The catalog is empty.', 'Load files with `emporium load PATH --dataset NAME` or crawl a folder with `emporium crawl PATH --name NAME`.'))]));
    };
    const act = async (working: string, work: () => Promise<string>) => {
      status.replaceChildren(working);
      try {
        const done = await work();
        await refresh();
        status.replaceChildren(done);
      } catch (e) {
        status.replaceChildren(actionError(e));
      }
    };
    const drop = (name: string) => {
      if (!window.confirm(`Drop the crawled table ${name} and its catalog entry? Its files are not touched; a new crawl makes it again.`)) return;
      void act(`Dropping ${name}…`, async () => {
        await deleteJson(`/api/v1/catalog/${encodeURIComponent(name)}`, ctx.signal);
        return `Dropped ${name}.`;
      });
    };
    root.append(crawlForm((path, name) => act(`Crawling ${path}…`, async () => {
      const res = await postJson<{ tables?: CatalogTable[] }>('/api/v1/crawl', name ? { path, name } : { path }, ctx.signal);
      const made = (res.tables ?? []).map(t => t.name);
      return made.length > 1 ? `The files hold ${made.length} unrelated schemas: crawled into ${made.join(', ')}.` : `Crawled into ${made.join(', ')}.`;
    })), status, grid);
    await refresh();
  },
};

/** Crawls a path on the server's machine (scope admin when keys are configured), as `emporium crawl` does. */
function crawlForm(crawl: (path: string, name: string) => Promise<void>): HTMLElement {
  const path = h('input', { type: 'text', name: 'path', required: true, placeholder: '/srv/exports/sales or /srv/exports/*.csv', size: 48, autocomplete: 'off' });
  const name = h('input', { type: 'text', name: 'name', placeholder: 'the folder\'s name', autocomplete: 'off' });
  const button = h('button', { type: 'submit' }, 'Crawl');
  const form = h('form', { class: 'filters', 'aria-label': 'Crawl files' },
    field('Folder, file or glob on the server', path), field('Table name (optional)', name), button);
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    button.disabled = true;
    try { await crawl(path.value.trim(), name.value.trim()); } finally { button.disabled = false; }
  });
  return card('Crawl files', { wide: true, id: 'crawl' },
    h('p', { class: 'muted' }, 'Infers a schema for CSV, JSON, Parquet or Excel files, records it here and makes it a table the SQL explorer can read. Crawling the same path again evolves its schema.'),
    form);
}

/** A dataset's clean zone in the lake: files, size and how far compaction merged its manifests. */
function lakeSummary(name: string, d: LakeDataset | undefined): HTMLElement | string {
  const clean = d?.zones.find(z => z.zone === 'clean');
  if (!d || !clean) return '—';
  const levels = Object.entries(d.manifestsByLevel).map(([level, n]) => `L${level} ${fmt.count(n)}`).join(', ');
  return h('span', { 'data-testid': `lake-${name}`, 'data-files': String(clean.files), 'data-bytes': String(clean.bytes), 'data-manifests': String(d.manifests) },
    `${fmt.count(clean.files)} files, ${fmt.bytes(clean.bytes)}; ${fmt.count(d.manifests)} manifests (${levels})`);
}

function entry(e: CatalogTable, lake: LakeDataset | undefined, drop: () => void): HTMLElement {
  const columns = e.columns ?? [];
  const partitions = e.partitions ?? [];
  const files = e.files ?? [];
  const deadLetters = e.kind === 'dead_letters';
  const el = card(e.name, { id: `catalog-${e.name}` },
    dl([
      // The dead letters are no dataset to load or query for sales: say what they are, and where their reasons are.
      ['Kind', deadLetters ? h('span', {}, 'dead letters: records ingest rejected or the warehouse refused (', deadLettersLink(), ')') : e.kind ?? '—'],
      ['Format', e.format ?? '—'],
      ['Rows', h('span', { 'data-testid': `rows-${e.name}`, 'data-value': e.rows ?? '' }, fmt.count(e.rows))],
      ['Last load', e.lastLoad ? fmt.date(e.lastLoad) : '—'],
      ['Location', e.location ?? '—'],
      ['Schema version', String(e.version ?? '—')],
      ...(e.kind !== 'crawled' ? [['Lake (clean)', lakeSummary(e.name, lake)] as [string, HTMLElement | string]] : []),
    ]),
    columns.length
      ? table(objectsToTable(columns.map(c => ({ column: c.name, type: c.type, since: `v${c.since}`, present: c.present === false ? 'no (files gone)' : 'yes' })), ['column', 'type', 'since', 'present']),
        { caption: `Schema of ${e.name}`, testId: `columns-${e.name}` })
      : null,
    partitions.length
      ? h('details', { 'data-testid': `partitions-${e.name}` }, h('summary', {}, `Partitions (${partitions.map(p => p.key).join(', ')})`),
        h('ul', { class: 'files' }, ...partitions.flatMap(p => p.values.slice(0, 200).map(v => h('li', { 'data-key': p.key, 'data-value': v ?? '' }, `${p.key}=${v ?? 'NULL'}`)))))
      : null,
    files.length
      ? h('details', { 'data-testid': `files-${e.name}` }, h('summary', {}, `Files (${fmt.count(e.filesTotal ?? files.length)})`),
        h('ul', { class: 'files' }, ...files.slice(0, 200).map(f => h('li', {}, f))),
        (e.filesOmitted ?? 0) > 0
          ? h('p', { class: 'muted' }, `… and ${fmt.count(e.filesOmitted)} more files (emporium catalog ${e.name} --format json lists them all)`)
          : null)
      : null,
    e.kind === 'crawled'
      ? h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', onclick: drop, 'aria-label': `Drop table ${e.name}` }, 'Drop table'))
      : null);
  el.dataset.kind = e.kind;
  return el;
}
