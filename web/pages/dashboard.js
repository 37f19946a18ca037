// The leadership dashboard (大屏): headline figures, people by country, by managing unit and
// by reporting unit, the present trend, today's daily-report status and recent uploads,
// as of a chosen day; refreshes itself every minute.

import { gql } from '../api.js';
import {
  KIND_LABELS, addDays, dateTime, endOfDay, errorBox, h, num, table, today,
} from '../util.js';

const REFRESH_MS = 60_000;
const TREND_DAYS = 30;

const FIGURES = `query Dashboard($asOf: DateTime, $from: NaiveDate!, $to: NaiveDate!) {
  overview(asOf: $asOf) {
    asOf knownPeople presentPeople countries managingUnits arrivals departures expiringVisas expiredVisas
  }
  byCountry: countsBy(dimension: NATIONALITY, asOf: $asOf) { key label count }
  byManaging: countsBy(dimension: MANAGING_UNIT, asOf: $asOf) { key label count }
  byReporting: countsBy(dimension: REPORTING_UNIT, asOf: $asOf) { key label count }
  trend: presentTrend(from: $from, to: $to) { day present }
  uploads(first: 8) { id unitName kind fileName uploadedAt status rows { accepted rejected } }
}`;

const REPORTS = `query Reports($date: NaiveDate!) {
  dailyReportStatus(date: $date) {
    expected
    reported { unit { code name } }
    zeroReported { unit { code name } }
    missing { code name }
  }
}`;

const KPIS = [
  ['presentPeople', '在庆外籍人员', '人'],
  ['countries', '国家和地区', '个'],
  ['managingUnits', '具体负责管理单位', '个'],
  ['arrivals', '当日到达', '人'],
  ['departures', '当日离开', '人'],
  ['expiringVisas', '签证30天内到期', '人'],
  ['expiredVisas', '签证过期（逾期滞留）', '人'],
  ['knownPeople', '累计掌握', '人'],
];

const AXIS = { color: '#9fc3e7' };
const SPLIT = { lineStyle: { color: 'rgba(120,170,230,0.12)' } };

function barOption(entries, limit, color) {
  const top = entries.slice(0, limit).reverse();
  return {
    grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', axisLabel: AXIS, splitLine: SPLIT },
    yAxis: {
      type: 'category',
      data: top.map((e) => e.label),
      axisLabel: { ...AXIS, width: 150, overflow: 'truncate' },
      axisLine: { lineStyle: { color: '#2b4a6f' } },
    },
    series: [{
      type: 'bar',
      data: top.map((e) => e.count),
      barMaxWidth: 16,
      itemStyle: { color, borderRadius: [0, 3, 3, 0] },
      label: { show: true, position: 'right', color: '#d8ecff' },
    }],
  };
}

function trendOption(points) {
  return {
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: points.map((p) => p.day.slice(5)), axisLabel: AXIS, boundaryGap: false },
    yAxis: { type: 'value', scale: true, axisLabel: AXIS, splitLine: SPLIT },
    series: [{
      type: 'line', data: points.map((p) => p.present), smooth: true, symbolSize: 5,
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

function reportsOption(status) {
  return {
    tooltip: { trigger: 'item' },
    legend: { bottom: 0, textStyle: { color: '#cfe6ff' } },
    series: [{
      type: 'pie', radius: ['45%', '70%'], center: ['50%', '44%'],
      label: { color: '#d8ecff', formatter: '{b}\n{c}' },
      data: [
        { name: '已报告', value: status.reported.length, itemStyle: { color: '#2ecc71' } },
        { name: '零报告', value: status.zeroReported.length, itemStyle: { color: '#3498db' } },
        { name: '未报告', value: status.missing.length, itemStyle: { color: '#e74c3c' } },
      ],
    }],
  };
}

function panel(title, id, extra) {
  return h('section', { class: 'panel', id: `panel-${id}` },
    h('h2', {}, title, extra || null),
    h('div', { class: 'panel-body', id: `body-${id}` }));
}

export async function render(root) {
  const picker = h('input', { type: 'date', id: 'as-of', value: today(), max: today(), 'aria-label': '统计日期' });
  const stamp = h('span', { id: 'as-of-text', class: 'stamp' });
  const status = h('span', { id: 'refresh-status', class: 'stamp' });
  const kpis = h('div', { class: 'kpis' }, KPIS.map(([key, label, unit]) =>
    h('div', { class: `kpi kpi-${key}` },
      h('div', { class: 'kpi-label' }, label),
      h('div', { class: 'kpi-value' }, h('span', { 'data-kpi': key }, '—'), h('small', {}, unit)))));
  const screen = h('div', { class: 'screen' },
    h('div', { class: 'screen-head' },
      h('h1', {}, '大庆市在庆外籍人员态势'),
      h('div', { class: 'screen-tools' }, h('label', { for: 'as-of' }, '统计日期'), picker, stamp, status)),
    kpis,
    h('div', { class: 'grid' },
      panel('在庆人员国籍分布（前15）', 'country'),
      panel('在庆人数趋势（近30天）', 'trend'),
      panel('日报告情况', 'reports', h('span', { class: 'panel-note', id: 'reports-day' })),
      panel('具体负责管理单位（前10）', 'managing'),
      panel('报送成员单位', 'reporting'),
      panel('最近上传', 'uploads')));
  root.replaceChildren(screen);

  const charts = {};
  const chart = (id) => {
    if (!window.echarts) return null;
    if (!charts[id]) charts[id] = window.echarts.init(screen.querySelector(`#body-${id}`), null, { renderer: 'canvas' });
    return charts[id];
  };

  let disposed = false;
  async function refresh() {
    if (disposed) return;
    const day = picker.value || today();
    const isToday = day === today();
    const asOf = isToday ? new Date().toISOString() : endOfDay(day);
    status.textContent = '刷新中…';
    try {
      const data = await gql(FIGURES, { asOf, from: addDays(day, 1 - TREND_DAYS), to: day });
      if (disposed) return;
      const o = data.overview;
      for (const [key] of KPIS) {
        const el = screen.querySelector(`[data-kpi="${key}"]`);
        el.textContent = num(o[key]);
        el.dataset.value = String(o[key]);
      }
      stamp.textContent = `数据截至 ${dateTime(o.asOf)}`;
      chart('country')?.setOption(barOption(data.byCountry, 15, '#4facfe'), true);
      chart('trend')?.setOption(trendOption(data.trend), true);
      chart('managing')?.setOption(barOption(data.byManaging, 10, '#f7b733'), true);
      chart('reporting')?.setOption(barOption(data.byReporting, 12, '#43e97b'), true);
      screen.querySelector('#body-uploads').replaceChildren(table(
        ['时间', '单位', '类型', '接收', '拒收'],
        data.uploads.map((u) => [
          dateTime(u.uploadedAt).slice(5),
          h('span', { title: u.fileName }, u.unitName),
          KIND_LABELS[u.kind] || u.kind,
          num(u.rows.accepted),
          u.rows.rejected ? h('span', { class: 'bad' }, num(u.rows.rejected)) : '0',
        ]),
        { class: 'compact', id: 'recent-uploads' }));
      status.textContent = `每分钟自动刷新 · 上次 ${dateTime(new Date()).slice(11)}`;
    } catch (error) {
      status.textContent = '刷新失败';
      if (disposed) return;
      screen.querySelector(':scope > .error')?.remove();
      screen.prepend(errorBox(error));
    }
    try {
      const data = await gql(REPORTS, { date: day });
      if (disposed) return;
      const s = data.dailyReportStatus;
      screen.querySelector('#reports-day').textContent = isToday ? '（今日）' : `（${day}）`;
      const body = screen.querySelector('#body-reports');
      body.replaceChildren(
        h('div', { class: 'reports-counts', id: 'reports-counts' },
          h('span', {}, `应报 ${s.expected}`),
          h('span', { class: 'ok' }, `已报 ${s.reported.length}`),
          h('span', { class: 'zero' }, `零报告 ${s.zeroReported.length}`),
          h('span', { class: 'missing-count' }, `未报 ${s.missing.length}`)),
        h('div', { class: 'reports-chart', id: 'reports-chart' }),
        h('div', { class: 'missing' },
          h('strong', {}, `未报告（${s.missing.length}）：`),
          s.missing.length ? s.missing.map((u) => h('span', { class: 'tag' }, u.name)) : '无'));
      if (window.echarts) {
        charts.reports?.dispose();
        charts.reports = window.echarts.init(screen.querySelector('#reports-chart'));
        charts.reports.setOption(reportsOption(s));
      }
    } catch (error) {
      if (disposed) return;
      screen.querySelector('#body-reports').replaceChildren(errorBox(error));
    }
  }

  picker.addEventListener('change', refresh);
  const onResize = () => Object.values(charts).forEach((c) => c && c.resize());
  window.addEventListener('resize', onResize);
  await refresh();
  const timer = setInterval(refresh, REFRESH_MS);
  return () => {
    disposed = true;
    clearInterval(timer);
    window.removeEventListener('resize', onResize);
    Object.values(charts).forEach((c) => c && c.dispose());
  };
}
