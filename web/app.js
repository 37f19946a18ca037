// The shell: sign-in, asking the hub who we are, the navigation of the pages this role
// may use, and hash routing (#/dashboard, #/people?nationality=KOR, #/person/ID …): the part
// after `?` holds a page's filters, so a link, a reload and Back keep them.

import { ApiError, gql, session } from './api.js';
import { ROLE_LABELS, h } from './util.js';

const PAGES = [
  { path: 'dashboard', title: '领导驾驶舱', needs: 'ReadFigures', module: './pages/dashboard.js' },
  { path: 'brief', title: '每日情况报告', needs: 'ReadFigures', module: './pages/brief.js' },
  { path: 'upload', title: '数据上报', needs: 'Upload', module: './pages/upload.js' },
  { path: 'reports', title: '日报告', needs: 'SubmitDailyReport', alsoNeeds: 'ReadDailyReportStatus', module: './pages/reports.js' },
  { path: 'people', title: '人员查询', needs: 'ReadPeople', module: './pages/people.js' },
  { path: 'visas', title: '签证', needs: 'ReadPeople', module: './pages/visas.js' },
  { path: 'merges', title: '待确认合并', needs: 'ReadMerges', module: './pages/merges.js' },
  { path: 'admin', title: '系统管理', needs: 'ManageTokens', module: './pages/admin.js' },
  { path: 'supplies', title: '物资保障台账', needs: 'ReadSupplies', module: './pages/supplies.js' },
  { path: 'person', title: '人员详情', needs: 'ReadPeople', module: './pages/person.js', hidden: true },
];

const VIEWER = `{ viewer { name role unitCode unitName allowed } }`;

let viewer = null;
let cleanup = null;
let generation = 0; // which navigation is current; a page that finishes late is ignored
const app = document.getElementById('app');

function allowedPages() {
  return PAGES.filter((p) => viewer
    && (viewer.allowed.includes(p.needs) || (p.alsoNeeds && viewer.allowed.includes(p.alsoNeeds))));
}

function renderNav(current) {
  const nav = document.getElementById('nav');
  nav.replaceChildren(...allowedPages().filter((p) => !p.hidden).map((p) =>
    h('a', { href: `#/${p.path}`, class: p.path === current ? 'active' : '', dataset: { page: p.path } }, p.title)));
  document.getElementById('who').textContent =
    `${viewer.unitName || '本机'} · ${ROLE_LABELS[viewer.role] || viewer.role}`;
  document.getElementById('topbar').hidden = false;
}

function renderSignIn(message) {
  document.getElementById('topbar').hidden = true;
  document.body.className = 'signin';
  const input = h('input', {
    id: 'token', type: 'password', autocomplete: 'off', placeholder: 'hub_…', required: true,
    'aria-label': '访问令牌',
  });
  const form = h('form', { class: 'card signin-card', id: 'signin' },
    h('h1', {}, '大庆市外籍人员信息汇总平台'),
    h('p', { class: 'muted' }, '请输入本单位的访问令牌（由市外事办管理员发放）。令牌只保存在本浏览器标签页中，关闭即失效。'),
    h('label', { for: 'token' }, '访问令牌'),
    input,
    message ? h('div', { class: 'error', role: 'alert' }, message) : null,
    h('button', { type: 'submit', class: 'primary' }, '登录'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    session.signIn(input.value);
    viewer = null;
    await route();
  });
  app.replaceChildren(form);
  input.focus();
}

async function loadViewer() {
  if (viewer) return viewer;
  const data = await gql(VIEWER);
  viewer = data.viewer;
  window.hubViewer = viewer;
  return viewer;
}

async function route() {
  const mine = ++generation;
  if (cleanup) {
    cleanup();
    cleanup = null;
  }
  if (!session.token()) {
    renderSignIn();
    return;
  }
  try {
    await loadViewer();
  } catch (error) {
    if (error instanceof ApiError && (error.code === 'UNAUTHENTICATED' || error.code === 'HTTP_401')) {
      session.signOut();
      renderSignIn('令牌无效、已过期或已吊销，请重新输入。');
    } else {
      renderSignIn(`无法连接平台：${error.message}`);
    }
    return;
  }
  const [target, search = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const [path, ...params] = target.split('/');
  const query = new URLSearchParams(search);
  const pages = allowedPages();
  const page = pages.find((p) => p.path === path);
  if (!page) {
    const first = pages.find((p) => !p.hidden);
    if (first) {
      location.replace(`#/${first.path}`);
    } else {
      app.replaceChildren(h('div', { class: 'card' }, '当前令牌没有可用的页面。'));
    }
    return;
  }
  renderNav(page.path);
  document.body.className = `page-${page.path}`;
  document.title = `${page.title} · 大庆市外籍人员信息汇总平台`;
  app.replaceChildren(h('p', { class: 'muted center' }, '正在加载…'));
  const view = h('div', { class: 'view' });
  app.replaceChildren(view);
  try {
    const module = await import(page.module);
    const done = (await module.render(view, { viewer, params: params.map(decodeURIComponent), query })) || null;
    if (mine === generation) {
      cleanup = done;
    } else if (done) {
      done(); // the user moved on while the page was loading
    }
  } catch (error) {
    if (mine === generation) {
      view.replaceChildren(h('div', { class: 'error', role: 'alert' }, `页面加载失败：${error.message}`));
    }
  }
}

document.getElementById('signout').addEventListener('click', () => {
  session.signOut();
  viewer = null;
  location.hash = '';
  route();
});
window.addEventListener('hashchange', route);
route();
