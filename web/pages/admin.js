// 系统管理 (admins): API tokens (create — the token is shown once —, revoke), the audit log
// with its filters, member units (edit, contact, add) and organisations (edit, aliases,
// merge). Everything goes through the GraphQL API; the tab and the audit filters are kept
// in the URL.

import { gql } from '../api.js';
import { ROLE_LABELS, dateTime, errorBox, fill, h, keepInUrl, table } from '../util.js';

const TABS = { tokens: '访问令牌', audit: '审计日志', units: '成员单位', orgs: '单位名录' };

const UNIT_KINDS = ['coordinator', 'police', 'education', 'government', 'health', 'tourism', 'transport',
  'enterprise', 'university', 'ngo', 'district'];
const ORG_KINDS = ['university', 'enterprise', 'hotel', 'police', 'government', 'unknown'];

const TOKENS = `{ apiTokens { id name role createdAt expiresAt revokedAt lastUsedAt active unit { code name } }
  memberUnits { code name active } }`;
const CREATE_TOKEN = `mutation Create($unit: String!, $role: Role!, $name: String, $expiresAt: DateTime) {
  createApiToken(unit: $unit, role: $role, name: $name, expiresAt: $expiresAt) { token apiToken { id name } } }`;
const REVOKE_TOKEN = `mutation Revoke($id: ID!) { revokeApiToken(id: $id) { id active } }`;

const AUDIT = `query Audit($action: String, $actor: String, $unit: String, $target: String, $from: DateTime, $to: DateTime, $before: ID) {
  auditLog(action: $action, actor: $actor, unit: $unit, target: $target, from: $from, to: $to, before: $before, first: 50) {
    id at actor unitCode action target detail } }`;

const UNITS = `{ memberUnits { code name kind active lastUploadAt lastReportAt lastReportDate contact { name phone } } }`;
const UPDATE_UNIT = `mutation Update($code: String!, $name: String, $kind: String, $active: Boolean, $contactName: String, $contactPhone: String) {
  updateMemberUnit(code: $code, name: $name, kind: $kind, active: $active, contactName: $contactName, contactPhone: $contactPhone) { code } }`;
const ADD_UNIT = `mutation Add($code: String!, $name: String!, $kind: String!) { addMemberUnit(code: $code, name: $name, kind: $kind) { code } }`;

const ORGS = `query Orgs($search: String) { organizations(search: $search) { id name aliases kind verified } }`;
const UPDATE_ORG = `mutation UpdateOrg($id: ID!, $name: String, $kind: String, $verified: Boolean) {
  updateOrganization(id: $id, name: $name, kind: $kind, verified: $verified) { id } }`;
const ADD_ALIAS = `mutation Alias($id: ID!, $alias: String!) { addOrganizationAlias(id: $id, alias: $alias) { id } }`;
const MERGE_ORGS = `mutation Merge($keep: ID!, $merge: ID!) { mergeOrganizations(keep: $keep, merge: $merge) { id name } }`;

/** Most organisations listed at once (search to narrow). */
const MAX_ORGS = 100;

function select(id, options, value) {
  return h('select', { id }, options.map(([v, l]) => h('option', { value: v, selected: v === value }, l)));
}

async function tokensTab(body, live) {
  const { apiTokens, memberUnits } = await gql(TOKENS);
  const unit = select('token-unit', memberUnits.filter((u) => u.active).map((u) => [u.code, u.name]));
  const role = select('token-role', Object.entries(ROLE_LABELS));
  const name = h('input', { type: 'text', id: 'token-name', placeholder: '如：出入境 上传', maxlength: 100 });
  const expires = h('input', { type: 'date', id: 'token-expires' });
  const shown = h('div', { id: 'token-shown', 'aria-live': 'assertive' });
  const form = h('form', { class: 'card', id: 'token-form' }, h('h2', {}, '发放令牌'),
    h('div', { class: 'filters' },
      h('label', {}, '单位', unit), h('label', {}, '角色', role), h('label', {}, '名称', name), h('label', {}, '有效期至（可空）', expires),
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, '生成令牌'))),
    shown);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const { createApiToken: c } = await gql(CREATE_TOKEN, {
        unit: unit.value, role: role.value, name: name.value.trim() || null,
        expiresAt: expires.value ? `${expires.value}T23:59:59+08:00` : null,
      });
      shown.replaceChildren(h('div', { class: 'token-once' },
        h('strong', {}, `令牌“${c.apiToken.name}”已生成，只显示这一次，请立即复制并通过安全渠道交给使用单位：`), h('br'),
        h('code', { id: 'token-value' }, c.token), ' ',
        h('button', { type: 'button', class: 'small', onclick: () => navigator.clipboard?.writeText(c.token) }, '复制')));
      await renderList();
    } catch (error) {
      shown.replaceChildren(errorBox(error));
    }
  });
  const list = h('div', { id: 'token-list' });
  async function renderList(tokens) {
    const rows = tokens || (await gql(TOKENS)).apiTokens;
    list.replaceChildren(table(['编号', '名称', '单位', '角色', '发放时间', '有效期至', '最近使用', '状态', ''],
      rows.map((t) => [t.id, t.name, t.unit.name, ROLE_LABELS[t.role] || t.role, dateTime(t.createdAt),
        t.expiresAt ? dateTime(t.expiresAt) : '长期', t.lastUsedAt ? dateTime(t.lastUsedAt) : '未使用',
        t.active ? h('span', { class: 'good' }, '有效') : h('span', { class: 'muted' }, t.revokedAt ? `已吊销 ${dateTime(t.revokedAt)}` : '已过期'),
        t.active ? h('button', {
          type: 'button', class: 'small', dataset: { revoke: t.id },
          onclick: async () => {
            if (!window.confirm(`吊销令牌“${t.name}”？使用该令牌的单位将立即无法访问。`)) return;
            try {
              await gql(REVOKE_TOKEN, { id: t.id });
              live.textContent = `已吊销令牌 ${t.name}`;
              await renderList();
            } catch (error) {
              list.prepend(errorBox(error));
            }
          },
        }, '吊销') : '']),
      { class: 'compact', id: 'tokens-table' }, '访问令牌'));
  }
  await renderList(apiTokens);
  body.replaceChildren(form, h('section', { class: 'card' }, h('h2', {}, '全部令牌'), list));
}

async function auditTab(body, query) {
  const keys = ['action', 'actor', 'unit', 'target', 'from', 'to'];
  const inputs = Object.fromEntries(keys.map((k) => [k, h('input', {
    type: k === 'from' || k === 'to' ? 'date' : 'text', id: `audit-${k}`, value: query.get(k) || '',
  })]));
  const labels = { action: '操作', actor: '操作者', unit: '单位代码', target: '对象', from: '起', to: '止' };
  const list = h('div', { id: 'audit-list' });
  const form = h('form', { class: 'filters card', id: 'audit-filters' },
    keys.map((k) => h('label', {}, labels[k], inputs[k])),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, '查询')));
  let before = null;
  const variables = () => {
    const v = {};
    for (const k of keys) {
      const value = inputs[k].value.trim();
      if (!value) continue;
      if (k === 'from') v.from = `${value}T00:00:00+08:00`;
      else if (k === 'to') v.to = `${value}T23:59:59+08:00`;
      else v[k] = value;
    }
    return v;
  };
  async function load(more) {
    if (!more) before = null;
    try {
      const { auditLog } = await gql(AUDIT, { ...variables(), before });
      const rows = auditLog.map((e) => [dateTime(e.at), e.actor, e.unitCode || '', e.action, e.target,
        h('code', { class: 'detail' }, JSON.stringify(e.detail))]);
      const view = table(['时间', '操作者', '单位', '操作', '对象', '详情'], rows, { class: 'compact', id: 'audit-table' }, '审计日志');
      if (more) list.querySelector('tbody').append(...view.querySelectorAll('tbody tr'));
      else list.replaceChildren(view);
      list.querySelector('.more')?.remove();
      if (auditLog.length === 50) {
        before = auditLog[auditLog.length - 1].id;
        list.append(h('button', { type: 'button', class: 'more', onclick: () => load(true) }, '更早的记录'));
      }
    } catch (error) {
      list.replaceChildren(errorBox(error));
    }
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    keepInUrl('admin', { tab: 'audit', ...Object.fromEntries(keys.map((k) => [k, inputs[k].value.trim()])) });
    load(false);
  });
  body.replaceChildren(form, h('section', { class: 'card' }, list));
  await load(false);
}

async function unitsTab(body, live) {
  const list = h('div', { id: 'units-list' });
  const code = h('input', { type: 'text', id: 'unit-code', placeholder: 'a-z、数字、_', required: true });
  const name = h('input', { type: 'text', id: 'unit-name', required: true });
  const kind = select('unit-kind', UNIT_KINDS.map((k) => [k, k]));
  const add = h('form', { class: 'card', id: 'unit-add' }, h('h2', {}, '新增成员单位'),
    h('div', { class: 'filters' }, h('label', {}, '代码', code), h('label', {}, '名称', name), h('label', {}, '类别', kind),
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, '新增'))));
  add.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await gql(ADD_UNIT, { code: code.value.trim(), name: name.value.trim(), kind: kind.value });
      live.textContent = `已新增 ${name.value}`;
      await load();
    } catch (error) {
      add.append(errorBox(error));
    }
  });
  async function load() {
    const { memberUnits } = await gql(UNITS);
    list.replaceChildren(table(['代码', '名称', '类别', '在用', '联系人', '联系电话', '最近日报告', '最近上传', ''],
      memberUnits.map((u) => {
        const n = h('input', { type: 'text', value: u.name, 'aria-label': `${u.code} 名称` });
        const k = select(`kind-${u.code}`, UNIT_KINDS.map((x) => [x, x]), u.kind);
        k.setAttribute('aria-label', `${u.code} 类别`);
        const a = h('input', { type: 'checkbox', checked: u.active, 'aria-label': `${u.code} 在用` });
        const cn = h('input', { type: 'text', value: u.contact?.name || '', 'aria-label': `${u.code} 联系人`, dataset: { contactName: u.code } });
        const cp = h('input', { type: 'text', value: u.contact?.phone || '', 'aria-label': `${u.code} 联系电话`, dataset: { contactPhone: u.code } });
        const save = h('button', {
          type: 'button', class: 'small', dataset: { save: u.code },
          onclick: async () => {
            try {
              await gql(UPDATE_UNIT, {
                code: u.code, name: n.value.trim(), kind: k.value, active: a.checked,
                contactName: cn.value, contactPhone: cp.value,
              });
              live.textContent = `已保存 ${n.value}`;
              await load();
            } catch (error) {
              list.prepend(errorBox(error));
            }
          },
        }, '保存');
        return [u.code, n, k, a, cn, cp, u.lastReportDate ? `${u.lastReportDate}（${dateTime(u.lastReportAt)}提交）` : '—', u.lastUploadAt ? dateTime(u.lastUploadAt) : '—', save];
      }), { class: 'compact', id: 'units-table' }, '成员单位'));
  }
  body.replaceChildren(add, h('section', { class: 'card' }, h('h2', {}, '成员单位'), list));
  await load();
}

async function orgsTab(body, query, live) {
  const search = h('input', { type: 'search', id: 'org-search', value: query.get('q') || '', placeholder: '名称或别名' });
  const list = h('div', { id: 'orgs-list' });
  const keep = h('input', { type: 'text', id: 'merge-keep', inputmode: 'numeric', placeholder: '保留的编号' });
  const merge = h('input', { type: 'text', id: 'merge-into', inputmode: 'numeric', placeholder: '并入的编号' });
  const mergeForm = h('form', { class: 'card', id: 'org-merge' }, h('h2', {}, '合并单位'),
    h('p', { class: 'muted' }, '把同一单位的两条记录合并：别名和相关记录并入“保留”的一条。'),
    h('div', { class: 'filters' }, h('label', {}, '保留', keep), h('label', {}, '并入', merge),
      h('div', { class: 'buttons' }, h('button', { type: 'submit' }, '合并'))));
  mergeForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!window.confirm(`把编号 ${merge.value} 并入编号 ${keep.value}？此操作不可撤销。`)) return;
    try {
      const { mergeOrganizations: o } = await gql(MERGE_ORGS, { keep: keep.value.trim(), merge: merge.value.trim() });
      live.textContent = `已合并到 ${o.name}`;
      await load();
    } catch (error) {
      mergeForm.append(errorBox(error));
    }
  });
  const form = h('form', { class: 'filters card', id: 'org-filters' }, h('label', {}, '查找', search),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, '查找')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    keepInUrl('admin', { tab: 'orgs', q: search.value.trim() });
    load();
  });
  async function load() {
    const { organizations } = await gql(ORGS, { search: search.value.trim() || null });
    const shown = organizations.slice(0, MAX_ORGS);
    fill(list,
      organizations.length > MAX_ORGS ? h('p', { class: 'muted' }, `共 ${organizations.length} 个，显示前 ${MAX_ORGS} 个，请输入名称查找。`) : null,
      table(['编号', '名称', '类别', '已核实', '别名', ''],
        shown.map((o) => {
          const n = h('input', { type: 'text', value: o.name, 'aria-label': `${o.id} 名称` });
          const k = select(`org-kind-${o.id}`, [...new Set([...ORG_KINDS, o.kind])].map((x) => [x, x]), o.kind);
          k.setAttribute('aria-label', `${o.id} 类别`);
          const v = h('input', { type: 'checkbox', checked: o.verified, 'aria-label': `${o.id} 已核实` });
          const alias = h('input', { type: 'text', placeholder: '新别名', 'aria-label': `${o.id} 新别名`, dataset: { alias: o.id } });
          return [o.id, n, k, v,
            h('span', {}, o.aliases.join('、') || '—', h('br'), alias),
            h('span', { class: 'buttons' }, h('button', {
              type: 'button', class: 'small', dataset: { saveOrg: o.id },
              onclick: async () => {
                try {
                  await gql(UPDATE_ORG, { id: o.id, name: n.value.trim(), kind: k.value, verified: v.checked });
                  if (alias.value.trim()) await gql(ADD_ALIAS, { id: o.id, alias: alias.value.trim() });
                  live.textContent = `已保存 ${n.value}`;
                  await load();
                } catch (error) {
                  list.prepend(errorBox(error));
                }
              },
            }, '保存'))];
        }), { class: 'compact', id: 'orgs-table' }, '单位名录'));
  }
  body.replaceChildren(form, mergeForm, h('section', { class: 'card' }, list));
  await load();
}

export async function render(root, { query }) {
  const tab = TABS[query.get('tab')] ? query.get('tab') : 'tokens';
  const live = h('p', { class: 'sr-only', 'aria-live': 'polite', id: 'admin-live' });
  const body = h('div', { id: 'admin-body' });
  root.replaceChildren(h('div', { class: 'page' },
    h('h1', {}, '系统管理'),
    h('nav', { class: 'tabs', 'aria-label': '管理项目' }, Object.entries(TABS).map(([key, label]) =>
      h('a', { href: `#/admin?tab=${key}`, class: key === tab ? 'active' : '', dataset: { tab: key } }, label))),
    live, body));
  try {
    if (tab === 'tokens') await tokensTab(body, live);
    else if (tab === 'audit') await auditTab(body, query);
    else if (tab === 'units') await unitsTab(body, live);
    else await orgsTab(body, query, live);
  } catch (error) {
    body.replaceChildren(errorBox(error));
  }
}
