// The upload page of a member unit: drop one or more spreadsheets, watch them go up, read
// the report of each (rejected rows in a table, the bad rows as xlsx), download blank
// templates, and see the unit's upload history.

import { download, gql, uploadFile } from '../api.js';
import {
  KIND_LABELS, STATUS_LABELS, dateTime, errorBox, h, num, size, table,
} from '../util.js';

const HISTORY = `query History($unit: String) {
  uploads(unit: $unit, first: 30) {
    id kind fileName uploadedAt uploadedBy status rows { data accepted rejected warnings }
  }
}`;

const UNITS = `{ memberUnits { code name active } }`;

function rejectionsButton(uploadId, fileName) {
  const base = fileName.replace(/\.[^.]+$/, '');
  return h('button', {
    type: 'button', class: 'small',
    onclick: async (event) => {
      const button = event.currentTarget;
      button.disabled = true;
      try {
        await download(`/api/uploads/${uploadId}/rejections.xlsx`, `${base}_未导入的行.xlsx`);
      } catch (error) {
        button.after(errorBox(error));
      } finally {
        button.disabled = false;
      }
    },
  }, '下载未导入的行');
}

function reportView(report) {
  const rows = report.rows || {};
  const badge = h('span', { class: `badge status-${report.status}` }, STATUS_LABELS[report.status] || report.status);
  const summary = h('div', { class: 'report-summary' },
    badge,
    report.kind ? h('span', {}, `类型：${KIND_LABELS[report.kind] || report.kind}`) : null,
    h('span', {}, `数据行 ${num(rows.data)}`),
    h('span', { class: 'good' }, `接收 ${num(rows.accepted)}`),
    h('span', { class: rows.rejected ? 'bad' : '' }, `拒收 ${num(rows.rejected)}`),
    rows.warnings ? h('span', { class: 'warn' }, `警告 ${num(rows.warnings)}`) : null);
  const parts = [summary];
  if (report.error) parts.push(errorBox({ message: `${report.error.message}（${report.error.code}）` }));
  if (report.rejections && report.rejections.length) {
    parts.push(table(['工作表', '行号', '列', '原值', '原因'],
      report.rejections.map((r) => [r.sheet, String(r.row), r.column || '', r.value, r.reason]),
      { class: 'compact rejections' }));
    if (report.upload_id && report.status !== 'dry_run') {
      parts.push(rejectionsButton(report.upload_id, report.file));
    }
  }
  return h('div', { class: 'report', dataset: { status: report.status } }, parts);
}

export async function render(root, { viewer }) {
  const isAdmin = viewer.role === 'ADMIN';
  let unit = viewer.unitCode || null;
  const kindSelect = h('select', { id: 'kind' },
    h('option', { value: '' }, '自动识别'),
    Object.entries(KIND_LABELS).map(([value, label]) => h('option', { value }, label)));
  const dryRun = h('input', { type: 'checkbox', id: 'dry-run' });
  const fileInput = h('input', { type: 'file', id: 'files', multiple: true, accept: '.xlsx,.xlsm,.xls,.ods,.csv', hidden: true });
  const drop = h('div', { class: 'dropzone', id: 'dropzone', tabindex: 0 },
    h('strong', {}, '将表格文件拖到这里，或点击选择文件'),
    h('div', { class: 'muted' }, '支持 xlsx、xls、ods、csv（UTF-8 / GBK），可一次选择多个文件'));
  const results = h('div', { id: 'results' });
  const history = h('div', { id: 'history' });
  const unitLine = h('p', { class: 'muted' });
  let unitSelect = null;
  if (isAdmin) {
    unitSelect = h('select', { id: 'unit' });
    try {
      const { memberUnits } = await gql(UNITS);
      unitSelect.append(...memberUnits.filter((u) => u.active).map((u) =>
        h('option', { value: u.code, selected: u.code === unit }, u.name)));
    } catch (error) {
      unitSelect.after(errorBox(error));
    }
    unitSelect.addEventListener('change', () => { unit = unitSelect.value; loadHistory(); });
  } else {
    unitLine.textContent = `上报单位：${viewer.unitName}`;
  }

  const templates = h('ul', { class: 'templates' }, Object.entries(KIND_LABELS).map(([kind, label]) =>
    h('li', {}, h('a', {
      href: `/api/templates/${kind}.xlsx`,
      onclick: async (event) => {
        event.preventDefault();
        try {
          await download(`/api/templates/${kind}.xlsx`, `${label}模板.xlsx`);
        } catch (error) {
          event.target.after(errorBox(error));
        }
      },
    }, label))));

  root.replaceChildren(h('div', { class: 'page' },
    h('h1', {}, '数据上报'),
    unitLine,
    h('div', { class: 'columns' },
      h('section', { class: 'card grow' },
        h('h2', {}, '上传表格'),
        h('div', { class: 'form-row' },
          unitSelect ? [h('label', { for: 'unit' }, '上报单位'), unitSelect] : null,
          h('label', { for: 'kind' }, '数据类型'), kindSelect,
          h('label', { class: 'check' }, dryRun, '仅检查，不导入')),
        drop, fileInput, results),
      h('aside', { class: 'card' },
        h('h2', {}, '空白模板下载'),
        h('p', { class: 'muted' }, '按模板填写可减少错误；已有表格无需改动格式，平台会自动识别表头。'),
        templates)),
    h('section', { class: 'card' }, h('h2', {}, '本单位上传记录'), history)));

  async function loadHistory() {
    try {
      const { uploads } = await gql(HISTORY, { unit });
      history.replaceChildren(table(['上传时间', '文件名', '类型', '上传人', '数据行', '接收', '拒收', ''],
        uploads.map((u) => [
          dateTime(u.uploadedAt), u.fileName, KIND_LABELS[u.kind] || u.kind, u.uploadedBy,
          num(u.rows.data), num(u.rows.accepted),
          u.rows.rejected ? h('span', { class: 'bad' }, num(u.rows.rejected)) : '0',
          u.rows.rejected ? rejectionsButton(u.id, u.fileName) : '',
        ]), { class: 'compact', id: 'history-table' }));
    } catch (error) {
      history.replaceChildren(errorBox(error));
    }
  }

  async function send(files) {
    for (const file of files) {
      const bar = h('progress', { max: 1, value: 0 });
      const state = h('span', { class: 'muted' }, '上传中…');
      const card = h('div', { class: 'file-card', dataset: { file: file.name } },
        h('div', { class: 'file-head' }, h('strong', {}, file.name), h('span', { class: 'muted' }, size(file.size)), state),
        bar);
      results.prepend(card);
      try {
        const report = await uploadFile(file, {
          kind: kindSelect.value || undefined,
          dryRun: dryRun.checked,
          unit: isAdmin ? unit : undefined,
        }, (fraction) => {
          bar.value = fraction;
          if (fraction >= 1) state.textContent = '正在读取和导入…';
        });
        bar.remove();
        state.textContent = '完成';
        card.append(reportView(report));
      } catch (error) {
        bar.remove();
        state.textContent = '失败';
        card.append(h('div', { class: 'report', dataset: { status: 'error' } }, errorBox(error)));
      }
    }
    loadHistory();
  }

  drop.addEventListener('click', () => fileInput.click());
  drop.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') fileInput.click(); });
  fileInput.addEventListener('change', () => { send([...fileInput.files]); fileInput.value = ''; });
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    send([...e.dataTransfer.files]);
  });
  await loadHistory();
}
