import { listOf, optional } from '../api';
import { card, dl, emptyState, h, table } from '../dom';
import * as fmt from '../format';
import type { Page } from '../page';
import { objectsToTable } from '../views';

/** One entry of `GET /api/v1/catalog` (`{ tables: [...] }`, camelCase). */
interface CatalogTable {
  name: string;
  kind: string;
  location: string;
  format: string;
  columns: { name: string; type: string; since: number; present: boolean }[];
  partitions: { key: string; values: string[] }[];
  files: string[];
  rows: number;
  lastLoad: string | null;
  version: number;
}

export const catalog: Page = {
  path: '/catalog',
  title: 'Catalog',
  async render(root, ctx) {
    root.append(h('p', { class: 'lead' }, 'Datasets and crawled tables: schemas, partitions, files, rows and last load.'));
    const entries = listOf<CatalogTable>(await optional<unknown>('/api/v1/catalog', ctx.signal), 'tables');
    if (!entries.length) {
      root.append(card('Catalog', { wide: true, id: 'catalog' }, emptyState('The catalog is empty.', 'Load files with `emporium load PATH --dataset NAME` or crawl a folder with `emporium crawl PATH --name NAME`.')));
      return;
    }
    const grid = h('div', { class: 'grid' });
    root.append(grid);
    for (const e of entries) grid.append(entry(e));
  },
};

function entry(e: CatalogTable): HTMLElement {
  const columns = e.columns ?? [];
  const partitions = e.partitions ?? [];
  const files = e.files ?? [];
  return card(e.name, { id: `catalog-${e.name}` },
    dl([
      ['Kind', e.kind ?? '—'],
      ['Format', e.format ?? '—'],
      ['Rows', fmt.count(e.rows)],
      ['Last load', e.lastLoad ? fmt.date(e.lastLoad) : '—'],
      ['Location', e.location ?? '—'],
      ['Schema version', String(e.version ?? '—')],
    ]),
    columns.length
      ? table(objectsToTable(columns.map(c => ({ column: c.name, type: c.type, since: `v${c.since}`, present: c.present === false ? 'no (files gone)' : 'yes' })), ['column', 'type', 'since', 'present']),
        { caption: `Schema of ${e.name}`, testId: `columns-${e.name}` })
      : null,
    partitions.length
      ? h('details', { 'data-testid': `partitions-${e.name}` }, h('summary', {}, `Partitions (${partitions.map(p => p.key).join(', ')})`),
        h('ul', { class: 'files' }, ...partitions.flatMap(p => p.values.slice(0, 200).map(v => h('li', { 'data-key': p.key, 'data-value': v }, `${p.key}=${v}`)))))
      : null,
    files.length
      ? h('details', { 'data-testid': `files-${e.name}` }, h('summary', {}, `Files (${fmt.count(files.length)})`),
        h('ul', { class: 'files' }, ...files.slice(0, 200).map(f => h('li', {}, f))))
      : null);
}
