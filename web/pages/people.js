// People search for analysts: the API's filters, a page at a time, the list as xlsx, and
// the candidate merges waiting for a decision.

import { ApiError, download, gql } from '../api.js';
import { VISA_LABELS, endOfDay, errorBox, h, num, table, today } from '../util.js';

const PAGE = 50;

const OPTIONS = `{
  memberUnits { code name }
  countries: countsBy(dimension: NATIONALITY) { key label count }
  managing: countsBy(dimension: MANAGING_UNIT) { key label count }
}`;

const PEOPLE = `query People($filter: PersonFilter, $after: String, $asOf: DateTime, $first: Int!) {
  people(filter: $filter, orderBy: NATIONALITY, first: $first, after: $after, asOf: $asOf) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id documentNumber name chineseName sex present visaStatus hasConflicts
      nationality { code nameZh }
      managingUnit { name }
    } }
  }
}`;

const MERGES = `{
  pendingMerges {
    id reason createdAt
    person { id name documentNumber birthDate nationality { nameZh } }
    candidate { id name documentNumber birthDate nationality { nameZh } }
  }
}`;

const RESOLVE = `mutation Resolve($id: ID!, $accept: Boolean!) { resolveMerge(id: $id, accept: $accept) { id status } }`;

function personLink(p) {
  return p ? h('a', { href: `#/person/${p.id}` }, `${p.name || '（无英文名）'} · ${p.nationality.nameZh} · ${p.documentNumber}${p.birthDate ? ` · ${p.birthDate}` : ''}`) : '—';
}

export async function render(root) {
  const search = h('input', { id: 'search', type: 'search', placeholder: '姓名或证件号码' });
  const nationality = h('select', { id: 'nationality' }, h('option', { value: '' }, '全部国籍'));
  const present = h('select', { id: 'present' },
    h('option', { value: '' }, '全部'), h('option', { value: 'true' }, '在庆'), h('option', { value: 'false' }, '不在庆'));
  const visa = h('select', { id: 'visa' }, h('option', { value: '' }, '全部签证状态'),
    Object.entries(VISA_LABELS).map(([v, l]) => h('option', { value: v }, l)));
  const unit = h('select', { id: 'reported-by' }, h('option', { value: '' }, '全部报送单位'));
  const managing = h('select', { id: 'managing' }, h('option', { value: '' }, '全部管理单位'));
  const day = h('input', { id: 'day', type: 'date', value: today(), max: today() });
  const form = h('form', { class: 'filters card', id: 'people-filters' },
    h('label', {}, '关键字', search),
    h('label', {}, '国籍', nationality),
    h('label', {}, '是否在庆', present),
    h('label', {}, '签证', visa),
    h('label', {}, '报送单位', unit),
    h('label', {}, '管理单位', managing),
    h('label', {}, '统计日期', day),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', class: 'primary' }, '查询'),
      h('button', { type: 'button', id: 'export' }, '导出 Excel')));
  const results = h('div', { id: 'people-results' });
  const merges = h('div', { id: 'merges' });
  root.replaceChildren(h('div', { class: 'page' },
    h('h1', {}, '人员查询'), form,
    h('section', { class: 'card' }, results),
    h('section', { class: 'card' }, h('h2', {}, '待确认的人员合并'),
      h('p', { class: 'muted' }, '姓名、出生日期和国籍相同但证件号码不同的记录，请核实是否为同一人。'), merges)));

  try {
    const o = await gql(OPTIONS);
    nationality.append(...o.countries.map((c) => h('option', { value: c.key }, `${c.label}（${c.count}）`)));
    unit.append(...o.memberUnits.map((u) => h('option', { value: u.code }, u.name)));
    managing.append(...o.managing.map((m) => h('option', { value: m.key }, `${m.label}（${m.count}）`)));
  } catch (error) {
    form.append(errorBox(error));
  }

  const asOf = () => (day.value && day.value !== today() ? endOfDay(day.value) : null);
  function filter() {
    const f = {};
    if (search.value.trim()) f.search = search.value.trim();
    if (nationality.value) f.nationality = [nationality.value];
    // The API lists present people unless told otherwise: 全部 asks for everyone (null).
    f.present = present.value ? present.value === 'true' : null;
    if (visa.value) f.visaStatus = [visa.value];
    if (unit.value) f.reportedBy = [unit.value];
    if (managing.value) f.managingUnit = [managing.value];
    return f;
  }
  function exportQuery() {
    const q = new URLSearchParams();
    const f = filter();
    if (f.search) q.set('search', f.search);
    if (f.nationality) q.set('nationality', f.nationality.join(','));
    q.set('present', f.present === null ? 'all' : String(f.present));
    if (f.visaStatus) q.set('visaStatus', f.visaStatus.join(','));
    if (f.reportedBy) q.set('unit', f.reportedBy.join(','));
    if (f.managingUnit) q.set('managingUnit', f.managingUnit.join(','));
    if (asOf()) q.set('asOf', asOf());
    return q.toString();
  }

  let cursor = null;
  async function load(more) {
    if (!more) cursor = null;
    try {
      const { people } = await gql(PEOPLE, { filter: filter(), after: cursor, asOf: asOf(), first: PAGE });
      const rows = people.edges.map(({ node: p }) => [
        h('a', { href: `#/person/${p.id}` }, p.name || '（无英文名）'),
        p.chineseName || '',
        p.nationality.nameZh,
        p.documentNumber,
        p.sex === 'F' ? '女' : p.sex === 'M' ? '男' : '',
        p.present ? '在庆' : h('span', { class: 'muted' }, '不在庆'),
        h('span', { class: `visa visa-${p.visaStatus}` }, VISA_LABELS[p.visaStatus] || p.visaStatus),
        p.managingUnit ? p.managingUnit.name : '',
        p.hasConflicts ? h('span', { class: 'warn', title: '来源之间存在不一致' }, '有冲突') : '',
      ]);
      const headers = ['英文姓名', '中文姓名', '国籍', '证件号码', '性别', '在庆', '签证', '具体负责管理单位', ''];
      if (!more) {
        results.replaceChildren(
          h('p', { id: 'people-total' }, `共 ${num(people.totalCount)} 人`),
          table(headers, rows, { class: 'compact', id: 'people-table' }));
      } else {
        results.querySelector('tbody').append(...table(headers, rows).querySelectorAll('tbody tr'));
      }
      results.querySelector('.more')?.remove();
      cursor = people.pageInfo.endCursor;
      if (people.pageInfo.hasNextPage) {
        results.append(h('button', { type: 'button', class: 'more', onclick: () => load(true) }, '加载更多'));
      }
    } catch (error) {
      results.replaceChildren(errorBox(error));
    }
  }

  async function loadMerges() {
    try {
      const { pendingMerges } = await gql(MERGES);
      merges.replaceChildren(table(['人员甲（合并后保留）', '人员乙', '依据', '操作'],
        pendingMerges.map((m) => [personLink(m.person), personLink(m.candidate),
          m.reason === 'same_name_birth_date' ? '姓名、出生日期、国籍相同' : m.reason,
          h('span', { class: 'buttons' },
            h('button', { type: 'button', class: 'small primary', onclick: () => resolve(m.id, true) }, '是同一人，合并'),
            h('button', { type: 'button', class: 'small', onclick: () => resolve(m.id, false) }, '不是同一人'))]),
        { class: 'compact', id: 'merges-table' }));
    } catch (error) {
      merges.replaceChildren(error instanceof ApiError && error.code === 'FORBIDDEN'
        ? h('p', { class: 'muted' }, '当前角色无权处理人员合并。') : errorBox(error));
    }
  }

  async function resolve(id, accept) {
    try {
      await gql(RESOLVE, { id, accept });
      await loadMerges();
      await load(false);
    } catch (error) {
      merges.prepend(errorBox(error));
    }
  }

  form.addEventListener('submit', (e) => { e.preventDefault(); load(false); });
  form.querySelector('#export').addEventListener('click', async (e) => {
    const button = e.currentTarget;
    button.disabled = true;
    button.textContent = '正在导出…';
    try {
      await download(`/api/exports/people.xlsx?${exportQuery()}`, `外籍人员名单_${day.value || today()}.xlsx`);
    } catch (error) {
      form.append(errorBox(error));
    } finally {
      button.disabled = false;
      button.textContent = '导出 Excel';
    }
  });
  await Promise.all([load(false), loadMerges()]);
}
