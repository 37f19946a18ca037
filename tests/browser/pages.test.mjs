// Browser test of the hub's web pages: headless Chromium (Debian's /usr/bin/chromium) driven
// by playwright-core against `hub demo` on a free port. Signs in as each role, checks the
// dashboard's headline figures against the API's overview, uploads a file through the
// upload page and reads its report, and saves screenshots under target/ci-artifacts/.
//
// Run: `npm ci && npm test` here, after `cargo build` (HUB_BIN overrides the binary).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, existsSync, writeFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const bin = process.env.HUB_BIN || join(root, 'target', 'debug', 'hub');
const artifacts = join(root, 'target', 'ci-artifacts');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
// Without the background-networking flags Chromium's own connections are refused on a
// closed network and slow every page down.
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--lang=zh-CN',
];

let server;
let serverLog = '';
let browser;
let demo;
let work;

function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

async function waitFor(check, what, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = check();
    if (value) return value;
    if (server && server.exitCode !== null) throw new Error(`hub demo exited (${server.exitCode}):\n${serverLog}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}:\n${serverLog}`);
}

function token(role) {
  const found = demo.tokens.find((t) => t.role === role);
  assert.ok(found, `a ${role} token`);
  return found.token;
}

async function gql(role, query, variables = {}) {
  const response = await fetch(`${demo.address}graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token(role)}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data;
}

async function signIn(role, viewport = { width: 1920, height: 1080 }) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(demo.address);
  await page.fill('#token', token(role));
  await page.click('#signin button[type=submit]');
  await page.waitForSelector('#topbar:not([hidden]) #nav');
  return { context, page, errors };
}

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  work = mkdtempSync(join(tmpdir(), 'hub-browser-'));
  const port = await freePort();
  const dir = join(work, 'city');
  server = spawn(bin, [
    'demo', '--dir', dir, '--bind', `127.0.0.1:${port}`, '--people', process.env.DEMO_PEOPLE || '800', '--days', '28',
  ], { cwd: work, env: { ...process.env, RUST_LOG: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout.on('data', (d) => { serverLog += d; });
  server.stderr.on('data', (d) => { serverLog += d; });
  demo = await waitFor(() => {
    const file = join(dir, 'demo.json');
    if (!existsSync(file)) return null;
    const info = JSON.parse(readFileSync(file, 'utf8'));
    return info.address ? info : null;
  }, 'hub demo to serve', 300_000);
  browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
});

after(async () => {
  if (browser) await browser.close();
  if (server && server.exitCode === null) server.kill('SIGTERM');
  if (work) rmSync(work, { recursive: true, force: true });
});

test('each role signs in and is shown only the pages it may use', async () => {
  const expected = {
    uploader: ['upload', 'reports', 'people', 'visas'],
    analyst: ['dashboard', 'brief', 'reports', 'people', 'visas', 'merges'],
    leader: ['dashboard', 'brief', 'reports', 'people', 'visas'],
    admin: ['dashboard', 'brief', 'upload', 'reports', 'people', 'visas', 'merges', 'admin'],
  };
  for (const [role, pages] of Object.entries(expected)) {
    const { context, page, errors } = await signIn(role);
    const shown = await page.$$eval('#nav a', (links) => links.map((a) => a.dataset.page));
    assert.deepEqual(shown, pages, `${role} sees ${shown}`);
    assert.match(page.url(), new RegExp(`#/${pages[0]}$`));
    assert.deepEqual(errors, [], `${role}: no script errors`);
    await context.close();
  }
});

test('a wrong token is refused on the sign-in page', async () => {
  const context = await browser.newContext({ locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(demo.address);
  await page.fill('#token', 'hub_not_a_token');
  await page.click('#signin button[type=submit]');
  await page.waitForSelector('#signin .error');
  assert.match(await page.textContent('#signin .error'), /令牌/);
  await context.close();
});

test("the dashboard's headline figures equal the API's overview", async () => {
  const { context, page, errors } = await signIn('leader');
  await page.waitForSelector('[data-kpi="presentPeople"][data-value]');
  await page.waitForSelector('#recent-uploads');
  await page.waitForSelector('#reports-counts');
  const { overview } = await gql('leader', `{ overview {
    knownPeople presentPeople countries managingUnits arrivals departures expiringVisas expiredVisas } }`);
  for (const [key, value] of Object.entries(overview)) {
    const shown = await page.getAttribute(`[data-kpi="${key}"]`, 'data-value');
    assert.equal(Number(shown), value, `${key}`);
  }
  assert.ok(overview.presentPeople > 0 && overview.expiredVisas > 0);
  await page.waitForTimeout(1500); // let the charts finish their entry animation
  await page.screenshot({ path: join(artifacts, 'dashboard.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('an upload through the page shows its report with the rejected row', async () => {
  const { context, page, errors } = await signIn('uploader');
  await page.waitForSelector('#history-table');
  const file = join(work, '机场补报_旅客.csv');
  writeFileSync(file, [
    '日期时间,航班号,旅客姓名,国籍代码,证件号码,出发地,目的地,进出港',
    '2026-01-05 10:20,MU5621,KIM/MINJUN,KOR,M12345678,北京,大庆,进港',
    '2026-01-05 10:20,MU5621,DOE/JOHN,ATLANTIS,X7654321,北京,大庆,进港',
  ].join('\r\n'));
  await page.setInputFiles('#files', file);
  const report = await page.waitForSelector('.file-card .report');
  assert.equal(await report.getAttribute('data-status'), 'imported');
  const text = await report.textContent();
  assert.match(text, /接收 1/);
  assert.match(text, /拒收 1/);
  assert.match(await page.textContent('.file-card .rejections'), /ATLANTIS/);
  await page.waitForSelector('#history-table tbody tr');
  assert.match(await page.textContent('#history-table'), /机场补报_旅客\.csv/);
  await page.screenshot({ path: join(artifacts, 'upload.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('an upload with a column the hub cannot place is confirmed with a mapping before it lands', async () => {
  const { context, page, errors } = await signIn('uploader');
  await page.waitForSelector('#history-table');
  const file = join(work, '外籍员工_新表头.csv');
  writeFileSync(file, [
    '所属实体,姓名,国籍,护照号码,职务,入职日期',
    '大庆油田有限责任公司,PARK JIWOO,韩国,M55501234,工程师,2019-03-01',
    '中国石油大庆炼化公司,SILVA ANA,巴西,FB1234567,顾问,2018-07-15',
  ].join('\r\n'));
  await page.setInputFiles('#files', file);
  const card = page.locator('.file-card', { hasText: '外籍员工_新表头.csv' });
  await card.locator('.confirm .file-warnings li[data-likely="LIKELY_EMPLOYER"]').waitFor();
  assert.equal(await card.locator('.report').first().getAttribute('data-status'), 'dry_run');
  await card.locator('.column-mapping select[data-header="所属实体"]').selectOption('employer');
  await card.locator('button', { hasText: '按所选字段重新检查' }).click();
  await card.locator('.column-mapping select[data-header="所属实体"]').waitFor();
  await page.waitForFunction(() => !document.querySelector('.confirm .file-warnings'));
  await card.locator('button', { hasText: '确认导入' }).click();
  const landed = card.locator('.report[data-status="imported"]');
  await landed.waitFor();
  assert.match(await landed.textContent(), /接收 2/);
  await page.screenshot({ path: join(artifacts, 'upload-mapping.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('an analyst filters people and opens a person with every source', async () => {
  const { context, page, errors } = await signIn('analyst');
  await page.click('#nav a[data-page="people"]');
  try {
    await page.waitForSelector('#people-table tbody tr');
  } catch (error) {
    await page.screenshot({ path: join(artifacts, 'people-failure.png'), fullPage: true });
    throw new Error(`${error.message}\npage: ${await page.textContent('#app')}\nerrors: ${errors.join('; ')}`);
  }
  const nationality = await page.$eval('#nationality option:nth-child(2)', (o) => o.value);
  const label = await page.$eval('#nationality option:nth-child(2)', (o) => o.textContent.replace(/（.*$/, ''));
  await page.selectOption('#nationality', nationality);
  await page.evaluate(() => document.querySelector('#people-total').remove());
  await page.click('#people-filters button[type=submit]');
  await page.waitForFunction(() => /共 \d+ 人/.test(document.querySelector('#people-total')?.textContent || ''));
  const total = Number((await page.textContent('#people-total')).match(/\d+/)[0]);
  assert.ok(total > 0, `people of ${nationality} are listed`);
  const shown = await page.$$eval('#people-table tbody tr td:nth-child(3)', (cells) => cells.map((c) => c.textContent));
  assert.ok(shown.length > 0 && shown.every((s) => s === label), `${label}: ${shown.join(',')}`);
  await page.waitForSelector('#merges-table');
  await page.screenshot({ path: join(artifacts, 'people.png'), fullPage: true });
  await page.click('#people-table tbody tr a');
  await page.waitForSelector('.person .facts');
  assert.match(await page.textContent('.person'), /全部来源/);
  await page.screenshot({ path: join(artifacts, 'person.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});
