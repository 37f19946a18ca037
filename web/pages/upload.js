// The upload page of a member unit: drop one or more spreadsheets, watch them go up, read
// the report of each (rejected rows in a table, the bad rows as xlsx), download blank
// templates, and see the unit's upload history.
//
// Every file is first checked (a dry run). When the check finds columns it does not read,
// headers it cannot place, or a roster that would end affiliations, the uploader sees each
// header with the hub's guess, corrects it, checks again, and confirms before anything
// lands; the confirmed mapping is saved for the unit's files with the same headers.

import { download, gql, uploadFile } from '../api.js';
import {
  KIND_LABELS, STATUS_LABELS, dateTime, errorBox, h, num, size, table, uploaderName,
} from '../util.js';

const HISTORY = `query History($unit: String) {
  uploads(unit: $unit, first: 30) {
    id kind fileName uploadedAt uploadedBy unitName status rows { data accepted rejected warnings }
  }
}`;

const UNITS = `{ memberUnits { code name active } }`;

const FIELDS = `query Fields($kind: String!) { fieldChoices(kind: $kind) { name label } }`;

const HOW_LABELS = {
  given: '已指定', exact: '表头匹配', combined: '表头匹配', part: '表头部分匹配',
  contains: '包含已知表头', keyword: '关键词推测', ignored: '忽略', unmapped: '未识别',
};

/** The fields of a kind, fetched once per kind. */
const fieldCache = new Map();
async function fieldsOf(kind) {
  if (!fieldCache.has(kind)) {
    fieldCache.set(kind, gql(FIELDS, { kind }).then((d) => d.fieldChoices));
  }
  return fieldCache.get(kind);
}

/** Whether a check should be confirmed by the uploader before the file lands. */
function needsConfirmation(report) {
  if (report.status === 'failed') return (report.columns || []).length > 0;
  if (report.status !== 'dry_run') return false;
  return (report.warnings || []).length > 0 || (report.roster && report.roster.ends > 0);
}

function warningsView(report) {
  const warnings = report.warnings || [];
  if (!warnings.length) return null;
  return h('ul', { class: 'file-warnings' }, warnings.map((w) =>
    h('li', { class: 'warn', dataset: { code: w.code, likely: w.likely || '' } }, w.message)));
}

function rosterView(report) {
  const roster = report.roster;
  if (!roster) return null;
  const date = dateTime(roster.as_of);
  const source = roster.stated ? '（文件所述日期）' : '（上传时间）';
  const verb = report.status === 'dry_run' ? '将结束' : '已结束';
  const parts = [h('p', {}, `名单日期：${date}${source}；${verb} ${num(roster.ends)} 人不在本名单上的登记关系。`)];
  if (roster.newer_list_as_of) {
    parts.push(h('p', { class: 'warn' },
      `本单位已有更新的名单（${dateTime(roster.newer_list_as_of)}），本名单只补充历史记录，不会结束更新名单中的关系。`));
  }
  if (roster.ending && roster.ending.length) {
    parts.push(table(['姓名', '单位', '关系'],
      roster.ending.map((e) => [e.name || '', e.organization, e.role]),
      { class: 'compact roster-ending' }));
  }
  return h('div', { class: 'roster' }, parts);
}

/** Each header with the hub's guess and a select to correct it; returns the view and a
 * function giving the mapping (`header=field`) of the columns the uploader changed. */
async function mappingEditor(report) {
  const kind = report.kind;
  const columns = report.columns || [];
  if (!kind || !columns.length) return null;
  const fields = await fieldsOf(kind);
  const selects = columns.map((c) => {
    const chosen = c.how === 'ignored' ? 'ignore' : (c.field || '');
    const select = h('select', { dataset: { header: c.header } },
      h('option', { value: '' }, '（未识别）'),
      h('option', { value: 'ignore', selected: chosen === 'ignore' }, '忽略此列'),
      fields.map((f) => h('option', { value: f.name, selected: f.name === chosen }, `${f.label}（${f.name}）`)));
    select.dataset.initial = chosen;
    return select;
  });
  const view = table(['表头', '识别为', '方式', '示例值'],
    columns.map((c, i) => [
      c.header, selects[i], HOW_LABELS[c.how] || c.how,
      (c.samples || []).join('、') + (c.likely ? `（疑似 ${c.likely}）` : ''),
    ]), { class: 'compact column-mapping' });
  const mapping = () => selects
    .filter((s) => s.value && (s.value !== s.dataset.initial || s.dataset.initial === ''))
    .map((s) => `${s.dataset.header}=${s.value}`);
  return { view, mapping };
}

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
  if (report.status === 'duplicate') {
    // The same file was imported before: nothing was read into the hub again, so no counts.
    return h('div', { class: 'report', dataset: { status: report.status }, role: 'status' },
      h('div', { class: 'report-summary' }, badge,
        h('span', {}, '与此前已导入的文件内容完全相同，本次未导入任何数据。')));
  }
  const summary = h('div', { class: 'report-summary' },
    badge,
    report.kind ? h('span', {}, `类型：${KIND_LABELS[report.kind] || report.kind}`) : null,
    h('span', {}, `数据行 ${num(rows.data)}`),
    h('span', { class: 'good' }, `接收 ${num(rows.accepted)}`),
    h('span', { class: rows.rejected ? 'bad' : '' }, `拒收 ${num(rows.rejected)}`),
    rows.warnings ? h('span', { class: 'warn' }, `警告 ${num(rows.warnings)}`) : null);
  const parts = [warningsView(report), summary];
  if (report.error) parts.push(errorBox({ message: `${report.error.message}（${report.error.code}）` }));
  parts.push(rosterView(report));
  if (report.rejections && report.rejections.length) {
    parts.push(table(['工作表', '行号', '列', '原值', '原因'],
      report.rejections.map((r) => [r.sheet, String(r.row), r.column || '', r.value, r.reason]),
      { class: 'compact rejections' }));
    if (report.upload_id && report.status !== 'dry_run') {
      parts.push(rejectionsButton(report.upload_id, report.file));
    }
  }
  // Accepted rows with something to check (an ambiguous date, a value left empty …).
  if (report.row_warnings && report.row_warnings.length) {
    parts.push(h('h3', {}, `已接收、但请核对的行（${num(report.row_warnings.length)}）`));
    parts.push(table(['工作表', '行号', '列', '原值', '说明'],
      report.row_warnings.map((w) => [w.sheet, String(w.row), w.column || '', w.value, w.message]),
      { class: 'compact row-warnings' }));
  }
  return h('div', { class: 'report', dataset: { status: report.status }, role: 'status' }, parts);
}

export async function render(root, { viewer }) {
  const isAdmin = viewer.role === 'ADMIN';
  let unit = viewer.unitCode || null;
  const kindSelect = h('select', { id: 'kind' },
    h('option', { value: '' }, '自动识别'),
    Object.entries(KIND_LABELS).map(([value, label]) => h('option', { value }, label)));
  const dryRun = h('input', { type: 'checkbox', id: 'dry-run' });
  const fileInput = h('input', { type: 'file', id: 'files', multiple: true, accept: '.xlsx,.xlsm,.xls,.ods,.csv', hidden: true });
  const drop = h('div', {
    class: 'dropzone', id: 'dropzone', tabindex: 0, role: 'button',
    'aria-label': '选择要上传的表格文件（也可将文件拖到此处）', 'aria-describedby': 'dropzone-hint',
  },
  h('strong', {}, '将表格文件拖到这里，或点击选择文件'),
  h('div', { class: 'muted', id: 'dropzone-hint' }, '支持 xlsx、xls、ods、csv（UTF-8 / GBK），可一次选择多个文件'));
  fileInput.setAttribute('aria-label', '选择要上传的表格文件');
  // Results are announced to screen readers as they arrive.
  const results = h('div', { id: 'results', 'aria-live': 'polite', 'aria-relevant': 'additions text' });
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
          dateTime(u.uploadedAt), u.fileName, KIND_LABELS[u.kind] || u.kind, uploaderName(u.uploadedBy, u.unitName),
          ...(u.status === 'duplicate'
            ? [h('span', { class: 'muted' }, STATUS_LABELS.duplicate), '', '']
            : [num(u.rows.data), num(u.rows.accepted), u.rows.rejected ? h('span', { class: 'bad' }, num(u.rows.rejected)) : '0']),
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
      const options = {
        kind: kindSelect.value || undefined,
        unit: isAdmin ? unit : undefined,
      };
      const progress = (fraction) => {
        bar.value = fraction;
        if (fraction >= 1) state.textContent = '正在读取和检查…';
      };
      try {
        const check = await uploadFile(file, { ...options, dryRun: true }, progress);
        bar.remove();
        if (dryRun.checked || !needsConfirmation(check)) {
          const report = dryRun.checked ? check : await uploadFile(file, options);
          state.textContent = '完成';
          card.append(reportView(report));
        } else {
          state.textContent = '请确认';
          await confirm(card, state, file, options, check);
        }
      } catch (error) {
        bar.remove();
        state.textContent = '失败';
        card.append(h('div', { class: 'report', dataset: { status: 'error' } }, errorBox(error)));
      }
    }
    loadHistory();
  }

  /** Shows a check with the column mapping to correct; re-checks with the corrections and
   * lands the file once the uploader confirms. */
  async function confirm(card, state, file, options, check) {
    const slot = h('div', { class: 'confirm' });
    card.append(slot);
    let mapping = [];
    const show = async (report) => {
      const editor = await mappingEditor(report);
      const recheck = h('button', { type: 'button', class: 'small' }, '按所选字段重新检查');
      const land = h('button', { type: 'button', class: 'primary', disabled: report.status === 'failed' }, '确认导入');
      const cancel = h('button', { type: 'button', class: 'small' }, '取消');
      slot.replaceChildren(
        reportView(report),
        editor ? h('div', {}, h('h3', {}, '各列识别结果（可修改）'), editor.view) : null,
        h('div', { class: 'form-row' }, editor ? recheck : null, land, cancel));
      recheck.addEventListener('click', async () => {
        mapping = editor.mapping();
        recheck.disabled = true;
        try {
          await show(await uploadFile(file, { ...options, dryRun: true, mapping }));
        } catch (error) {
          slot.append(errorBox(error));
          recheck.disabled = false;
        }
      });
      land.addEventListener('click', async () => {
        land.disabled = true;
        state.textContent = '正在导入…';
        try {
          const report = await uploadFile(file, { ...options, mapping });
          slot.replaceChildren(reportView(report));
          state.textContent = '完成';
          loadHistory();
        } catch (error) {
          slot.append(errorBox(error));
          land.disabled = false;
        }
      });
      cancel.addEventListener('click', () => {
        slot.replaceChildren(h('p', { class: 'muted' }, '已取消，未导入任何数据。'));
        state.textContent = '已取消';
      });
    };
    await show(check);
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
