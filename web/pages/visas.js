// 签证: the present people whose visa has expired (overstays) or expires within 30 days,
// grouped by the unit that manages them, with the visa's end and the latest check; each
// unit's count opens its people list. The status and the day are kept in the URL.

import { gql } from '../api.js';
import {
  VISA_LABELS, dateTime, endOfDay, errorBox, fill, h, keepInUrl, num, pageLink, table, today,
} from '../util.js';

/** Most people the page lists (the counts are always complete). */
const MAX_LISTED = 1000;
const PAGE = 100;

const COUNTS = `query VisaCounts($asOf: DateTime, $filter: PersonFilter) {
  countsBy(dimension: MANAGING_UNIT, asOf: $asOf, filter: $filter) { key label count }
}`;

const PEOPLE = `query VisaPeople($filter: PersonFilter, $after: String, $asOf: DateTime) {
  people(filter: $filter, orderBy: NATIONALITY, first: ${PAGE}, after: $after, asOf: $asOf) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id name chineseName documentNumber visaStatus
      nationality { nameZh }
      managingUnit { id name }
      documents { kind validUntil }
      healthChecks { checkedAt temperature status }
    } }
  }
}`;

const STATUSES = { EXPIRED: '签证已过期（逾期滞留）', EXPIRING: '30天内到期' };

function visaEnd(p) {
  const dates = p.documents.filter((d) => d.kind === 'visa' && d.validUntil).map((d) => d.validUntil).sort();
  return dates.length ? dates[dates.length - 1] : '';
}

function lastCheck(p) {
  const checks = [...p.healthChecks].sort((a, b) => (a.checkedAt < b.checkedAt ? 1 : -1));
  const c = checks[0];
  return c ? `${dateTime(c.checkedAt)} ${c.temperature ?? ''}${c.temperature ? '℃' : ''} ${c.status || ''}`.trim() : '无记录';
}

export async function render(root, { query }) {
  const chosenDay = /^\d{4}-\d{2}-\d{2}$/.test(query.get('day') || '') && query.get('day') < today() ? query.get('day') : '';
  const state = { status: STATUSES[query.get('status')] ? query.get('status') : 'all', day: chosenDay };
  const status = h('select', { id: 'visa-status' },
    h('option', { value: 'all' }, '已过期和30天内到期'),
    Object.entries(STATUSES).map(([v, l]) => h('option', { value: v, selected: v === state.status }, l)));
  const day = h('input', { type: 'date', id: 'visa-day', value: state.day || today(), max: today() });
  const summary = h('div', { id: 'visa-summary' });
  const groups = h('div', { id: 'visa-groups' });
  root.replaceChildren(h('div', { class: 'page' },
    h('h1', {}, '签证：已过期和即将到期'),
    h('form', { class: 'filters card', id: 'visa-filters' },
      h('label', {}, '签证状态', status), h('label', {}, '统计日期', day),
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, '查询'))),
    h('section', { class: 'card' }, h('h2', {}, '按具体负责管理单位'), summary),
    groups));

  function statuses() {
    return state.status === 'all' ? ['EXPIRED', 'EXPIRING'] : [state.status];
  }

  async function load() {
    const filter = { present: true, visaStatus: statuses() };
    const asOf = state.day ? endOfDay(state.day) : null;
    groups.replaceChildren(h('p', { class: 'muted' }, '正在加载…'));
    try {
      const [{ countsBy }, people] = await Promise.all([gql(COUNTS, { asOf, filter }), loadPeople(filter, asOf)]);
      const total = countsBy.reduce((sum, c) => sum + c.count, 0);
      const link = (managing) => pageLink('people', { present: 'true', visa: statuses().join(','), managing, day: state.day });
      summary.replaceChildren(
        h('p', { id: 'visa-total' }, `共 ${num(total)} 人，涉及 ${countsBy.length} 家管理单位。`),
        table(['具体负责管理单位', '人数'], countsBy.map((c) => [
          c.label, h('a', { href: link(c.key), dataset: { managing: c.key } }, num(c.count)),
        ]), { class: 'compact', id: 'visa-units' }, '各管理单位签证异常人数'));
      const byUnit = new Map();
      for (const p of people.list) {
        const key = p.managingUnit ? p.managingUnit.name : '（无管理单位）';
        if (!byUnit.has(key)) byUnit.set(key, []);
        byUnit.get(key).push(p);
      }
      fill(groups,
        people.more ? h('p', { class: 'warn' }, `仅列出前 ${MAX_LISTED} 人，完整名单请在人员查询中导出。`) : null,
        ...[...byUnit.entries()].map(([unit, list]) => h('section', { class: 'card group' },
          h('h3', {}, `${unit}（${list.length}人）`),
          table(['姓名', '国籍', '证件号码', '签证状态', '签证有效期至', '最近体温检测'],
            list.sort((a, b) => (visaEnd(a) < visaEnd(b) ? -1 : 1)).map((p) => [
              h('a', { href: `#/person/${p.id}` }, p.name || p.chineseName || '（无姓名）'),
              p.nationality.nameZh, p.documentNumber,
              h('span', { class: `visa-${p.visaStatus}` }, VISA_LABELS[p.visaStatus] || p.visaStatus),
              visaEnd(p), lastCheck(p),
            ]), { class: 'compact visa-table' }, `${unit}签证异常人员`))));
      if (!people.list.length) groups.replaceChildren(h('p', { class: 'card muted' }, '没有签证已过期或即将到期的在庆人员。'));
    } catch (error) {
      groups.replaceChildren(errorBox(error));
    }
  }

  async function loadPeople(filter, asOf) {
    const list = [];
    let after = null;
    for (;;) {
      const { people } = await gql(PEOPLE, { filter, after, asOf });
      list.push(...people.edges.map((e) => e.node));
      if (!people.pageInfo.hasNextPage) return { list, more: false };
      if (list.length >= MAX_LISTED) return { list, more: true };
      after = people.pageInfo.endCursor;
    }
  }

  root.querySelector('#visa-filters').addEventListener('submit', (e) => {
    e.preventDefault();
    state.status = status.value;
    state.day = day.value && day.value !== today() ? day.value : '';
    keepInUrl('visas', { status: state.status === 'all' ? '' : state.status, day: state.day });
    load();
  });
  await load();
}
