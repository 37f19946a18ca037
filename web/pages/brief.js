// 每日情况报告: the office's upward report for a chosen time as a printable A4 page, and
// the same brief as a Word file. The page shows what `GET /api/brief` answers — the hub
// writes the brief from the figures the dashboard reads; the page computes nothing.

import { download, getJson } from '../api.js';
import { dateTime, errorBox, fill, h, keepInUrl, num, pageLink, table, today } from '../util.js';

function changeCell(row) {
  const d = row.count - row.previous;
  if (d === 0) return '持平';
  return d > 0 ? `+${d}` : `−${-d}`;
}

function groupTable(id, title, rows, link) {
  return table([title, '在庆人数', '较上期'],
    rows.map((r) => [r.label, h('a', { href: link(r) }, num(r.count)), changeCell(r)]),
    { class: 'compact keep-table', id }, `${title}统计`);
}

function personName(c) {
  if (c.name && c.chineseName) return `${c.name}（${c.chineseName}）`;
  return c.name || c.chineseName || '';
}

function checkText(c) {
  const k = c.lastCheck;
  if (!k) return '无检测记录';
  return `${dateTime(k.checkedAt).slice(5)} ${k.temperature != null ? `${k.temperature.toFixed(1)}℃` : ''} ${k.status || ''}`.trim();
}

function caseTable(id, list, lastHeader, last) {
  return table(['姓名', '国籍', '证件号码', '具体负责管理单位', lastHeader],
    list.people.map((c) => [
      h('a', { href: `#/person/${c.personId}` }, personName(c)), c.nationality, c.documentNumber,
      c.managingUnit || '', last(c),
    ]), { class: 'compact', id });
}

function unitNames(units) {
  return units.length ? units.map((u) => u.name).join('、') : '无';
}

/** The value of the date and time inputs as the hub's `asOf` ("2020-02-17 12:00"). */
function asOfText(day, time) {
  return `${day} ${time || '12:00'}`;
}

export async function render(root, { query }) {
  const initialDay = /^\d{4}-\d{2}-\d{2}$/.test(query.get('date') || '') ? query.get('date') : today();
  const initialTime = /^\d{2}:\d{2}$/.test(query.get('time') || '') ? query.get('time') : '12:00';
  const day = h('input', { type: 'date', id: 'brief-day', value: initialDay, max: today() });
  const time = h('input', { type: 'time', id: 'brief-time', value: initialTime });
  const paper = h('article', { class: 'brief-paper', id: 'brief' }, h('p', { class: 'muted' }, '正在生成…'));
  const docxButton = h('button', { type: 'button', id: 'brief-docx' }, '下载 Word（.docx）');
  const tools = h('form', { class: 'filters card brief-tools no-print', id: 'brief-form' },
    h('label', {}, '日期', day), h('label', {}, '时间', time),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', class: 'primary' }, '生成'),
      h('button', { type: 'button', id: 'brief-print', onclick: () => window.print() }, '打印（A4）'),
      docxButton));
  root.replaceChildren(h('div', { class: 'page' }, tools, paper));

  const people = (filters) => pageLink('people', { ...filters, day: day.value === today() ? '' : day.value });

  async function load() {
    paper.setAttribute('aria-busy', 'true');
    try {
      const b = await getJson(`/api/brief?asOf=${encodeURIComponent(asOfText(day.value, time.value))}`);
      const c = b.changes;
      fill(paper,
        h('h1', {}, '在庆外国人情况日报告'),
        h('p', { class: 'center' }, `（${b.reports.date}）`),
        h('p', { class: 'headline', id: 'brief-headline' }, b.headline),
        h('p', { class: 'headline' },
          `当日到达${b.figures.arrivals}人，离开${b.figures.departures}人；签证过期（逾期滞留）${b.figures.expiredVisas}人，`
          + `签证30天内到期${b.figures.expiringVisas}人；累计掌握${b.figures.knownPeople}人。`),
        h('h2', {}, '一、与上期相比'),
        h('p', { class: 'headline', id: 'brief-changes' }, `与${c.sinceText}相比：${c.lines.join('；')}。`),
        c.newCountries.length ? h('p', { class: 'headline' }, `新增国家和地区：${c.newCountries.join('、')}。`) : null,
        c.goneCountries.length ? h('p', { class: 'headline' }, `已无人员在庆的国家和地区：${c.goneCountries.join('、')}。`) : null,
        h('h2', {}, '二、按国籍统计'),
        groupTable('brief-countries', '国家和地区', b.byCountry, (r) => people({ present: 'true', nationality: r.key })),
        h('h2', {}, '三、按具体负责管理单位统计'),
        groupTable('brief-managing', '具体负责管理单位', b.byManagingUnit, (r) => people({ present: 'true', managing: r.key })),
        h('h2', {}, '四、特殊情况'),
        h('p', { class: 'headline' }, `签证过期（逾期滞留）${b.overstays.total}人`,
          b.overstays.people.length < b.overstays.total ? `（列出前${b.overstays.people.length}人）` : '', '：'),
        caseTable('brief-overstays', b.overstays, '最近体温检测', checkText),
        h('p', { class: 'headline' }, `签证30天内到期${b.expiring.total}人`,
          b.expiring.people.length < b.expiring.total ? `（列出前${b.expiring.people.length}人）` : '', '：'),
        caseTable('brief-expiring', b.expiring, '签证有效期至', (p) => p.visaValidUntil || ''),
        h('h2', {}, '五、成员单位日报告情况'),
        h('p', { class: 'headline', id: 'brief-reports' },
          `${b.reports.date}：已报告${b.reports.reported.length}家，零报告${b.reports.zeroReported.length}家，未报告${b.reports.missing.length}家。`),
        h('p', { class: 'headline' }, `已报告：${unitNames(b.reports.reported)}。`),
        h('p', { class: 'headline' }, `零报告：${unitNames(b.reports.zeroReported)}。`),
        h('p', { class: 'headline' }, `未报告：${unitNames(b.reports.missing)}。`),
        ...(b.supplies ? [h('h2', {}, '六、物资保障情况'),
          ...b.supplies.map((line) => h('p', { class: 'headline brief-supplies' }, line))] : []),
        b.masked ? h('p', { class: 'muted' }, '（本报告中的个人信息已按规定脱敏。）') : null);
      paper.dataset.present = String(b.figures.presentPeople);
    } catch (error) {
      paper.replaceChildren(errorBox(error));
    } finally {
      paper.removeAttribute('aria-busy');
    }
  }

  tools.addEventListener('submit', (e) => {
    e.preventDefault();
    keepInUrl('brief', { date: day.value, time: time.value });
    load();
  });
  docxButton.addEventListener('click', async () => {
    docxButton.disabled = true;
    try {
      const stamp = `${day.value.replaceAll('-', '')}_${(time.value || '12:00').replace(':', '')}`;
      await download(`/api/brief.docx?asOf=${encodeURIComponent(asOfText(day.value, time.value))}`, `每日情况报告_${stamp}.docx`);
    } catch (error) {
      tools.append(errorBox(error));
    } finally {
      docxButton.disabled = false;
    }
  });
  await load();
}
