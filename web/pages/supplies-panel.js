// The 物资保障 panel of the leadership dashboard: received value and cash, goods received /
// in transit / pledged by item, purchases for the city vs assisted, contracts by state with
// the refund due, outreach counts and goods received per day — as of the dashboard's day.

import { gql } from '../api.js';
import { addDays, h, num } from '../util.js';

export const ITEM_LABELS = {
  PROTECTIVE_SUIT: '防护服',
  N95_MASK: 'N95口罩',
  MEDICAL_MASK: '医用口罩',
  SURGICAL_MASK: '外科口罩',
  MEDICAL_GLOVES: '医用手套',
  EXAM_GLOVES: '检查手套',
  GOGGLES: '护目镜',
  ISOLATION_GOWN: '隔离服',
};

const TREND_DAYS = 30;

const SUPPLIES = `query Supplies($asOf: DateTime, $from: NaiveDate!, $to: NaiveDate!) {
  supplies(asOf: $asOf) {
    donations { receivedValueCny cashCny count donorsReceived
                received { item quantity } inTransit { item quantity } pledged { item quantity } }
    procurement { receivedForCity { item quantity } receivedAssisted { item quantity }
                  inTransit { item quantity } contracted { item quantity } cancelled { item quantity }
                  openLeads paidCny refundDueCny }
    outreach { contacts organisations countriesAndRegions recommended }
  }
  suppliesTrend(from: $from, to: $to) { day received { item quantity } }
}`;

const KPIS = [
  ['receivedValue', '接收捐赠款物折合', '元'],
  ['cash', '其中现金', '元'],
  ['donations', '捐赠笔数', '笔'],
  ['paid', '协助采购已付款', '元'],
  ['refundDue', '待退款', '元'],
  ['contacts', '对外联络', '次'],
  ['organisations', '联系单位和个人', '个'],
  ['countries', '国家和地区', '个'],
];

const AXIS = { color: '#9fc3e7' };
const SPLIT = { lineStyle: { color: 'rgba(120,170,230,0.12)' } };
const ITEMS = Object.keys(ITEM_LABELS);

function quantityOf(list, item) {
  return (list.find((e) => e.item === item) || { quantity: 0 }).quantity;
}

/** Stacked bars by item, one series per named list. */
function stackedOption(series) {
  const used = ITEMS.filter((item) => series.some(([, list]) => quantityOf(list, item) > 0));
  return {
    grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0, textStyle: { color: '#cfe6ff' } },
    xAxis: { type: 'category', data: used.map((i) => ITEM_LABELS[i]), axisLabel: { ...AXIS, interval: 0, rotate: 30 } },
    yAxis: { type: 'value', axisLabel: AXIS, splitLine: SPLIT },
    series: series.map(([name, list, color]) => ({
      name, type: 'bar', stack: 'all', barMaxWidth: 28, itemStyle: { color },
      data: used.map((item) => quantityOf(list, item)),
    })),
  };
}

function trendOption(days) {
  const used = ITEMS.filter((item) => days.some((d) => quantityOf(d.received, item) > 0));
  return {
    grid: { left: 8, right: 16, top: 48, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis' },
    legend: { top: 0, textStyle: { color: '#cfe6ff' } },
    xAxis: { type: 'category', data: days.map((d) => d.day.slice(5)), axisLabel: AXIS },
    yAxis: { type: 'value', axisLabel: AXIS, splitLine: SPLIT },
    series: used.map((item) => ({
      name: ITEM_LABELS[item], type: 'bar', stack: 'day', barMaxWidth: 14,
      data: days.map((d) => quantityOf(d.received, item)),
    })),
  };
}

function itemRows(list) {
  return list.length ? list.map((e) => `${ITEM_LABELS[e.item] || e.item} ${num(e.quantity)}`).join('，') : '无';
}

/** Adds the panel to `container`; returns `{ refresh(asOf, day), dispose() }`. */
export function mountSuppliesPanel(container) {
  const kpis = h('div', { class: 'kpis' }, KPIS.map(([key, label, unit]) =>
    h('div', { class: `kpi kpi-supplies-${key}` },
      h('div', { class: 'kpi-label' }, label),
      h('div', { class: 'kpi-value' }, h('span', { 'data-supplies-kpi': key }, '—'), h('small', {}, unit)))));
  const panel = (title, id) => h('section', { class: 'panel', id: `panel-${id}` },
    h('h2', {}, title), h('div', { class: 'panel-body', id: `body-${id}` }));
  const section = h('div', { class: 'screen supplies-screen', id: 'supplies-panel' },
    h('div', { class: 'screen-head' }, h('h1', {}, '物资保障')),
    kpis,
    h('div', { class: 'grid' },
      panel('捐赠物资（已接收 / 在途 / 承诺）', 'donated'),
      panel('协助采购到货（为市指挥部 / 协助县区企业）', 'bought'),
      panel('采购合同状态', 'contracts'),
      panel('每日到货（近30天）', 'supplies-trend')));
  container.append(section);
  const charts = {};
  const chart = (id) => {
    if (!window.echarts) return null;
    if (!charts[id]) charts[id] = window.echarts.init(section.querySelector(`#body-${id}`));
    return charts[id];
  };
  return {
    async refresh(asOf, day) {
      const data = await gql(SUPPLIES, { asOf, from: addDays(day, 1 - TREND_DAYS), to: day });
      const { donations: d, procurement: p, outreach: o } = data.supplies;
      const values = {
        receivedValue: d.receivedValueCny, cash: d.cashCny, donations: d.count,
        paid: Math.round(p.paidCny), refundDue: Math.round(p.refundDueCny),
        contacts: o.contacts, organisations: o.organisations, countries: o.countriesAndRegions,
      };
      for (const [key] of KPIS) {
        const el = section.querySelector(`[data-supplies-kpi="${key}"]`);
        el.textContent = num(values[key]);
        el.dataset.value = String(values[key]);
      }
      chart('donated')?.setOption(stackedOption([
        ['已接收', d.received, '#2ecc71'], ['在途', d.inTransit, '#4facfe'], ['承诺', d.pledged, '#f7b733'],
      ]), true);
      chart('bought')?.setOption(stackedOption([
        ['为市指挥部', p.receivedForCity, '#36d1dc'], ['协助县区企业', p.receivedAssisted, '#a18cd1'],
      ]), true);
      section.querySelector('#body-contracts').replaceChildren(h('dl', { class: 'contract-states', id: 'contract-states' },
        h('dt', {}, '洽谈中线索'), h('dd', {}, `${num(p.openLeads)} 个`),
        h('dt', {}, '已签合同'), h('dd', {}, itemRows(p.contracted)),
        h('dt', {}, '在途'), h('dd', {}, itemRows(p.inTransit)),
        h('dt', {}, '已取消'), h('dd', {}, itemRows(p.cancelled)),
        h('dt', {}, '待退款'), h('dd', { class: p.refundDueCny > 0 ? 'bad' : '' }, `${num(Math.round(p.refundDueCny))} 元`),
        h('dt', {}, '推荐采购组'), h('dd', {}, `${num(o.recommended)} 批次`),
        h('dt', {}, '捐赠方（已接收）'), h('dd', {}, `${num(d.donorsReceived)} 个`)));
      chart('supplies-trend')?.setOption(trendOption(data.suppliesTrend), true);
    },
    resize() { Object.values(charts).forEach((c) => c && c.resize()); },
    dispose() { Object.values(charts).forEach((c) => c && c.dispose()); },
  };
}
