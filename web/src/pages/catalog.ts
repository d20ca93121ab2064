import { listOf, optional, pick } from '../api';
import { card, dl, emptyState, h } from '../dom';
import * as fmt from '../format';
import type { Page } from '../page';
import { objectsToTable } from '../views';
import { table } from '../dom';

type Obj = Record<string, unknown>;

export const catalog: Page = {
  path: '/catalog',
  title: 'Catalog',
  async render(root, ctx) {
    root.append(h('p', { class: 'lead' }, 'Datasets and crawled tables: schemas, partitions, files, rows and last load.'));
    const body = await optional<unknown>('/api/v1/catalog', ctx.signal);
    const entries = listOf<Obj>(body, 'tables', 'entries', 'datasets');
    if (!entries.length) {
      root.append(card('Catalog', { wide: true, id: 'catalog' }, emptyState('The catalog is empty.', 'Load files with `emporium load PATH --dataset NAME` or crawl a folder with `emporium crawl PATH --name NAME`.')));
      return;
    }
    const grid = h('div', { class: 'grid' });
    root.append(grid);
    for (const e of entries) grid.append(entry(e));
  },
};

function entry(e: Obj): HTMLElement {
  const name = String(pick(e, 'name', 'table', 'dataset') ?? '?');
  const columns = listOf<Obj>(pick(e, 'columns', 'schema'), 'columns');
  const partitions = listOf<unknown>(pick(e, 'partitions'), 'partitions');
  const files = listOf<unknown>(pick(e, 'files', 'sourceFiles', 'source_files'), 'files');
  const el = card(name, { id: `catalog-${name}` },
    dl([
      ['Kind', String(pick(e, 'kind', 'type') ?? '—')],
      ['Rows', fmt.count(pick(e, 'rows', 'rowCount', 'row_count'))],
      ['Last load', fmt.date(pick(e, 'lastLoad', 'last_load', 'lastLoadedAt', 'last_loaded_at', 'updatedAt'))],
      ['Location', String(pick(e, 'location', 'path') ?? '—')],
    ]),
    columns.length ? table(objectsToTable(columns.map(c => ({ column: pick(c, 'name', 'column'), type: pick(c, 'type', 'dataType'), nullable: pick(c, 'nullable') })), ['column', 'type', 'nullable']), { caption: `Schema of ${name}` }) : null,
    partitions.length ? details(`Partitions (${fmt.count(partitions.length)})`, partitions) : null,
    files.length ? details(`Files (${fmt.count(files.length)})`, files) : null);
  return el;
}

function details(summary: string, items: unknown[]): HTMLElement {
  return h('details', {}, h('summary', {}, summary),
    h('ul', { class: 'files' }, ...items.slice(0, 200).map(i => h('li', {}, typeof i === 'string' ? i : String(pick(i as Obj, 'path', 'name', 'value') ?? JSON.stringify(i))))));
}
