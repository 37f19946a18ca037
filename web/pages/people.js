// The people list: the API's filters (all kept in the URL, so a figure of the dashboard
// links here and Back returns to the same list), sortable columns, pages with the total,
// facet counts on the same set as the list, the list as xlsx. Leaders see it masked and
// without search; uploaders see their own unit's people — the hub decides, not the page.

import { download, gql } from '../api.js';
import {
  VISA_LABELS, endOfDay, errorBox, fill, h, keepInUrl, num, table, today,
} from '../util.js';

const PAGE = 50;

const OPTIONS = `{ memberUnits { code name } }`;

const FACETS = `query Facets($asOf: DateTime, $byCountry: PersonFilter, $byManaging: PersonFilter) {
  countries: countsBy(dimension: NATIONALITY, asOf: $asOf, filter: $byCountry) { key label count }
  managing: countsBy(dimension: MANAGING_UNIT, asOf: $asOf, filter: $byManaging) { key label count }
}`;

const PEOPLE = `query People($filter: PersonFilter, $order: PersonOrder!, $after: String, $asOf: DateTime, $first: Int!) {
  people(filter: $filter, orderBy: $order, first: $first, after: $after, asOf: $asOf) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id documentNumber name chineseName sex birthDate present visaStatus hasConflicts
      nationality { code nameZh }
      managingUnit { id name }
    } }
  }
}`;

/** The URL's filter keys and their labels. */
const FILTER_KEYS = ['q', 'nationality', 'present', 'visa', 'unit', 'managing', 'day', 'arrivedOn', 'departedOn', 'sort'];

const SORTS = { ID: '登记顺序', NAME: '姓名', NATIONALITY: '国籍' };

/** The filters of the URL, with the list's defaults (present people, as of now). */
export function filtersOf(query) {
  const f = {};
  for (const key of FILTER_KEYS) f[key] = query.get(key) || '';
  if (!query.has('present')) f.present = 'true';
  if (!SORTS[f.sort]) f.sort = 'ID';
  if (f.day && (!/^\d{4}-\d{2}-\d{2}$/.test(f.day) || f.day >= today())) f.day = '';
  return f;
}

/** The API's PersonFilter of the URL's filters; `without` leaves one facet out. */
function apiFilter(f, without) {
  const out = {};
  if (f.q) out.search = f.q;
  if (f.nationality && without !== 'nationality') out.nationality = f.nationality.split(',');
  // The API lists present people unless told otherwise: 全部 asks for everyone (null).
  out.present = f.present === 'true' || f.present === 'false' ? f.present === 'true' : null;
  if (f.visa) out.visaStatus = f.visa.split(',');
  if (f.unit) out.reportedBy = f.unit.split(',');
  if (f.managing && without !== 'managing') out.managingUnit = f.managing.split(',');
  if (f.arrivedOn) { out.arrivedFrom = `${f.arrivedOn}T00:00:00+08:00`; out.arrivedTo = endOfDay(f.arrivedOn); }
  if (f.departedOn) { out.departedFrom = `${f.departedOn}T00:00:00+08:00`; out.departedTo = endOfDay(f.departedOn); }
  return out;
}

function asOfOf(f) {
  return f.day ? endOfDay(f.day) : null;
}

export async function render(root, { viewer, query }) {
  const f = filtersOf(query);
  const canSearch = viewer.allowed.includes('SearchPeople');
  const masked = viewer.role === 'LEADER';
  const search = h('input', { id: 'search', type: 'search', placeholder: '姓名或证件号码', value: f.q });
  const nationality = h('select', { id: 'nationality' }, h('option', { value: '' }, '全部国籍'));
  const present = h('select', { id: 'present' },
    h('option', { value: 'all' }, '全部（含已离开）'), h('option', { value: 'true' }, '在庆'), h('option', { value: 'false' }, '不在庆'));
  present.value = f.present || 'all';
  const visa = h('select', { id: 'visa' }, h('option', { value: '' }, '全部签证状态'),
    Object.entries(VISA_LABELS).map(([v, l]) => h('option', { value: v, selected: v === f.visa }, l)));
  const unit = h('select', { id: 'reported-by' }, h('option', { value: '' }, '全部报送单位'));
  const managing = h('select', { id: 'managing' }, h('option', { value: '' }, '全部管理单位'));
  const day = h('input', { id: 'day', type: 'date', value: f.day || today(), max: today() });
  // The order as a select too: on a phone the list reads as cards, without column headers.
  const sortSelect = h('select', { id: 'sort' },
    Object.entries(SORTS).map(([v, l]) => h('option', { value: v, selected: v === f.sort }, `按${l}`)));
  const form = h('form', { class: 'filters card', id: 'people-filters', role: 'search' },
    canSearch ? h('label', {}, '关键字', search) : null,
    h('label', {}, '国籍', nationality),
    h('label', {}, '是否在庆', present),
    h('label', {}, '签证', visa),
    h('label', {}, '报送单位', unit),
    h('label', {}, '管理单位', managing),
    h('label', {}, '统计日期', day),
    h('label', {}, '排序', sortSelect),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', class: 'primary' }, '查询'),
      h('button', { type: 'button', id: 'export' }, '导出 Excel')));
  const chips = h('div', { class: 'filter-chips', id: 'filter-chips', 'aria-live': 'polite' });
  const results = h('div', { id: 'people-results' });
  root.replaceChildren(h('div', { class: 'page' },
    h('h1', {}, masked ? '人员名单（个人信息已脱敏）' : '人员查询'), form,
    h('section', { class: 'card' }, chips, results)));

  const labels = { nationality: new Map(), managing: new Map(), unit: new Map() };
  try {
    const o = await gql(OPTIONS);
    for (const u of o.memberUnits) labels.unit.set(u.code, u.name);
    unit.append(...o.memberUnits.map((u) => h('option', { value: u.code, selected: u.code === f.unit }, u.name)));
  } catch (error) {
    form.append(errorBox(error));
  }

  /** Facets counted on the list's own set, whatever its presence (the API counts the same
   * people it lists): each leaves its own filter out. */
  async function loadFacets() {
    try {
      const data = await gql(FACETS, {
        asOf: asOfOf(f), byCountry: apiFilter(f, 'nationality'), byManaging: apiFilter(f, 'managing'),
      });
      const fillOptions = (select, entries, selected, map, all) => {
        if (selected && !entries.some((e) => e.key === selected)) entries = [...entries, { key: selected, label: selected, count: 0 }];
        select.replaceChildren(h('option', { value: '' }, all),
          ...entries.map((e) => {
            map.set(e.key, e.label);
            return h('option', { value: e.key, selected: e.key === selected }, `${e.label}（${e.count}）`);
          }));
      };
      fillOptions(nationality, data.countries, f.nationality, labels.nationality, '全部国籍');
      fillOptions(managing, data.managing, f.managing, labels.managing, '全部管理单位');
    } catch (error) {
      form.append(errorBox(error));
    }
  }

  function showChips() {
    const parts = [];
    if (f.q) parts.push(`关键字：${f.q}`);
    if (f.nationality) parts.push(`国籍：${f.nationality.split(',').map((c) => labels.nationality.get(c) || c).join('、')}`);
    parts.push(f.present === 'true' ? '在庆' : f.present === 'false' ? '不在庆' : '全部（含已离开）');
    if (f.visa) parts.push(`签证：${f.visa.split(',').map((v) => VISA_LABELS[v] || v).join('、')}`);
    if (f.unit) parts.push(`报送单位：${f.unit.split(',').map((c) => labels.unit.get(c) || c).join('、')}`);
    if (f.managing) parts.push(`管理单位：${f.managing.split(',').map((c) => labels.managing.get(c) || c).join('、')}`);
    if (f.arrivedOn) parts.push(`${f.arrivedOn} 到达`);
    if (f.departedOn) parts.push(`${f.departedOn} 离开`);
    parts.push(`统计时间：${f.day ? `${f.day} 24:00` : '当前'}`);
    fill(chips, h('strong', {}, '筛选条件：'), ...parts.map((p) => h('span', { class: 'chip' }, p)),
      f.arrivedOn || f.departedOn ? h('a', { href: '#/people', class: 'small' }, '清除') : null);
  }

  function readForm() {
    f.q = canSearch ? search.value.trim() : '';
    f.nationality = nationality.value;
    f.present = present.value === 'all' ? '' : present.value;
    f.visa = visa.value;
    f.unit = unit.value;
    f.managing = managing.value;
    f.day = day.value && day.value !== today() ? day.value : '';
    f.sort = sortSelect.value;
  }

  function urlFilters() {
    return { ...f, present: f.present || 'all', sort: f.sort === 'ID' ? '' : f.sort };
  }

  const cursors = [null]; // the cursor before each page seen; the last is the current page's
  let total = 0;

  function header(title, sort) {
    if (!sort) return title;
    const active = f.sort === sort;
    return h('span', {}, h('button', {
      type: 'button', class: 'sort', dataset: { sort }, 'aria-pressed': active ? 'true' : 'false',
      title: `按${SORTS[sort]}排序`,
      onclick: () => {
        f.sort = sort;
        sortSelect.value = sort;
        keepInUrl('people', urlFilters());
        cursors.splice(1);
        load();
      },
    }, title));
  }

  async function load() {
    const after = cursors[cursors.length - 1];
    results.setAttribute('aria-busy', 'true');
    try {
      const { people } = await gql(PEOPLE, {
        filter: apiFilter(f), order: f.sort, after, asOf: asOfOf(f), first: PAGE,
      });
      total = people.totalCount;
      const headers = [
        header('英文姓名', 'NAME'), '中文姓名', header('国籍', 'NATIONALITY'), '证件号码',
        ...(masked ? [] : ['出生日期']), '性别', '在庆', '签证', '具体负责管理单位', '',
      ];
      const rows = people.edges.map(({ node: p }) => [
        h('a', { href: `#/person/${p.id}` }, p.name || '（无英文名）'),
        p.chineseName || '',
        p.nationality.nameZh,
        p.documentNumber,
        ...(masked ? [] : [p.birthDate || '']),
        p.sex === 'F' ? '女' : p.sex === 'M' ? '男' : '',
        p.present ? '在庆' : h('span', { class: 'muted' }, '不在庆'),
        h('span', { class: `visa visa-${p.visaStatus}` }, VISA_LABELS[p.visaStatus] || p.visaStatus),
        p.managingUnit ? p.managingUnit.name : '',
        p.hasConflicts ? h('span', { class: 'warn', title: '来源之间存在不一致' }, '有冲突') : '',
      ]);
      const pageNo = cursors.length;
      const pages = Math.max(1, Math.ceil(total / PAGE));
      const list = table(headers, rows, { class: 'compact sticky-first', id: 'people-table' }, '人员列表');
      const sortIndex = { NAME: 0, NATIONALITY: 2 }[f.sort];
      if (sortIndex !== undefined) list.querySelectorAll('th')[sortIndex].setAttribute('aria-sort', 'ascending');
      const prev = h('button', { type: 'button', id: 'prev-page', disabled: pageNo === 1 }, '上一页');
      const next = h('button', { type: 'button', id: 'next-page', disabled: !people.pageInfo.hasNextPage }, '下一页');
      prev.addEventListener('click', () => { cursors.pop(); load(); });
      next.addEventListener('click', () => { cursors.push(people.pageInfo.endCursor); load(); });
      results.replaceChildren(
        h('p', { id: 'people-total', 'aria-live': 'polite' }, `共 ${num(total)} 人 · 第 ${pageNo} / ${pages} 页 · 按${SORTS[f.sort]}排序`),
        h('div', { class: 'table-wrap' }, list),
        h('div', { class: 'pager' }, prev, h('span', { id: 'page-no' }, `第 ${pageNo} / ${pages} 页`), next));
    } catch (error) {
      results.replaceChildren(errorBox(error));
    } finally {
      results.removeAttribute('aria-busy');
    }
  }

  function exportQuery() {
    const q = new URLSearchParams();
    const a = apiFilter(f);
    if (a.search) q.set('search', a.search);
    if (a.nationality) q.set('nationality', a.nationality.join(','));
    q.set('present', a.present === null ? 'all' : String(a.present));
    if (a.visaStatus) q.set('visaStatus', a.visaStatus.join(','));
    if (a.reportedBy) q.set('unit', a.reportedBy.join(','));
    if (a.managingUnit) q.set('managingUnit', a.managingUnit.join(','));
    if (asOfOf(f)) q.set('asOf', asOfOf(f));
    return q.toString();
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    readForm();
    keepInUrl('people', urlFilters());
    cursors.splice(1);
    showChips();
    loadFacets();
    load();
  });
  form.querySelector('#export').addEventListener('click', async (e) => {
    const button = e.currentTarget;
    button.disabled = true;
    button.textContent = '正在导出…';
    try {
      await download(`/api/exports/people.xlsx?${exportQuery()}`, `外籍人员名单_${f.day || today()}.xlsx`);
    } catch (error) {
      form.append(errorBox(error));
    } finally {
      button.disabled = false;
      button.textContent = '导出 Excel';
    }
  });
  await loadFacets();
  showChips();
  await load();
}
