// The supplies ledger for analysts: donations, purchase contracts (with their state
// history) and outreach contacts as of a day, each row with the uploads and rows it came
// from; the donations that may be one, to merge or keep apart; the two workbooks.

import { download, gql } from '../api.js';
import { endOfDay, errorBox, h, num, table, today } from '../util.js';
import { ITEM_LABELS } from './supplies-panel.js';

const PAGE = 50;

const STATE_LABELS = {
  received: '已接收/到货', in_transit: '在途', pledged: '承诺捐赠',
  lead: '洽谈中', contracted: '已签合同', cancelled: '已取消',
};

const DONATIONS = `query Donations($asOf: DateTime, $offset: Int!, $first: Int!, $filter: DonationListFilter) {
  donations(asOf: $asOf, offset: $offset, first: $first, filter: $filter) {
    total
    nodes { id donor country item isCash itemAsWritten quantity valueCny state donatedAt recipient receiptNumber
            sources { donor state quantity source { unit uploadId sheet row } } }
  }
}`;

const CONTRACTS = `query Contracts($asOf: DateTime, $offset: Int!, $first: Int!, $filter: ContractListFilter) {
  contracts(asOf: $asOf, offset: $offset, first: $first, filter: $filter) {
    total
    nodes { id contractNumber state item quantity supplier buyer forCity currency paidAmount paidCny refundDueCny
            history { state stateAsWritten statedAt source { unit uploadId row } } }
  }
}`;

const OUTREACH = `query Outreach($asOf: DateTime, $offset: Int!, $first: Int!) {
  outreachContacts(asOf: $asOf, offset: $offset, first: $first) {
    total
    nodes { contactedAt contact country channel subject outcome recommended source { unit uploadId row } }
  }
}`;

const CANDIDATES = `{ donationCandidates { id reason donationId otherDonationId } }`;
const RESOLVE = `mutation Resolve($id: ID!, $merge: Boolean!) { resolveDonationCandidate(id: $id, merge: $merge) { id status } }`;

const sourceLabel = (s) => `${s.unit} #${s.uploadId} 第${s.row}行`;
const itemLabel = (n) => (n.isCash ? '现金' : ITEM_LABELS[n.item] || n.itemAsWritten || '—');
const day = (t) => (t ? t.slice(0, 10) : '');

export async function render(root) {
  const dayInput = h('input', { type: 'date', id: 'supplies-day', value: today(), max: today() });
  const tabs = [['donations', '捐赠'], ['contracts', '采购合同'], ['outreach', '外联记录'], ['candidates', '疑似重复捐赠']];
  const tabBar = h('div', { class: 'tabs', id: 'supplies-tabs' }, tabs.map(([id, label]) =>
    h('button', { type: 'button', dataset: { tab: id } }, label)));
  const body = h('div', { id: 'supplies-body' });
  const exports = h('div', { class: 'buttons' },
    h('button', { type: 'button', id: 'export-donations' }, '导出捐赠台账'),
    h('button', { type: 'button', id: 'export-contracts' }, '导出采购合同'));
  root.replaceChildren(h('div', { class: 'card' },
    h('h1', {}, '物资保障台账'),
    h('div', { class: 'filters' }, h('label', {}, '统计日期', dayInput), exports),
    tabBar, body));
  let tab = 'donations';
  let offset = 0;
  const asOf = () => endOfDay(dayInput.value || today());

  async function show() {
    tabBar.querySelectorAll('button').forEach((b) => b.classList.toggle('active', b.dataset.tab === tab));
    body.replaceChildren(h('p', {}, '加载中…'));
    try {
      if (tab === 'donations') {
        const { donations } = await gql(DONATIONS, { asOf: asOf(), offset, first: PAGE });
        body.replaceChildren(pager(donations.total), table(
          ['日期', '捐赠方', '国家/地区', '物资', '数量', '折合（元）', '状态', '票据号', '来源'],
          donations.nodes.map((n) => [
            day(n.donatedAt), n.donor || '—', n.country || '', itemLabel(n), num(n.quantity),
            n.valueCny == null ? '' : num(Math.round(n.valueCny)), STATE_LABELS[n.state] || n.state,
            n.receiptNumber || '', n.sources.map((s) => sourceLabel(s.source)).join('；'),
          ]), { id: 'donations-table' }));
      } else if (tab === 'contracts') {
        const { contracts } = await gql(CONTRACTS, { asOf: asOf(), offset, first: PAGE });
        body.replaceChildren(pager(contracts.total), table(
          ['合同编号', '状态', '物资', '数量', '供应商', '需求方', '已付（元）', '待退款（元）', '状态记录'],
          contracts.nodes.map((c) => [
            c.contractNumber || '（无编号）', STATE_LABELS[c.state] || c.state, ITEM_LABELS[c.item] || '',
            c.quantity == null ? '' : num(c.quantity), c.supplier || '', `${c.buyer || ''}${c.forCity ? '' : '（协助）'}`,
            num(Math.round(c.paidCny)), c.refundDueCny ? h('span', { class: 'bad' }, num(Math.round(c.refundDueCny))) : '0',
            c.history.map((s) => `${day(s.statedAt)} ${s.stateAsWritten}（${sourceLabel(s.source)}）`).join('；'),
          ]), { id: 'contracts-table' }));
      } else if (tab === 'outreach') {
        const { outreachContacts: o } = await gql(OUTREACH, { asOf: asOf(), offset, first: PAGE });
        body.replaceChildren(pager(o.total), table(
          ['日期', '联系对象', '国家/地区', '方式', '事项', '结果', '来源'],
          o.nodes.map((c) => [day(c.contactedAt), c.contact, c.country || '', c.channel || '', c.subject || '',
            c.recommended ? h('strong', {}, c.outcome) : c.outcome || '', sourceLabel(c.source)]),
          { id: 'outreach-table' }));
      } else {
        const { donationCandidates } = await gql(CANDIDATES);
        body.replaceChildren(donationCandidates.length ? table(['编号', '原因', '捐赠', '可能相同的捐赠', '处理'],
          donationCandidates.map((c) => [c.id, c.reason, c.donationId, c.otherDonationId, h('span', {},
            h('button', { type: 'button', onclick: () => resolve(c.id, true) }, '合并'),
            h('button', { type: 'button', onclick: () => resolve(c.id, false) }, '保留为两笔'))]),
          { id: 'candidates-table' }) : h('p', {}, '没有待处理的疑似重复捐赠。'));
      }
    } catch (error) {
      body.replaceChildren(errorBox(error));
    }
  }

  function pager(total) {
    return h('div', { class: 'pager' },
      h('span', {}, `共 ${num(total)} 条，第 ${num(offset + 1)}–${num(Math.min(offset + PAGE, total))} 条`),
      h('button', { type: 'button', disabled: offset === 0, onclick: () => { offset = Math.max(0, offset - PAGE); show(); } }, '上一页'),
      h('button', { type: 'button', disabled: offset + PAGE >= total, onclick: () => { offset += PAGE; show(); } }, '下一页'));
  }

  async function resolve(id, merge) {
    try {
      await gql(RESOLVE, { id, merge });
      show();
    } catch (error) {
      body.prepend(errorBox(error));
    }
  }

  tabBar.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-tab]');
    if (!button) return;
    tab = button.dataset.tab;
    offset = 0;
    show();
  });
  dayInput.addEventListener('change', () => { offset = 0; show(); });
  const query = () => `asOf=${encodeURIComponent(asOf())}`;
  exports.querySelector('#export-donations').addEventListener('click', () =>
    download(`/api/exports/donations.xlsx?${query()}`, `捐赠款物_${dayInput.value}.xlsx`).catch((e) => body.prepend(errorBox(e))));
  exports.querySelector('#export-contracts').addEventListener('click', () =>
    download(`/api/exports/contracts.xlsx?${query()}`, `采购合同_${dayInput.value}.xlsx`).catch((e) => body.prepend(errorBox(e))));
  await show();
}
