// ECharts, imported part by part so the bundle carries only bar, line and pie on a canvas.
import * as echarts from 'echarts/core';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, LegendComponent, DataZoomInsideComponent, AriaComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { h } from './dom';
import * as fmt from './format';

echarts.use([BarChart, LineChart, PieChart, GridComponent, TooltipComponent, LegendComponent, DataZoomInsideComponent, AriaComponent, CanvasRenderer]);

export type ChartKind = 'bar' | 'hbar' | 'line' | 'pie';

export interface ChartSpec {
  kind: ChartKind;
  /** Category axis labels (x for bar/line, slices for pie). */
  labels: string[];
  /** A series' colour when it carries a meaning (negative reviews red); else the palette's next. */
  series: { name: string; values: (number | null)[]; color?: string }[];
  /** ISO currency when the values are money. */
  currency?: string;
  /** Accessible description. */
  title: string;
  testId?: string;
}

const live = new Set<echarts.ECharts>();

/** Disposes every chart of the page being left. */
export function disposeCharts(): void {
  for (const c of live) c.dispose();
  live.clear();
}

const palette = ['#1f5f8b', '#e07b39', '#3a9d5d', '#b8446a', '#7a5cc7', '#c9a227', '#4a9bb5', '#8a6e4b'];

/** ECharts' default axis label font. */
const labelFont = '12px sans-serif';
let measurer: CanvasRenderingContext2D | null = null;

/** The width a horizontal bar chart gives its labels: the longest one's, so "14786 · Mar 31, 2011" keeps its year,
 * up to 45 % of the chart (a longer one is cut there, and the tooltip names it in full). */
function labelWidth(labels: string[], chartWidth: number): number {
  measurer ??= document.createElement('canvas').getContext('2d');
  if (!measurer) return 120;
  measurer.font = labelFont;
  const longest = Math.max(0, ...labels.map(l => measurer!.measureText(l).width));
  return Math.ceil(Math.min(longest + 2, Math.max(120, chartWidth * 0.45)));
}

function option(spec: ChartSpec, chartWidth: number): echarts.EChartsCoreOption {
  const valueFormatter = (v: unknown) => spec.currency ? fmt.money(v, spec.currency) : fmt.number(v);
  // Tooltips render on the canvas (richText): HTML tooltips would carry inline styles the page's CSP refuses.
  const tooltip = { trigger: spec.kind === 'pie' ? 'item' : 'axis', renderMode: 'richText', valueFormatter };
  if (spec.kind === 'pie') {
    return {
      color: palette, tooltip, aria: { enabled: true }, animation: false,
      legend: { type: 'scroll', bottom: 0 },
      series: [{ type: 'pie', name: spec.series[0]?.name, radius: ['35%', '65%'], top: 0, bottom: 30,
        data: spec.labels.map((l, i) => ({ name: l, value: spec.series[0]?.values[i] ?? null })) }],
    };
  }
  const horizontal = spec.kind === 'hbar';
  const category = { type: 'category', data: spec.labels, axisLabel: { hideOverlap: true, width: horizontal ? labelWidth(spec.labels, chartWidth) : undefined, overflow: 'truncate' }, inverse: horizontal };
  // Counts (every value whole) get whole ticks: a review score axis at 0.5 steps reads as half reviews.
  const whole = spec.series.every(s => s.values.every(v => v === null || Number.isInteger(v)));
  const value = { type: 'value', minInterval: whole ? 1 : undefined, axisLabel: { formatter: (v: number) => fmt.compact(v, spec.currency) } };
  return {
    color: palette, tooltip, aria: { enabled: true }, animation: false,
    legend: spec.series.length > 1 ? { type: 'scroll', top: 0 } : undefined,
    grid: { left: 8, right: 16, top: spec.series.length > 1 ? 32 : 12, bottom: 8, containLabel: true },
    xAxis: horizontal ? value : category,
    yAxis: horizontal ? category : value,
    dataZoom: spec.kind === 'line' && spec.labels.length > 60 ? [{ type: 'inside' }] : undefined,
    series: spec.series.map(s => ({ type: horizontal ? 'bar' : spec.kind, name: s.name, data: s.values, showSymbol: spec.labels.length < 60,
      ...(s.color ? { itemStyle: { color: s.color }, lineStyle: { color: s.color } } : {}) })),
  };
}

/**
 * A chart element. The plotted numbers are also written to data-series (JSON) so a reader — or a test — can
 * check exactly what was drawn against the API that supplied them.
 */
export function chart(spec: ChartSpec): HTMLElement {
  const height = spec.kind === 'hbar' ? Math.max(240, spec.labels.length * 26 + 40) : 320;
  const el = h('div', { class: 'chart', role: 'img', 'aria-label': spec.title, 'data-testid': spec.testId, 'data-kind': spec.kind });
  el.style.height = `${height}px`;
  el.dataset.series = JSON.stringify({ labels: spec.labels, series: spec.series });
  let instance: echarts.ECharts | null = null;
  // ECharts needs a laid-out element: start when the element first gets a size, follow later resizes.
  const observer = new ResizeObserver(() => {
    if (!el.isConnected) { observer.disconnect(); return; }
    if (el.clientWidth === 0) return;
    if (!instance) {
      instance = echarts.init(el, null, { renderer: 'canvas' });
      live.add(instance);
      instance.on('finished', () => { el.dataset.rendered = 'true'; });
      instance.setOption(option(spec, el.clientWidth));
    } else {
      if (spec.kind === 'hbar') instance.setOption({ yAxis: { axisLabel: { width: labelWidth(spec.labels, el.clientWidth) } } });
      instance.resize();
    }
  });
  observer.observe(el);
  return el;
}

/** Numbers from a table column, nulls kept as gaps. */
export const values = (rows: unknown[][], i: number) => rows.map(r => fmt.num(r[i]));
export const labels = (rows: unknown[][], i: number, f: (v: unknown) => string = v => v === null || v === undefined ? '(none)' : String(v)) => rows.map(r => f(r[i]));
