// Small helpers shared by the pages: building elements, dates in Beijing time, labels.

/** Creates an element: h('div', { class: 'x', onclick: f }, child, 'text', …). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (value === true) {
      el.setAttribute(key, '');
    } else {
      el.setAttribute(key, String(value));
    }
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replaces the children of `el` with `children`, leaving out null, undefined and false. */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

/**
 * A table: headers and rows of cells (strings or nodes). Each cell carries its header as
 * `data-label`, so on a phone the rows read as cards ("国籍：韩国"); a header may be a node.
 * `caption` (optional) names the table for screen readers.
 */
export function table(headers, rows, attrs = {}, caption = null) {
  const labels = headers.map((title) => (title instanceof Node ? title.textContent : String(title)));
  return h('table', attrs,
    caption ? h('caption', { class: 'sr-only' }, caption) : null,
    h('thead', {}, h('tr', {}, headers.map((title) => h('th', { scope: 'col' }, title)))),
    h('tbody', {}, rows.length
      ? rows.map((cells) => h('tr', {}, cells.map((cell, i) => h('td', { 'data-label': labels[i] || null }, cell))))
      : h('tr', {}, h('td', { colspan: headers.length, class: 'muted center empty' }, '暂无数据'))));
}

/** The data of a chart as a table only screen readers see (a chart's text alternative). */
export function chartTable(caption, headers, rows) {
  // The wrapper hides it (a table itself grows to its content whatever its size).
  return h('div', { class: 'sr-only' }, table(headers, rows, { class: 'chart-data keep-table' }, caption));
}

/** The filters of the current page's URL (`#/page?key=value…`). */
export function hashQuery() {
  return new URLSearchParams(location.hash.split('?')[1] || '');
}

/** `#/page?…` for a page and its filters (empty values left out). */
export function pageLink(page, filters = {}) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (value === undefined || value === null || value === '') continue;
    q.set(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  const text = q.toString();
  return `#/${page}${text ? `?${text}` : ''}`;
}

/**
 * Keeps a page's filters in the URL without rendering the page again: a new history entry
 * (Back returns to the filters before), or the same entry with `replace`.
 */
export function keepInUrl(page, filters, replace = false) {
  const link = pageLink(page, filters);
  if (location.hash === link) return;
  if (replace) history.replaceState(null, '', link);
  else history.pushState(null, '', link);
}

/**
 * Who uploaded, as people know them: the token's name and its unit ("出入境 上传（大庆市公安局出入境管理局）")
 * instead of the audit actor "token:1 出入境 上传".
 */
export function uploaderName(actor, unitName) {
  const name = String(actor || '').replace(/^token:\d+\s*/, '').trim();
  if (!name || name === 'local') return unitName || '本机管理员';
  return unitName && !name.includes(unitName) ? `${name}（${unitName}）` : name;
}

/** "+3" / "−2" / "持平" for a change. */
export function change(now, before) {
  if (before === undefined || before === null || now === undefined || now === null) return '';
  const d = Number(now) - Number(before);
  if (d === 0) return '持平';
  return d > 0 ? `+${num(d)}` : `−${num(-d)}`;
}

const ZONE = 'Asia/Shanghai';

/** "2020-02-17 12:00" in Beijing time. */
export function dateTime(value) {
  if (!value) return '';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(d).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** Today's date in Beijing, "2020-02-17". */
export function today() {
  return dateTime(new Date()).slice(0, 10);
}

/** The day `n` days after "YYYY-MM-DD". */
export function addDays(day, n) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The end of a Beijing day as RFC 3339. */
export function endOfDay(day) {
  return `${day}T23:59:59+08:00`;
}

/** 1234567 → "1,234,567". */
export function num(n) {
  return n === null || n === undefined ? '—' : Number(n).toLocaleString('zh-CN');
}

export const KIND_LABELS = {
  visa_registry: '外国人签证登记',
  student_roster: '留学生名单',
  university_roster: '高校外籍师生名单',
  employment_roster: '外籍员工名单',
  lodging_register: '住宿登记',
  passenger_flow: '旅客进出港',
  health_check: '体温检测',
  daily_report: '每日报告',
  donation_register: '捐赠款物登记',
  procurement_register: '物资采购台账',
  outreach_log: '外联记录',
};

export const VISA_LABELS = {
  VALID: '有效', EXPIRING: '30天内到期', EXPIRED: '已过期', UNKNOWN: '未知',
};

export const STATUS_LABELS = {
  imported: '已导入', duplicate: '未导入（重复文件）', dry_run: '仅检查（未保存）', failed: '无法读取',
};

export const ROLE_LABELS = {
  UPLOADER: '上报员', ANALYST: '分析员', LEADER: '领导', ADMIN: '管理员',
};

export const ATTRIBUTE_LABELS = {
  latin_name: '英文姓名', chinese_name: '中文姓名', sex: '性别', birth_date: '出生日期',
};

export const AFFILIATION_ROLES = {
  student: '学生', teacher: '教师', employee: '员工', resident: '居留', held: '收容',
};

/** "东北石油大学 · roster.xlsx · Roster!第5行 · 2020-02-17 09:00". */
export function sourceText(source) {
  if (!source) return '';
  return `${source.unitName} · ${source.fileName} · ${source.sheet}!第${source.row}行 · ${dateTime(source.uploadedAt)}`
    + (source.uploadedBy ? ` · ${uploaderName(source.uploadedBy, source.unitName)}` : '');
}

/** A message box for an error. */
export function errorBox(error) {
  return h('div', { class: 'error', role: 'alert' }, error && error.message ? error.message : String(error));
}

/** Human file size. */
export function size(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
