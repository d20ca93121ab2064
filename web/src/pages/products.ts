import { byteOrder, colIndex, sqlString } from '../api';
import { labels, values } from '../charts';
import { h } from '../dom';
import * as fmt from '../format';
import type { Page } from '../page';
import { demoHint, lookupCard, martCard, wholeNumber } from '../views';

const fill = `Load products and categories: \`emporium load amazon_products.csv --dataset products\` and \`emporium load amazon_categories.csv --dataset categories\`, ${demoHint}`;

/** "(5, 10]" as pandas cut prints it; the open ends of the mart read "≤ 0" and "> 295". */
function bucket(low: unknown, high: unknown): string {
  if (low === null || low === undefined) return `≤ ${fmt.number(high)}`;
  if (high === null || high === undefined) return `> ${fmt.number(low)}`;
  return `(${fmt.number(low)}, ${fmt.number(high)}]`;
}

export const products: Page = {
  path: '/products',
  title: 'Products',
  async render(root, ctx) {
    const grid = h('div', { class: 'grid' });
    root.append(h('p', { class: 'lead' }, 'Prices and categories of the product catalog (prices in US dollars).'), grid);

    const lookups = h('div', { class: 'grid' });
    root.append(lookups);
    lookups.append(asinLookup(ctx.params.get('asin') ?? ''), categoryLookup(ctx.params.get('category') ?? ''));

    await Promise.all([
      martCard(grid, {
        mart: 'price_distribution', title: 'Price distribution', params: { limit: 1000 }, wide: true, howToFill: fill, signal: ctx.signal,
        formats: { bucket_low: 'money:USD', bucket_high: 'money:USD', products: 'count' }, maxRows: 100,
        isEmpty: t => t.rows.every(r => !r[colIndex(t, 'products')]),
        chart: t => {
          const lo = colIndex(t, 'bucket_low'), hi = colIndex(t, 'bucket_high'), n = colIndex(t, 'products');
          return { kind: 'bar', title: 'Products per price bucket (US dollars)', labels: t.rows.map(r => bucket(r[lo], r[hi])), series: [{ name: 'Products', values: values(t.rows, n) }] };
        },
      }),
      martCard(grid, {
        mart: 'category_distribution', title: 'Products per category', params: { limit: 20 }, howToFill: fill, signal: ctx.signal,
        formats: { products: 'count', category_id: 'text' },
        chart: t => ({ kind: 'hbar', title: 'Products per category', labels: labels(t.rows, colIndex(t, 'category_name')), series: [{ name: 'Products', values: values(t.rows, colIndex(t, 'products')) }] }),
      }),
      martCard(grid, {
        mart: 'avg_price_per_category', title: 'Average price per category', params: { limit: 20 }, howToFill: fill, signal: ctx.signal,
        formats: { avg_price: 'money:USD', products: 'count', category_id: 'text' },
        chart: t => ({ kind: 'hbar', title: 'Average price per category (US dollars)', currency: 'USD', labels: labels(t.rows, colIndex(t, 'category_name')), series: [{ name: 'Average price', values: values(t.rows, colIndex(t, 'avg_price')) }] }),
      }),
    ]);
  },
};

const productFormats = { price: 'money:USD', list_price: 'money:USD', stars: 'rating', category_id: 'text' } as const;

/** An ASIN as the query may use it: ten letters or digits, upper case. */
function asinValue(v: string): string | Error {
  const asin = v.toUpperCase();
  return /^[A-Z0-9]{10}$/.test(asin) ? asin : new Error('An ASIN is ten letters or digits.');
}

function asinLookup(initial: string): HTMLElement {
  return lookupCard({
    title: 'Look up a product by ASIN', id: 'lookup-asin', label: 'ASIN', button: 'Look up', testId: 'asin-result', formats: productFormats, howToFill: fill,
    input: h('input', { type: 'search', name: 'asin', value: initial, placeholder: 'e.g. B014TMV5YE', autocomplete: 'off', required: true, pattern: '[A-Za-z0-9]{10}', title: 'ten letters or digits' }),
    sql: v => { const asin = asinValue(v); return asin instanceof Error ? asin : `SELECT p.*, c.category_name FROM products p LEFT JOIN categories c ON c.id = p.category_id WHERE p.asin = ${sqlString(asin)}`; },
    caption: v => `Product ${v.toUpperCase()}`,
    none: v => `No product with ASIN ${v.toUpperCase()}.`,
  });
}

function categoryLookup(initial: string): HTMLElement {
  return lookupCard({
    title: 'Products of a category', id: 'lookup-category', label: 'Category id', button: 'Show products', testId: 'category-result', formats: productFormats, howToFill: fill,
    input: h('input', { type: 'number', name: 'category', value: initial, min: 0, step: 1, required: true, inputmode: 'numeric' }),
    sql: v => {
      const id = wholeNumber(v, 'Category id');
      return id instanceof Error ? id : `SELECT p.asin, p.title, p.price, p.stars, p.reviews, c.category_name FROM products p LEFT JOIN categories c ON c.id = p.category_id ` +
        `WHERE p.category_id = ${id} ORDER BY p.reviews DESC NULLS LAST, ${byteOrder('p.asin')} LIMIT 100`;
    },
    caption: v => `Products in category ${v} (most reviewed first, at most 100)`,
    none: v => `No products in category ${v}.`,
  });
}
