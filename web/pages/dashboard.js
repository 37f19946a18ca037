// The leadership dashboard (大屏): headline figures with the change since the day before,
// people by country, by managing unit and by reporting unit, the present trend, the day's
// daily-report status and the uploads up to the chosen time; refreshes itself every minute.
//
// Every figure opens the people behind it (the people page with the figure's filter in
// its URL); every chart has its data as a table for screen readers. The panels are a list
// (`PANELS`): a new panel is one more entry with its own `load`. Below them, for a role that
// may read the supplies ledger, the 物资保障 panel (supplies-panel.js).

import { gql } from '../api.js';
import { mountSuppliesPanel } from './supplies-panel.js';
import {
  KIND_LABELS, STATUS_LABELS, addDays, change, chartTable, dateTime, endOfDay, errorBox, h, num,
  pageLink, table, today, uploaderName,
} from '../util.js';

const REFRESH_MS = 60_000;
const TREND_DAYS = 30;
const NARROW = 720;

const FIGURES = `query Dashboard($asOf: DateTime, $before: DateTime, $from: NaiveDate!, $to: NaiveDate!) {
  overview(asOf: $asOf) {
    asOf knownPeople presentPeople countries managingUnits arrivals departures expiringVisas expiredVisas
  }
  previous: overview(asOf: $before) {
    asOf knownPeople presentPeople countries managingUnits arrivals departures expiringVisas expiredVisas
  }
  byCountry: countsBy(dimension: NATIONALITY, asOf: $asOf) { key label count }
  byManaging: countsBy(dimension: MANAGING_UNIT, asOf: $asOf) { key label count }
  byReporting: countsBy(dimension: REPORTING_UNIT, asOf: $asOf) { key label count }
  trend: presentTrend(from: $from, to: $to) { day present }
}`;

const UPLOADS = `query Uploads($until: DateTime) {
  uploads(first: 8, until: $until) { id unitCode unitName kind fileName uploadedAt uploadedBy status rows { accepted rejected } }
}`;

const REPORTS = `query Reports($date: NaiveDate!) {
  dailyReportStatus(date: $date) {
    expected
    reported { unit { code name } }
    zeroReported { unit { code name } }
    missing { code name }
  }
}`;

/** The headline figures: key, label, unit, and the people filter behind each. */
const KPIS = [
  ['presentPeople', '在庆外籍人员', '人', { present: 'true' }],
  ['countries', '国家和地区', '个', { present: 'true', sort: 'NATIONALITY' }],
  ['managingUnits', '具体负责管理单位', '个', { present: 'true' }],
  ['arrivals', '当日到达', '人', { arrived: 'day' }],
  ['departures', '当日离开', '人', { departed: 'day' }],
  ['expiringVisas', '签证30天内到期', '人', { present: 'true', visa: 'EXPIRING' }],
  ['expiredVisas', '签证过期（逾期滞留）', '人', { present: 'true', visa: 'EXPIRED' }],
  ['knownPeople', '累计掌握', '人', {}],
];

const SCREEN = { axis: '#9fc3e7', split: 'rgba(120,170,230,0.12)', label: '#d8ecff', line: '#2b4a6f' };
// On paper: dark text on white, and no animation (the page is printed as it is drawn).
const PAPER = { axis: '#333', split: '#ddd', label: '#111', line: '#999' };

let colors = SCREEN;
const axisText = (size) => ({ color: colors.axis, fontSize: size });
const splitLine = () => ({ lineStyle: { color: colors.split } });

function barOption(entries, limit, color, narrow) {
  const top = entries.slice(0, limit).reverse();
  return {
    animation: colors === SCREEN,
    grid: { left: 4, right: 40, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', minInterval: 1, axisLabel: axisText(narrow ? 10 : 12), splitLine: splitLine() },
    yAxis: {
      type: 'category',
      data: top.map((e) => e.label),
      axisLabel: { ...axisText(narrow ? 11 : 12), width: narrow ? 96 : 150, overflow: 'truncate', interval: 0 },
      axisLine: { lineStyle: { color: colors.line } },
    },
    series: [{
      type: 'bar',
      data: top.map((e) => e.count),
      barMaxWidth: 16,
      cursor: 'pointer',
      itemStyle: { color, borderRadius: [0, 3, 3, 0] },
      label: { show: true, position: 'right', color: colors.label, fontSize: narrow ? 10 : 12 },
    }],
  };
}

function trendOption(points, narrow) {
  return {
    animation: colors === SCREEN,
    grid: { left: 4, right: 12, top: 16, bottom: 4, containLabel: true },
    tooltip: { trigger: 'axis' },
    xAxis: {
      type: 'category', data: points.map((p) => p.day.slice(5)), boundaryGap: false,
      axisLabel: { ...axisText(narrow ? 10 : 12), hideOverlap: true },
    },
    // From zero: a fall of a tenth looks like a tenth, not a collapse.
    yAxis: { type: 'value', min: 0, minInterval: 1, axisLabel: axisText(narrow ? 10 : 12), splitLine: splitLine() },
    series: [{
      type: 'line', data: points.map((p) => p.present), smooth: true, symbolSize: 7, cursor: 'pointer',
      lineStyle: { color: '#36d1dc', width: 2 },
      itemStyle: { color: '#36d1dc' },
      areaStyle: {
        color: {
          type: 'linear', x: 0, y: 0, x2: 0, y2: 1,
          colorStops: [{ offset: 0, color: 'rgba(54,209,220,0.45)' }, { offset: 1, color: 'rgba(54,209,220,0.02)' }],
        },
      },
    }],
  };
}

const REPORT_SLICES = [
  ['reported', '已报告', '#2ecc71'],
  ['zero', '零报告', '#3498db'],
  ['missing', '未报告', '#e74c3c'],
];

function reportsOption(counts, narrow) {
  return {
    animation: colors === SCREEN,
    tooltip: { trigger: 'item' },
    legend: { bottom: 0, textStyle: { color: colors.label }, itemWidth: 12, itemHeight: 10 },
    series: [{
      type: 'pie', radius: narrow ? ['38%', '60%'] : ['42%', '66%'], center: ['50%', '45%'], cursor: 'pointer',
      label: { color: colors.label, formatter: '{b}\n{c}', fontSize: narrow ? 11 : 12 },
      data: REPORT_SLICES.map(([key, name, color]) => ({ name, value: counts[key], key, itemStyle: { color } })),
    }],
  };
}

/** The people page for a filter of the dashboard's day. */
function peopleLink(day, filters) {
  const f = { ...filters, day };
  if (f.arrived === 'day') { delete f.arrived; f.arrivedOn = day; }
  if (f.departed === 'day') { delete f.departed; f.departedOn = day; }
  return pageLink('people', f);
}

/** A chart panel: the chart, its data for screen readers, and a click opening the people behind a bar. */
const barPanel = (id, title, key, limit, color, filterOf) => ({
  id,
  title,
  chart: true,
  load(ctx) {
    const entries = ctx.figures[key];
    ctx.chart(id, barOption(entries, limit, color, ctx.narrow), (params) => {
      const entry = entries.slice(0, limit).reverse()[params.dataIndex];
      if (entry) location.hash = peopleLink(ctx.day, { present: 'true', ...filterOf(entry) });
    });
    ctx.describe(id, chartTable(`${title}（点击条形查看人员名单）`, ['名称', '人数'],
      entries.map((e) => [h('a', { href: peopleLink(ctx.day, { present: 'true', ...filterOf(e) }) }, e.label), num(e.count)])));
  },
});

/** The panels of the screen, in order. */
const PANELS = [
  barPanel('country', '在庆人员国籍分布（前15）', 'byCountry', 15, '#4facfe', (e) => ({ nationality: e.key })),
  {
    id: 'trend',
    title: `在庆人数趋势（近${TREND_DAYS}天）`,
    chart: true,
    load(ctx) {
      const points = ctx.figures.trend;
      ctx.chart('trend', trendOption(points, ctx.narrow), (params) => {
        const point = points[params.dataIndex];
        if (point) location.hash = peopleLink(point.day, { present: 'true' });
      });
      ctx.describe('trend', chartTable('在庆人数趋势（每日）', ['日期', '在庆人数'],
        points.map((p) => [h('a', { href: peopleLink(p.day, { present: 'true' }) }, p.day), num(p.present)])));
    },
  },
  {
    id: 'reports',
    title: '日报告情况',
    note: true,
    async load(ctx) {
      const { dailyReportStatus: s } = await gql(REPORTS, { date: ctx.day });
      ctx.setNote('reports', ctx.isToday ? '（今日）' : `（${ctx.day}）`);
      const counts = { reported: s.reported.length, zero: s.zeroReported.length, missing: s.missing.length };
      ctx.reportCounts = counts;
      const link = (status) => pageLink('reports', { date: ctx.day, status });
      const body = ctx.body('reports');
      const chartBox = h('div', { class: 'reports-chart', id: 'reports-chart' });
      body.replaceChildren(
        h('div', { class: 'reports-counts', id: 'reports-counts' },
          h('span', {}, `应报 ${s.expected}`),
          h('a', { class: 'ok', href: link('reported') }, `已报 ${counts.reported}`),
          h('a', { class: 'zero', href: link('zero') }, `零报告 ${counts.zero}`),
          h('a', { class: 'missing-count', href: link('missing') }, `未报 ${counts.missing}`)),
        chartBox,
        h('div', { class: 'missing' },
          h('a', { href: link('missing') }, h('strong', {}, `未报告（${s.missing.length}）：`)),
          s.missing.length ? s.missing.map((u) => h('span', { class: 'tag' }, u.name)) : '无'),
        chartTable('日报告情况', ['情况', '单位数'], REPORT_SLICES.map(([key, name]) => [name, String(counts[key])])));
      ctx.chart('reports', reportsOption(counts, ctx.narrow), (params) => {
        const slice = REPORT_SLICES[params.dataIndex];
        if (slice) location.hash = link(slice[0]);
      }, chartBox);
    },
  },
  barPanel('managing', '具体负责管理单位（前10）', 'byManaging', 10, '#f7b733', (e) => ({ managing: e.key })),
  barPanel('reporting', '报送成员单位', 'byReporting', 12, '#43e97b', (e) => ({ unit: e.key })),
  {
    id: 'uploads',
    title: '最近上传',
    note: true,
    async load(ctx) {
      const { uploads } = await gql(UPLOADS, { until: ctx.asOf });
      ctx.setNote('uploads', ctx.isToday ? '' : `（截至${ctx.day}）`);
      ctx.body('uploads').replaceChildren(h('div', { class: 'uploads-scroll' }, table(
        ['时间', '单位', '类型', '结果'],
        uploads.map((u) => [
          dateTime(u.uploadedAt).slice(5),
          // The unit opens the people its uploads name (a figure's sources).
          h('a', { href: peopleLink(ctx.day, { present: 'true', unit: u.unitCode }), title: `${u.fileName} · ${uploaderName(u.uploadedBy, u.unitName)}` }, u.unitName),
          KIND_LABELS[u.kind] || u.kind,
          u.status === 'imported'
            ? h('span', {}, `接收 ${num(u.rows.accepted)}`, u.rows.rejected ? h('span', { class: 'bad' }, ` 拒收 ${num(u.rows.rejected)}`) : '')
            : h('span', { class: 'muted' }, STATUS_LABELS[u.status] || u.status),
        ]),
        { class: 'compact', id: 'recent-uploads' }, '最近上传的文件')));
    },
  },
];

function panelView(p) {
  return h('section', { class: 'panel', id: `panel-${p.id}`, 'aria-labelledby': `title-${p.id}` },
    h('h2', { id: `title-${p.id}` }, p.title, p.note ? h('span', { class: 'panel-note', id: `${p.id}-day` }) : null),
    h('div', { class: 'panel-body', id: `body-${p.id}` }),
    p.chart ? h('div', { class: 'panel-data', id: `data-${p.id}` }) : null);
}

export async function render(root, { query }) {
  const chosen = /^\d{4}-\d{2}-\d{2}$/.test(query.get('date') || '') && query.get('date') <= today() ? query.get('date') : today();
  const picker = h('input', { type: 'date', id: 'as-of', value: chosen, max: today(), 'aria-label': '统计日期' });
  const stamp = h('span', { id: 'as-of-text', class: 'stamp' });
  const status = h('span', { id: 'refresh-status', class: 'stamp', 'aria-live': 'polite' });
  const kpis = h('div', { class: 'kpis' }, KPIS.map(([key, label, unit]) =>
    h('a', { class: `kpi kpi-${key} figure`, id: `kpi-${key}`, href: '#', dataset: { figure: key } },
      h('div', { class: 'kpi-label' }, label),
      h('div', { class: 'kpi-value' }, h('span', { 'data-kpi': key }, '—'), h('small', {}, unit)),
      h('div', { class: 'kpi-change', 'data-change': key }))));
  const screen = h('div', { class: 'screen' },
    h('div', { class: 'screen-head' },
      h('h1', {}, '大庆市在庆外籍人员态势'),
      h('div', { class: 'screen-tools' },
        h('label', { for: 'as-of' }, '统计日期'), picker, stamp, status,
        h('a', { href: pageLink('brief', { date: chosen }), id: 'to-brief', class: 'stamp' }, '每日情况报告'),
        h('button', { type: 'button', class: 'small', id: 'print', onclick: () => { forPaper(); window.print(); } }, '打印'))),
    h('p', { class: 'print-only', id: 'print-stamp' }),
    kpis,
    h('div', { class: 'grid' }, PANELS.map(panelView)));
  root.replaceChildren(screen);
  const supplies = (window.hubViewer?.allowed || []).includes('ReadSupplies') ? mountSuppliesPanel(root) : null;

  const charts = {};
  let disposed = false;
  const ctx = {
    figures: null,
    day: chosen,
    asOf: null,
    isToday: true,
    narrow: window.innerWidth <= NARROW,
    body: (id) => screen.querySelector(`#body-${id}`),
    setNote: (id, text) => { const el = screen.querySelector(`#${id}-day`); if (el) el.textContent = text; },
    describe: (id, node) => screen.querySelector(`#data-${id}`)?.replaceChildren(node),
    /** Draws a chart in a panel's body (or `box`); `onClick` gets the clicked item. */
    chart(id, option, onClick, box) {
      if (!window.echarts) return;
      const el = box || screen.querySelector(`#body-${id}`);
      if (charts[id] && charts[id].getDom() !== el) {
        charts[id].dispose();
        delete charts[id];
      }
      if (!charts[id]) {
        charts[id] = window.echarts.init(el, null, { renderer: 'canvas' });
        el.setAttribute('role', 'img');
        el.setAttribute('aria-label', `${PANELS.find((p) => p.id === id)?.title || ''}图表，数据见下方表格`);
      }
      charts[id].off('click');
      if (onClick) charts[id].on('click', onClick);
      charts[id].setOption(option, true);
    },
  };

  function showFigures(o, previous) {
    for (const [key, , , filters] of KPIS) {
      const el = screen.querySelector(`[data-kpi="${key}"]`);
      el.textContent = num(o[key]);
      el.dataset.value = String(o[key]);
      const delta = change(o[key], previous[key]);
      const changeEl = screen.querySelector(`[data-change="${key}"]`);
      changeEl.textContent = delta ? `较前一日 ${delta}` : '';
      changeEl.className = `kpi-change${o[key] > previous[key] ? ' up' : o[key] < previous[key] ? ' down' : ''}`;
      changeEl.dataset.value = String(o[key] - previous[key]);
      screen.querySelector(`#kpi-${key}`).setAttribute('href', peopleLink(ctx.day, filters));
    }
    stamp.textContent = `数据截至 ${dateTime(o.asOf)}`;
    screen.querySelector('#print-stamp').textContent = `统计时间：${dateTime(o.asOf)}（打印于 ${dateTime(new Date())}）`;
  }

  async function refresh() {
    if (disposed) return;
    const day = picker.value || today();
    ctx.day = day;
    ctx.isToday = day === today();
    ctx.narrow = window.innerWidth <= NARROW;
    const at = ctx.isToday ? new Date() : new Date(endOfDay(day));
    ctx.asOf = at.toISOString();
    screen.querySelector('#to-brief').setAttribute('href', pageLink('brief', { date: day }));
    status.textContent = '刷新中…';
    screen.querySelector(':scope > .error')?.remove();
    try {
      ctx.figures = await gql(FIGURES, {
        asOf: ctx.asOf,
        before: new Date(at.getTime() - 86_400_000).toISOString(),
        from: addDays(day, 1 - TREND_DAYS),
        to: day,
      });
      if (disposed) return;
      showFigures(ctx.figures.overview, ctx.figures.previous);
      status.textContent = `每分钟自动刷新 · 上次 ${dateTime(new Date()).slice(11)}`;
    } catch (error) {
      status.textContent = '刷新失败';
      if (!disposed) screen.prepend(errorBox(error));
      return;
    }
    await Promise.all(PANELS.map(async (p) => {
      try {
        await p.load(ctx);
      } catch (error) {
        if (!disposed) ctx.body(p.id).replaceChildren(errorBox(error));
      }
    }));
    try {
      await supplies?.refresh(ctx.asOf, day);
    } catch (error) {
      if (!disposed) root.querySelector('#supplies-panel')?.prepend(errorBox(error));
    }
  }

  picker.addEventListener('change', () => {
    // The chosen day is kept in the URL (a reload or a shared link shows the same day).
    history.replaceState(null, '', pageLink('dashboard', { date: picker.value === today() ? '' : picker.value }));
    refresh();
  });
  let resizeTimer = null;
  const onResize = () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      const narrow = window.innerWidth <= NARROW;
      Object.values(charts).forEach((c) => c && c.resize());
      supplies?.resize();
      if (narrow !== ctx.narrow) refresh();
    }, 150);
  };
  window.addEventListener('resize', onResize);
  /** Redraws the charts for paper (dark on white, the page's printed width), at once. */
  function forPaper() {
    if (colors === PAPER || !ctx.figures) return;
    colors = PAPER;
    redraw();
    Object.values(charts).forEach((c) => c && c.resize({ width: 680 }));
  }
  /** Redraws the charts from the figures already read (no waiting: printing cannot wait). */
  function redraw() {
    PANELS.filter((p) => p.chart).forEach((p) => p.load(ctx));
    if (charts.reports && ctx.reportCounts) {
      charts.reports.setOption(reportsOption(ctx.reportCounts, ctx.narrow), true);
    }
  }
  const beforePrint = () => forPaper();
  const afterPrint = () => {
    if (colors === SCREEN) return;
    colors = SCREEN;
    redraw();
    Object.values(charts).forEach((c) => c && c.resize());
  };
  window.addEventListener('beforeprint', beforePrint);
  window.addEventListener('afterprint', afterPrint);
  await refresh();
  const timer = setInterval(refresh, REFRESH_MS);
  return () => {
    disposed = true;
    colors = SCREEN;
    clearInterval(timer);
    clearTimeout(resizeTimer);
    window.removeEventListener('resize', onResize);
    window.removeEventListener('beforeprint', beforePrint);
    window.removeEventListener('afterprint', afterPrint);
    Object.values(charts).forEach((c) => c && c.dispose());
    supplies?.dispose();
  };
}
