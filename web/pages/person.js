// One person with every fact and its source: identity, documents, affiliations, stays,
// movements, temperature checks, what the sources disagree on, and every source row.

import { gql } from '../api.js';
import {
  AFFILIATION_ROLES, ATTRIBUTE_LABELS, KIND_LABELS, VISA_LABELS, dateTime, errorBox, h, sourceText, table, uploaderName,
} from '../util.js';

const SOURCE = `source { uploadId fileName unitName unitCode kind sheet row uploadedAt uploadedBy }`;
// Documents, affiliations and stays are listed once with every source that gave them.
const SOURCES = `sources { uploadId fileName unitName unitCode kind sheet row uploadedAt uploadedBy }`;

const PERSON = `query Person($id: ID!) {
  person(id: $id) {
    id documentNumber name chineseName sex birthDate hasConflicts present visaStatus
    nationality { code nameZh nameEn }
    managingUnit { id name kind verified }
    documents { kind number passportNumber issuingNationality category validUntil ${SOURCES} }
    affiliations { role since until active endedByUploadId organization { name kind verified } ${SOURCES} }
    stays { checkIn checkOut hotel { name } ${SOURCES} }
    movements { direction occurredAt carrierNumber origin destination ${SOURCE} }
    healthChecks { checkedAt temperature status ${SOURCE} }
    conflicts { attribute values { value shown ${SOURCE} } }
    warnings { column value code message ${SOURCE} }
    sources { uploadId fileName unitName kind sheet row uploadedAt uploadedBy }
  }
}`;

const DOC_KINDS = { passport: '护照', visa: '签证/居留许可', work_permit: '工作许可' };

function src(fact) {
  return h('span', { class: 'source' }, sourceText(fact.source));
}

/** Every source of a fact listed once, one line each. */
function srcs(fact) {
  return h('span', { class: 'source' }, fact.sources.flatMap((s, i) => (i ? [h('br'), sourceText(s)] : [sourceText(s)])));
}

/** A document's number; a visa without one names the passport it is in. */
function documentNumber(d) {
  if (d.number) return d.number;
  return d.passportNumber ? `（无签证号，所在护照 ${d.passportNumber}）` : '';
}

function section(title, headers, rows) {
  return h('section', { class: 'card' }, h('h2', {}, `${title}（${rows.length}）`), table(headers, rows, { class: 'compact' }));
}

export async function render(root, { params }) {
  const [id] = params;
  let person;
  try {
    ({ person } = await gql(PERSON, { id }));
  } catch (error) {
    root.replaceChildren(errorBox(error));
    return;
  }
  if (!person) {
    root.replaceChildren(h('div', { class: 'card' }, '没有这个人员。'));
    return;
  }
  const facts = [
    ['英文姓名', person.name || ''], ['中文姓名', person.chineseName || ''],
    ['国籍', `${person.nationality.nameZh}（${person.nationality.code}）`],
    ['证件号码', person.documentNumber], ['性别', person.sex === 'F' ? '女' : person.sex === 'M' ? '男' : ''],
    ['出生日期', person.birthDate || ''], ['是否在庆', person.present ? '在庆' : '不在庆'],
    ['签证状态', VISA_LABELS[person.visaStatus] || person.visaStatus],
    ['具体负责管理单位', person.managingUnit ? person.managingUnit.name : ''],
  ];
  root.replaceChildren(h('div', { class: 'page person' },
    h('p', {}, h('a', {
      href: '#/people',
      onclick: (event) => { if (history.length > 1) { event.preventDefault(); history.back(); } },
    }, '← 返回列表')),
    h('h1', {}, person.name || person.chineseName || person.documentNumber,
      person.hasConflicts ? h('span', { class: 'badge warn' }, '来源不一致') : null),
    h('section', { class: 'card' }, h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]))),
    person.conflicts.length ? section('来源冲突', ['属性', '值', '采用', '来源'],
      person.conflicts.flatMap((c) => c.values.map((v) => [
        ATTRIBUTE_LABELS[c.attribute] || c.attribute, v.value, v.shown ? '✔ 采用' : '', src(v)]))) : null,
    section('证件', ['类别', '号码', '签发国', '种类', '有效期至', '来源'],
      person.documents.map((d) => [DOC_KINDS[d.kind] || d.kind, documentNumber(d), d.issuingNationality, d.category || '', d.validUntil || '', srcs(d)])),
    section('所属关系', ['单位', '身份', '起', '止', '有效', '来源'],
      person.affiliations.map((a) => [a.organization ? a.organization.name + (a.organization.verified ? '' : '（未核实）') : '',
        AFFILIATION_ROLES[a.role] || a.role, dateTime(a.since), dateTime(a.until), a.active ? '是' : '否', srcs(a)])),
    section('住宿记录', ['酒店/景区', '入住', '离店', '来源'],
      person.stays.map((s) => [s.hotel ? s.hotel.name : '', dateTime(s.checkIn), dateTime(s.checkOut), srcs(s)])),
    section('进出记录', ['时间', '方向', '航班/车次', '出发地', '目的地', '来源'],
      person.movements.map((m) => [dateTime(m.occurredAt), m.direction === 'ARRIVAL' ? '到达' : '离开',
        m.carrierNumber || '', m.origin || '', m.destination || '', src(m)])),
    section('体温检测', ['时间', '体温(℃)', '情况', '来源'],
      person.healthChecks.map((c) => [dateTime(c.checkedAt), c.temperature ?? '', c.status || '', src(c)])),
    person.warnings.length ? section('来源行警告（请核对）', ['列', '原值', '代码', '说明', '来源'],
      person.warnings.map((w) => [w.column || '', w.value ?? '', w.code, w.message, src(w)])) : null,
    section('全部来源', ['单位', '文件', '类型', '位置', '上传时间', '上传人'],
      person.sources.map((s) => [s.unitName, s.fileName, KIND_LABELS[s.kind] || s.kind, `${s.sheet}!第${s.row}行`, dateTime(s.uploadedAt), uploaderName(s.uploadedBy, s.unitName)]))));
}
