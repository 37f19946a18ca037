// Candidate merges waiting for an analyst: the two records side by side (names, birth date,
// nationality, documents, managing unit, where each came from), and the decision.

import { gql } from '../api.js';
import { VISA_LABELS, errorBox, h, sourceText } from '../util.js';

const RECORD = `id name chineseName documentNumber birthDate sex present visaStatus
  nationality { nameZh } managingUnit { name }
  documents { kind number passportNumber validUntil }
  sources { fileName unitName sheet row uploadedAt uploadedBy }`;

const MERGES = `{
  pendingMerges { id reason createdAt person { ${RECORD} } candidate { ${RECORD} } }
}`;

const RESOLVE = `mutation Resolve($id: ID!, $accept: Boolean!) { resolveMerge(id: $id, accept: $accept) { id status } }`;

const DOC_KINDS = { passport: '护照', visa: '签证', work_permit: '工作许可' };

const REASONS = { same_name_birth_date: '姓名、出生日期、国籍相同，证件号码不同' };

function record(title, p) {
  if (!p) return h('div', { class: 'card' }, h('h3', {}, title), '（记录已不存在）');
  const rows = [
    ['英文姓名', p.name || ''], ['中文姓名', p.chineseName || ''], ['国籍', p.nationality.nameZh],
    ['证件号码', p.documentNumber], ['出生日期', p.birthDate || ''], ['性别', p.sex === 'F' ? '女' : p.sex === 'M' ? '男' : ''],
    ['是否在庆', p.present ? '在庆' : '不在庆'], ['签证', VISA_LABELS[p.visaStatus] || p.visaStatus],
    ['管理单位', p.managingUnit ? p.managingUnit.name : ''],
    ['证件', p.documents.map((d) => `${DOC_KINDS[d.kind] || d.kind} ${d.number || (d.passportNumber ? `（护照 ${d.passportNumber}）` : '')}${d.validUntil ? `（至${d.validUntil}）` : ''}`).join('；')],
  ];
  return h('div', { class: 'card merge-record' },
    h('h3', {}, title, ' ', h('a', { href: `#/person/${p.id}` }, '详情')),
    h('dl', { class: 'facts' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    h('p', { class: 'source' }, '来源：', p.sources.slice(0, 5).map((s) => h('span', { class: 'source-line' }, sourceText(s), h('br')))));
}

export async function render(root) {
  const list = h('div', { id: 'merges' });
  const live = h('p', { class: 'sr-only', 'aria-live': 'polite', id: 'merges-live' });
  root.replaceChildren(h('div', { class: 'page' },
    h('h1', {}, '待确认的人员合并'),
    h('p', { class: 'muted' }, '两条记录的姓名、出生日期和国籍相同但证件号码不同，请核实是否为同一人（例如换发护照）。'),
    live, list));

  async function load() {
    try {
      const { pendingMerges } = await gql(MERGES);
      list.replaceChildren(...(pendingMerges.length ? pendingMerges.map((m) => h('section', { class: 'card merge', dataset: { merge: m.id } },
        h('h2', {}, `候选合并 #${m.id}：${REASONS[m.reason] || m.reason}`),
        h('div', { class: 'side-by-side' }, record('记录甲（合并后保留）', m.person), record('记录乙', m.candidate)),
        h('div', { class: 'form-row', style: 'margin-top:12px' },
          h('button', { type: 'button', class: 'primary', onclick: () => resolve(m.id, true) }, '是同一人，合并'),
          h('button', { type: 'button', onclick: () => resolve(m.id, false) }, '不是同一人')))) : [h('p', { class: 'card muted', id: 'no-merges' }, '没有待确认的合并。')]));
    } catch (error) {
      list.replaceChildren(errorBox(error));
    }
  }

  async function resolve(id, accept) {
    try {
      await gql(RESOLVE, { id, accept });
      live.textContent = accept ? `已合并 #${id}` : `已确认 #${id} 不是同一人`;
      await load();
    } catch (error) {
      list.prepend(errorBox(error));
    }
  }

  await load();
}
