// 日报告: a unit files its report of the day here (a zero report in one click, or its
// arrivals, departures and anomalies) and sees its history; the office (analysts, leaders,
// admins) sees who reported, sent a zero report or is missing on a day — with each missing
// unit's contact from the registry and when it last reported. The day and the list shown
// are kept in the URL.

import { gql } from '../api.js';
import {
  addDays, dateTime, errorBox, h, keepInUrl, table, today, uploaderName,
} from '../util.js';

const SUBMIT = `mutation Submit($date: NaiveDate!, $zero: Boolean, $arrivals: Int, $departures: Int,
  $anomalies: String, $note: String, $unit: String) {
  submitDailyReport(date: $date, zero: $zero, arrivals: $arrivals, departures: $departures,
    anomalies: $anomalies, note: $note, unit: $unit) { id date zero submittedAt }
}`;

const HISTORY = `query History($from: NaiveDate!, $to: NaiveDate!, $unit: String) {
  dailyReports(from: $from, to: $to, unit: $unit, first: 100) {
    id date zero arrivals departures anomalies note submittedBy submittedAt unit { code name }
  }
}`;

const UNITS = `{ memberUnits { code name active } }`;

const STATUS = `query Status($date: NaiveDate!) {
  dailyReportStatus(date: $date) {
    date expected
    reported { unit { code name } arrivals departures anomalies note submittedAt submittedBy }
    zeroReported { unit { code name } submittedAt submittedBy }
    missing { code name kind lastReportAt lastReportDate lastUploadAt contact { name phone } }
  }
}`;

const HISTORY_DAYS = 30;

const STATUS_TABS = { missing: '未报告', reported: '已报告', zero: '零报告' };

function reportText(r) {
  if (r.zero) return '零报告（无变化）';
  const parts = [];
  if (r.arrivals != null) parts.push(`到达 ${r.arrivals} 人`);
  if (r.departures != null) parts.push(`离开 ${r.departures} 人`);
  if (r.anomalies) parts.push(`异常：${r.anomalies}`);
  if (r.note) parts.push(`备注：${r.note}`);
  return parts.join('；') || '已报告';
}

/** The unit's form and history (uploaders, and admins for a chosen unit). */
async function unitSection(viewer, day) {
  const isAdmin = viewer.role === 'ADMIN';
  let unit = viewer.unitCode || null;
  const date = h('input', { type: 'date', id: 'report-date', value: day, max: today(), required: true });
  const arrivals = h('input', { type: 'number', id: 'report-arrivals', min: 0, step: 1, inputmode: 'numeric' });
  const departures = h('input', { type: 'number', id: 'report-departures', min: 0, step: 1, inputmode: 'numeric' });
  const anomalies = h('textarea', { id: 'report-anomalies', rows: 2, maxlength: 2000 });
  const note = h('textarea', { id: 'report-note', rows: 2, maxlength: 2000 });
  const result = h('div', { id: 'report-result', 'aria-live': 'polite' });
  const history = h('div', { id: 'report-history' });
  let unitSelect = null;
  if (isAdmin) {
    unitSelect = h('select', { id: 'report-unit' });
    const { memberUnits } = await gql(UNITS);
    unitSelect.append(...memberUnits.filter((u) => u.active).map((u) => h('option', { value: u.code, selected: u.code === unit }, u.name)));
    unit = unitSelect.value;
    unitSelect.addEventListener('change', () => { unit = unitSelect.value; loadHistory(); });
  }
  const zeroButton = h('button', { type: 'button', id: 'zero-report', class: 'primary' }, '一键零报告（今日无变化）');
  const form = h('form', { class: 'card', id: 'report-form' },
    h('h2', {}, `本单位日报告${isAdmin ? '' : `：${viewer.unitName}`}`),
    h('div', { class: 'filters' },
      unitSelect ? h('label', {}, '单位', unitSelect) : null,
      h('label', {}, '报告日期', date)),
    h('p', {}, zeroButton, h('span', { class: 'muted' }, ' 当日本单位外籍人员无新增、无离开、无异常时使用。')),
    h('fieldset', {},
      h('legend', {}, '或填写当日情况'),
      h('div', { class: 'filters' },
        h('label', {}, '新到达（人）', arrivals),
        h('label', {}, '离开（人）', departures)),
      h('label', { class: 'block' }, '异常情况（如签证过期、体温异常，无则不填）', anomalies),
      h('label', { class: 'block' }, '备注', note),
      h('div', { class: 'buttons' }, h('button', { type: 'submit' }, '提交日报告'))),
    result);

  async function submit(variables) {
    result.replaceChildren(h('p', { class: 'muted' }, '提交中…'));
    try {
      const { submitDailyReport: r } = await gql(SUBMIT, { date: date.value, unit: isAdmin ? unit : null, ...variables });
      result.replaceChildren(h('p', { class: 'good', role: 'status', id: 'report-done' },
        `已提交 ${r.date} 的${r.zero ? '零报告' : '日报告'}（${dateTime(r.submittedAt)}）。同日再次提交将以最新一次为准。`));
      await loadHistory();
    } catch (error) {
      result.replaceChildren(errorBox(error));
    }
  }
  zeroButton.addEventListener('click', () => submit({ zero: true }));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const number = (input) => (input.value === '' ? null : Number(input.value));
    submit({
      zero: false, arrivals: number(arrivals), departures: number(departures),
      anomalies: anomalies.value.trim() || null, note: note.value.trim() || null,
    });
  });

  async function loadHistory() {
    try {
      const { dailyReports } = await gql(HISTORY, { from: addDays(today(), 1 - HISTORY_DAYS), to: today(), unit });
      // Three narrow columns, kept as a table on a phone too: a month of reports stays short.
      history.replaceChildren(table(['报告日期', '内容', '提交'],
        dailyReports.map((r) => [r.date.slice(5), reportText(r),
          h('span', { class: 'muted' }, `${uploaderName(r.submittedBy, r.unit.name)} ${dateTime(r.submittedAt).slice(5)}`)]),
        { class: 'compact keep-table', id: 'report-history-table' }, '本单位近30天日报告'));
    } catch (error) {
      history.replaceChildren(errorBox(error));
    }
  }
  await loadHistory();
  return [form, h('section', { class: 'card' }, h('h2', {}, `近${HISTORY_DAYS}天报告记录`), history)];
}

/** Who reported on a day (the office). */
function statusSection(day, tab) {
  const date = h('input', { type: 'date', id: 'status-date', value: day, max: today() });
  const tabs = h('div', { class: 'tabs', role: 'tablist' });
  const body = h('div', { id: 'status-body' });
  const counts = h('p', { id: 'status-counts', 'aria-live': 'polite' });
  const section = h('section', { class: 'card', id: 'report-status' },
    h('h2', {}, '成员单位日报告情况'),
    h('div', { class: 'filters' }, h('label', {}, '日期', date)), counts, tabs, body);
  let current = STATUS_TABS[tab] ? tab : 'missing';
  let data = null;

  function show() {
    tabs.replaceChildren(...Object.entries(STATUS_TABS).map(([key, label]) => h('a', {
      href: '#', role: 'tab', class: key === current ? 'active' : '', 'aria-selected': key === current ? 'true' : 'false',
      dataset: { tab: key },
      onclick: (e) => { e.preventDefault(); current = key; keepInUrl('reports', { date: date.value, status: current }, true); show(); },
    }, `${label}（${key === 'missing' ? data.missing.length : key === 'zero' ? data.zeroReported.length : data.reported.length}）`)));
    if (current === 'missing') {
      body.replaceChildren(table(['单位', '联系人', '联系电话', '最近一次日报告', '最近上传'],
        data.missing.map((u) => [
          u.name, u.contact?.name || '（未登记）',
          u.contact?.phone ? h('a', { href: `tel:${u.contact.phone}` }, u.contact.phone) : '（未登记）',
          u.lastReportDate ? `${u.lastReportDate}（提交于 ${dateTime(u.lastReportAt)}）` : '从未报告',
          u.lastUploadAt ? dateTime(u.lastUploadAt) : '—',
        ]), { class: 'compact missing-list', id: 'missing-table' }, '未报告的单位'));
    } else if (current === 'zero') {
      body.replaceChildren(table(['单位', '提交人', '提交时间'],
        data.zeroReported.map((r) => [r.unit.name, uploaderName(r.submittedBy, r.unit.name), dateTime(r.submittedAt)]),
        { class: 'compact', id: 'zero-table' }, '零报告的单位'));
    } else {
      body.replaceChildren(table(['单位', '内容', '提交人', '提交时间'],
        data.reported.map((r) => [r.unit.name, reportText(r), uploaderName(r.submittedBy, r.unit.name), dateTime(r.submittedAt)]),
        { class: 'compact', id: 'reported-table' }, '已报告的单位'));
    }
  }

  async function load() {
    try {
      ({ dailyReportStatus: data } = await gql(STATUS, { date: date.value }));
      counts.textContent = `${data.date}：应报 ${data.expected} 家，已报告 ${data.reported.length} 家，零报告 ${data.zeroReported.length} 家，未报告 ${data.missing.length} 家。`;
      show();
    } catch (error) {
      body.replaceChildren(errorBox(error));
    }
  }
  date.addEventListener('change', () => { keepInUrl('reports', { date: date.value, status: current }); load(); });
  return { section, load };
}

export async function render(root, { viewer, query }) {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(query.get('date') || '') ? query.get('date') : today();
  const parts = [h('h1', {}, '日报告和零报告')];
  const canSubmit = viewer.allowed.includes('SubmitDailyReport');
  const canSeeStatus = viewer.allowed.includes('ReadDailyReportStatus');
  const page = h('div', { class: 'page' }, parts);
  root.replaceChildren(page);
  if (canSubmit) {
    try {
      page.append(...await unitSection(viewer, day));
    } catch (error) {
      page.append(errorBox(error));
    }
  }
  if (canSeeStatus) {
    const status = statusSection(day, query.get('status'));
    page.append(status.section);
    await status.load();
  }
}
