import { colIndex, query } from '../api';
import { chart, labels, values } from '../charts';
import { card, emptyState, errorBox, h, loading } from '../dom';
import type { Page } from '../page';
import { demoHint, martCard } from '../views';

const fill = `Send reviews: \`emporium send AMAZON_FASHION_5.json --dataset reviews\`, ${demoHint}`;

// Sentiment from the star rating, the same split the review classifier trains on: 4–5 positive, 3 neutral, 1–2 negative.
const sentimentSql =
  `SELECT CAST(date_trunc('month', reviewed_at) AS DATE) AS month, ` +
  `COUNT(*) FILTER (WHERE rating >= 4) AS positive, COUNT(*) FILTER (WHERE rating = 3) AS neutral, COUNT(*) FILTER (WHERE rating <= 2) AS negative ` +
  `FROM reviews WHERE reviewed_at IS NOT NULL GROUP BY 1 ORDER BY 1`;

/** Each sentiment in the colour it is read in (the palette's order drew the negative reviews green). */
const sentiments: [string, string][] = [['positive', '#2e7d4f'], ['neutral', '#5b6675'], ['negative', '#a4262c']];

export const reviews: Page = {
  path: '/reviews',
  title: 'Reviews',
  async render(root, ctx) {
    root.append(h('p', { class: 'lead' }, 'Ratings and review sentiment.'));
    const grid = h('div', { class: 'grid' });
    root.append(grid);
    const sentiment = card('Sentiment over time', { wide: true, id: 'sentiment' }, loading());
    grid.append(sentiment);
    await Promise.all([
      martCard(grid, { mart: 'review_ratings', title: 'Rating distribution', howToFill: fill, signal: ctx.signal, formats: { reviews: 'count', rating: 'text' },
        chart: t => ({ kind: 'bar', title: 'Reviews per star rating', labels: labels(t.rows, colIndex(t, 'rating'), v => `${v} ★`), series: [{ name: 'Reviews', values: values(t.rows, colIndex(t, 'reviews')) }] }) }),
      martCard(grid, { mart: 'top_reviewed_products', title: 'Most reviewed products', params: { limit: 10 }, howToFill: fill, signal: ctx.signal, formats: { reviews: 'count', avg_rating: 'number' },
        chart: t => ({ kind: 'hbar', title: 'Reviews per product', labels: labels(t.rows, colIndex(t, 'asin')), series: [{ name: 'Reviews', values: values(t.rows, colIndex(t, 'reviews')) }] }) }),
      query(sentimentSql, ctx.signal).then(t => {
        sentiment.replaceChildren(sentiment.firstElementChild!);
        if (!t.rows.length) { sentiment.append(emptyState('No reviews yet.', fill)); return; }
        sentiment.append(
          chart({ kind: 'line', testId: 'chart-sentiment', title: 'Positive, neutral and negative reviews per month', labels: labels(t.rows, 0, v => String(v).slice(0, 7)),
            series: sentiments.map(([s, color]) => ({ name: s[0].toUpperCase() + s.slice(1), values: values(t.rows, colIndex(t, s)), color })) }),
          h('p', { class: 'muted' }, 'Positive: 4–5 stars, neutral: 3, negative: 1–2.'),
          h('p', { class: 'source' }, 'Source: ', h('code', {}, sentimentSql)));
      }, e => { sentiment.replaceChildren(sentiment.firstElementChild!, /does not exist|not found/i.test(String(e)) ? emptyState('No reviews table yet.', fill) : errorBox(e)); }),
    ]);
  },
};
