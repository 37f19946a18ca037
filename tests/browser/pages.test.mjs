// Browser test of the hub's web pages: headless Chromium (Debian's /usr/bin/chromium) driven
// by playwright-core against `hub demo` on a free port, at a desktop (1440×900) and a phone
// (390×844) width. Signs in as each role, checks the figures against the API, follows the
// drill-down from figures to people, the daily brief and its .docx, daily reports, the admin
// pages and uploads, checks no page scrolls sideways on a phone, and saves screenshots under
// tests/browser/screenshots/ (git-ignored; CI keeps them as artifacts).
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
const artifacts = process.env.SCREENSHOTS || join(here, 'screenshots');
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

/** The two widths every page is checked at. */
const WIDTHS = {
  desktop: { width: 1440, height: 900 },
  phone: { width: 390, height: 844 },
};

async function signIn(role, viewport = WIDTHS.desktop) {
  const context = await browser.newContext({
    viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true,
    isMobile: viewport.width < 500, hasTouch: viewport.width < 500,
  });
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


/** Fails when the page is wider than the window (it would scroll sideways). */
async function assertFits(page, what) {
  const { scroll, inner } = await page.evaluate(() => ({
    scroll: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
    inner: window.innerWidth,
  }));
  assert.ok(scroll <= inner, `${what}: the page is ${scroll}px wide in a ${inner}px window`);
}

async function shot(page, name, fullPage = true) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage });
}

/** The number in "共 N 人". */
async function listTotal(page) {
  await page.waitForFunction(() => /共 [\d,]+ 人/.test(document.querySelector('#people-total')?.textContent || ''));
  return Number((await page.textContent('#people-total')).match(/共 ([\d,]+) 人/)[1].replace(/,/g, ''));
}

const HEADLINE = `{ overview { knownPeople presentPeople countries managingUnits arrivals departures expiringVisas expiredVisas } }`;

test('each role signs in and is shown only the pages it may use', async () => {
  const expected = {
    uploader: ['upload', 'reports', 'people', 'visas', 'supplies'],
    analyst: ['dashboard', 'brief', 'reports', 'people', 'visas', 'merges', 'supplies'],
    leader: ['dashboard', 'brief', 'reports', 'people', 'visas', 'supplies'],
    admin: ['dashboard', 'brief', 'upload', 'reports', 'people', 'visas', 'merges', 'admin', 'supplies'],
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

for (const [width, viewport] of Object.entries(WIDTHS)) {
  test(`${width}: the dashboard's figures equal the API's, with the change since the day before`, async () => {
    const { context, page, errors } = await signIn('leader', viewport);
    await page.waitForSelector('[data-kpi="presentPeople"][data-value]');
    await page.waitForSelector('#recent-uploads');
    await page.waitForSelector('#reports-counts');
    const { overview } = await gql('leader', HEADLINE);
    const asOf = await page.evaluate(() => new Date().toISOString());
    const before = (await gql('leader', `query($t: DateTime) { overview(asOf: $t) { presentPeople expiredVisas } }`,
      { t: new Date(Date.parse(asOf) - 86_400_000).toISOString() })).overview;
    for (const [key, value] of Object.entries(overview)) {
      assert.equal(Number(await page.getAttribute(`[data-kpi="${key}"]`, 'data-value')), value, key);
    }
    for (const key of ['presentPeople', 'expiredVisas']) {
      assert.equal(Number(await page.getAttribute(`[data-change="${key}"]`, 'data-value')), overview[key] - before[key], `change of ${key}`);
    }
    assert.ok(overview.presentPeople > 0 && overview.expiredVisas > 0);
    // The trend's axis starts at zero, and every chart has its data as a table.
    const min = await page.evaluate(() => window.echarts.getInstanceByDom(document.querySelector('#body-trend')).getOption().yAxis[0].min);
    assert.equal(min, 0);
    for (const id of ['country', 'trend', 'managing', 'reporting']) {
      assert.ok(await page.$$eval(`#data-${id} table.chart-data tbody tr`, (rows) => rows.length) > 0, `${id} as a table`);
    }
    // The uploads list scrolls inside its card instead of running past it.
    const fit = await page.evaluate(() => {
      const panel = document.querySelector('#panel-uploads').getBoundingClientRect();
      const list = document.querySelector('#panel-uploads .uploads-scroll').getBoundingClientRect();
      return { panel: panel.bottom, list: list.bottom, left: list.left >= panel.left - 1, right: list.right <= panel.right + 1 };
    });
    assert.ok(fit.list <= fit.panel + 1 && fit.left && fit.right, `uploads fit their card: ${JSON.stringify(fit)}`);
    await assertFits(page, 'dashboard');
    if (width === 'phone') {
      // KPI cards stack: two to a row, none cut off.
      const cards = await page.$$eval('.kpi', (els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ left: r.left, right: r.right, top: r.top })));
      assert.ok(cards.every((c) => c.left >= 0 && c.right <= 390), 'every KPI card within the screen');
      assert.ok(new Set(cards.map((c) => Math.round(c.top))).size >= 4, 'KPI cards on several rows');
    }
    await page.waitForTimeout(1200); // let the charts finish their entry animation
    await shot(page, `dashboard-${width}`);
    // An earlier day: the uploads listed are those made by its end, the day is in the URL.
    const today = await page.inputValue('#as-of');
    const earlier = new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    await page.fill('#as-of', earlier);
    await page.waitForFunction((d) => document.querySelector('#uploads-day')?.textContent.includes(d), earlier);
    await page.waitForURL(new RegExp(`date=${earlier}`));
    const { uploads } = await gql('leader', `query($t: DateTime) { uploads(first: 8, until: $t) { id } }`, { t: `${earlier}T23:59:59+08:00` });
    const listed = await page.$$eval('#recent-uploads tbody tr td:not(.empty)', (cells) => new Set(cells.map((c) => c.parentElement)).size);
    assert.equal(listed, uploads.length, 'the uploads of the chosen day');
    await page.fill('#as-of', today);
    await page.waitForFunction(() => document.querySelector('#uploads-day')?.textContent === '');
    // The print button draws the charts for paper before the browser's print dialog.
    await page.evaluate(() => { window.print = () => {}; });
    await page.click('#print');
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.isVisible('#topbar'), false, 'the print view leaves the navigation out');
    const label = await page.evaluate(() => window.echarts.getInstanceByDom(document.querySelector('#body-country')).getOption().yAxis[0].axisLabel.color);
    assert.equal(label, '#333', 'dark labels on paper');
    await shot(page, `dashboard-print-${width}`);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`${width}: a leader drills down from figures and bars to the masked people behind them`, async () => {
    const { context, page, errors } = await signIn('leader', viewport);
    await page.waitForSelector('[data-kpi="expiredVisas"][data-value]');
    const expired = Number(await page.getAttribute('[data-kpi="expiredVisas"]', 'data-value'));
    await page.click('#kpi-expiredVisas');
    await page.waitForURL(/#\/people\?.*visa=EXPIRED/);
    assert.equal(await listTotal(page), expired, 'the overstays listed are the figure');
    assert.match(await page.textContent('#filter-chips'), /签证：已过期/);
    const numbers = await page.$$eval('#people-table tbody tr td:nth-child(4)', (cells) => cells.map((c) => c.textContent));
    assert.ok(numbers.length > 0 && numbers.every((n) => n.includes('*')), `masked: ${numbers.join(',')}`);
    assert.equal(await page.$('#search'), null, 'no search for leaders');
    await page.reload();
    assert.equal(await listTotal(page), expired, 'a reload keeps the filter');
    await shot(page, `drilldown-expired-${width}`);
    await page.goBack();
    await page.waitForSelector('#body-country canvas');
    await page.waitForTimeout(1200);
    // A click on the largest country's bar opens its present people.
    await page.locator('#panel-country').scrollIntoViewIfNeeded();
    const bar = await page.evaluate(() => {
      const el = document.querySelector('#body-country');
      const chart = window.echarts.getInstanceByDom(el);
      const option = chart.getOption();
      const i = option.yAxis[0].data.length - 1;
      const value = option.series[0].data[i];
      const [x, y] = chart.convertToPixel({ seriesIndex: 0 }, [value / 2, i]);
      const r = el.getBoundingClientRect();
      return { x: r.left + x, y: r.top + y, label: option.yAxis[0].data[i], value };
    });
    await page.mouse.click(bar.x, bar.y);
    await page.waitForURL(/#\/people\?.*nationality=/);
    assert.equal(await listTotal(page), bar.value, `${bar.label}: the bar's count is the list's total`);
    const shown = await page.$$eval('#people-table tbody tr td:nth-child(3)', (cells) => cells.map((c) => c.textContent));
    assert.ok(shown.every((s) => s === bar.label), `${bar.label}: ${shown.join(',')}`);
    await assertFits(page, 'people list');
    await shot(page, `drilldown-country-${width}`);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`${width}: the 签证 page lists expired and expiring visas by managing unit`, async () => {
    const { context, page, errors } = await signIn('leader', viewport);
    await page.goto(`${demo.address}#/visas`);
    await page.waitForSelector('#visa-total');
    const { overview } = await gql('leader', HEADLINE);
    const total = Number((await page.textContent('#visa-total')).match(/共 ([\d,]+) 人/)[1].replace(/,/g, ''));
    assert.equal(total, overview.expiredVisas + overview.expiringVisas);
    const listed = await page.$$eval('.visa-table tbody tr', (rows) => rows.length);
    assert.equal(listed, total, 'every one of them listed under a unit');
    await page.selectOption('#visa-status', 'EXPIRED');
    await page.click('#visa-filters button[type=submit]');
    await page.waitForFunction((n) => new RegExp(`共 ${n} 人`).test(document.querySelector('#visa-total')?.textContent || ''), overview.expiredVisas);
    assert.match(page.url(), /status=EXPIRED/);
    // A unit's count opens its people.
    await page.click('#visa-units tbody tr a');
    await page.waitForURL(/#\/people\?.*managing=/);
    assert.ok(await listTotal(page) > 0);
    await page.goBack();
    await page.waitForSelector('#visa-total');
    await assertFits(page, 'visas');
    await shot(page, `visas-${width}`);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`${width}: the daily brief states the dashboard's figures and downloads as .docx`, async () => {
    const { context, page, errors } = await signIn('analyst', viewport);
    await page.goto(`${demo.address}#/brief`);
    await page.waitForSelector('#brief-headline');
    const day = await page.inputValue('#brief-day');
    const { overview } = await gql('analyst', `query($t: DateTime) { overview(asOf: $t) { presentPeople countries managingUnits } }`,
      { t: `${day}T12:00:00+08:00` });
    const headline = await page.textContent('#brief-headline');
    const [, month, date] = day.split('-').map(Number);
    assert.equal(headline, `截至${month}月${date}日中午12:00时，在庆外国人共计${overview.presentPeople}人，来自${overview.countries}个国家和地区，${overview.managingUnits}家单位具体负责管理。`);
    assert.ok(await page.$$eval('#brief-countries tbody tr', (r) => r.length) >= overview.countries);
    assert.match(await page.textContent('#brief-reports'), /已报告\d+家，零报告\d+家，未报告\d+家/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#brief-docx')]);
    assert.match(download.suggestedFilename(), /^每日情况报告_\d{8}_1200\.docx$/);
    const file = join(work, `brief-${width}.docx`);
    await download.saveAs(file);
    const bytes = readFileSync(file);
    assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'a zip (docx)');
    await assertFits(page, 'brief');
    await shot(page, `brief-${width}`);
    await page.emulateMedia({ media: 'print' });
    await shot(page, `brief-print-${width}`);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`${width}: an analyst sorts, pages and filters people, kept in the URL`, async () => {
    const { context, page, errors } = await signIn('analyst', viewport);
    await page.goto(`${demo.address}#/people`);
    await page.waitForSelector('#people-table tbody tr');
    const option = await page.$eval('#nationality option:nth-child(2)', (o) => ({ value: o.value, text: o.textContent }));
    const facet = Number(option.text.match(/（(\d+)）/)[1]);
    await page.selectOption('#nationality', option.value);
    await page.click('#people-filters button[type=submit]');
    await page.waitForURL(new RegExp(`nationality=${option.value}`));
    await page.waitForFunction((n) => document.querySelector('#people-total')?.textContent.startsWith(`共 ${n} 人`), facet);
    assert.equal(await listTotal(page), facet, 'the facet count is the list total');
    assert.ok(await page.$$eval('#people-table th', (th) => th.some((t) => t.textContent === '出生日期')), 'birth dates for analysts');
    if (width === 'phone') {
      await page.selectOption('#sort', 'NAME');
      await page.click('#people-filters button[type=submit]');
    } else {
      await page.click('button.sort[data-sort="NAME"]');
    }
    await page.waitForURL(/sort=NAME/);
    await page.waitForFunction(() => /按姓名排序/.test(document.querySelector('#people-total')?.textContent || ''));
    const names = await page.$$eval('#people-table tbody tr td:first-child a', (a) => a.map((x) => x.textContent));
    assert.deepEqual(names, [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), 'sorted by name');
    // Pages: the present people, 50 a page.
    await page.selectOption('#nationality', '');
    await page.click('#people-filters button[type=submit]');
    await page.waitForFunction(() => /第 1 \/ \d+ 页/.test(document.querySelector('#page-no')?.textContent || ''));
    await page.click('#next-page');
    await page.waitForFunction(() => /第 2 \//.test(document.querySelector('#page-no')?.textContent || ''));
    await page.reload();
    await page.waitForSelector('#people-table tbody tr');
    assert.equal(await page.inputValue('#present'), 'true');
    assert.match(page.url(), /sort=NAME/);
    await assertFits(page, 'people');
    await shot(page, `people-${width}`);
    await page.click('#people-table tbody tr a');
    await page.waitForSelector('.person .facts');
    assert.match(await page.textContent('.person'), /全部来源/);
    assert.doesNotMatch(await page.textContent('.person'), /token:\d/, 'uploaders by name, not token id');
    await assertFits(page, 'person');
    await shot(page, `person-${width}`);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

for (const [width, viewport] of Object.entries(WIDTHS)) {
  test(`${width}: a unit files its zero report in one click; the office sees who is missing and whom to call`, async () => {
    const { context, page, errors } = await signIn('uploader', viewport);
    await page.goto(`${demo.address}#/reports`);
    await page.waitForSelector('#report-history-table');
    await page.click('#zero-report');
    await page.waitForSelector('#report-done');
    assert.match(await page.textContent('#report-done'), /零报告/);
    await page.waitForFunction(() => /零报告/.test(document.querySelector('#report-history-table tbody')?.textContent || ''));
    assert.doesNotMatch(await page.textContent('#report-history-table'), /token:\d/);
    await assertFits(page, 'reports (unit)');
    await shot(page, `reports-unit-${width}`);
    assert.deepEqual(errors, []);
    await context.close();

    const office = await signIn('analyst', viewport);
    await office.page.goto(`${demo.address}#/reports?status=zero`);
    await office.page.waitForSelector('#zero-table');
    const { dailyReportStatus } = await gql('analyst', `{ dailyReportStatus { zeroReported { unit { code name } } missing { code } } }`);
    assert.ok(dailyReportStatus.zeroReported.some((r) => r.unit.code === 'police'));
    const police = dailyReportStatus.zeroReported.find((r) => r.unit.code === 'police').unit.name;
    assert.match(await office.page.textContent('#zero-table'), new RegExp(police));
    await office.page.click('.tabs a[data-tab="missing"]');
    await office.page.waitForSelector('#missing-table');
    const rows = await office.page.$$eval('#missing-table tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    assert.equal(rows.length, dailyReportStatus.missing.length);
    assert.ok(rows.every((cells) => /\d{4}-\d{4}/.test(cells[2])), 'each missing unit with its phone');
    assert.ok(rows.every((cells) => /\d{4}-\d{2}-\d{2} \d{2}:\d{2}|从未报告/.test(cells[3])), 'and its last report');
    await assertFits(office.page, 'reports (office)');
    await shot(office.page, `reports-office-${width}`);
    assert.deepEqual(office.errors, []);
    await office.context.close();
  });
}

test('an admin issues a token shown once, revokes it, and finds both in the audit log', async () => {
  const { context, page, errors } = await signIn('admin');
  await page.goto(`${demo.address}#/admin`);
  await page.waitForSelector('#tokens-table');
  page.on('dialog', (d) => d.accept());
  await page.selectOption('#token-unit', 'nepu');
  await page.selectOption('#token-role', 'UPLOADER');
  await page.fill('#token-name', '石油大学 上传');
  await page.click('#token-form button[type=submit]');
  const secret = await (await page.waitForSelector('#token-value')).textContent();
  assert.match(secret, /^hub_[0-9a-f]{32,}$/);
  await page.waitForFunction(() => /石油大学 上传/.test(document.querySelector('#tokens-table')?.textContent || ''));
  const { apiTokens } = await gql('admin', '{ apiTokens { id name active } }');
  const made = apiTokens.find((t) => t.name === '石油大学 上传');
  await shot(page, 'admin-tokens-desktop');
  await page.reload();
  await page.waitForSelector('#tokens-table');
  assert.ok(!(await page.content()).includes(secret), 'the token is shown only once');
  await page.click(`button[data-revoke="${made.id}"]`);
  await page.waitForFunction((id) => !document.querySelector(`button[data-revoke="${id}"]`), made.id);
  const after = (await gql('admin', '{ apiTokens { id active } }')).apiTokens.find((t) => t.id === made.id);
  assert.equal(after.active, false);
  await page.goto(`${demo.address}#/admin?tab=audit&action=token_revoke`);
  await page.waitForSelector('#audit-table tbody tr');
  assert.match(await page.textContent('#audit-table'), new RegExp(`token:${made.id}`));
  assert.equal(await page.inputValue('#audit-action'), 'token_revoke', 'the filter comes from the URL');
  await shot(page, 'admin-audit-desktop');
  // A unit's contact, edited here, is what the missing list shows.
  await page.goto(`${demo.address}#/admin?tab=units`);
  await page.waitForSelector('#units-table');
  await page.fill('input[data-contact-phone="byau"]', '0459-1234567');
  await page.click('button[data-save="byau"]');
  await page.waitForFunction(() => document.querySelector('input[data-contact-phone="byau"]')?.value === '0459-1234567');
  const units = (await gql('admin', '{ memberUnits { code contact { phone } } }')).memberUnits;
  assert.equal(units.find((u) => u.code === 'byau').contact.phone, '0459-1234567');
  // An organisation gets an alias.
  await page.goto(`${demo.address}#/admin?tab=orgs&q=${encodeURIComponent('东北石油大学')}`);
  await page.waitForSelector('#orgs-table tbody tr input[data-alias]');
  const orgId = await page.getAttribute('#orgs-table tbody tr input[data-alias]', 'data-alias');
  await page.fill(`input[data-alias="${orgId}"]`, '东油大');
  await page.click(`button[data-save-org="${orgId}"]`);
  await page.waitForFunction(() => /东油大/.test(document.querySelector('#orgs-table')?.textContent || ''));
  await shot(page, 'admin-orgs-desktop');
  assert.deepEqual(errors, []);
  await context.close();
});

test("the 物资保障 panel's figures equal the API's supplies figures", async () => {
  const { context, page, errors } = await signIn('leader');
  await page.waitForSelector('[data-supplies-kpi="receivedValue"][data-value]');
  await page.waitForSelector('#contract-states');
  const { supplies } = await gql('leader', `{ supplies {
    donations { receivedValueCny count } procurement { refundDueCny }
    outreach { contacts organisations countriesAndRegions } } }`);
  const want = {
    receivedValue: supplies.donations.receivedValueCny,
    donations: supplies.donations.count,
    refundDue: Math.round(supplies.procurement.refundDueCny),
    contacts: supplies.outreach.contacts,
    organisations: supplies.outreach.organisations,
    countries: supplies.outreach.countriesAndRegions,
  };
  for (const [key, value] of Object.entries(want)) {
    const shown = await page.getAttribute(`[data-supplies-kpi="${key}"]`, 'data-value');
    assert.equal(Number(shown), value, key);
  }
  assert.ok(supplies.donations.count > 0 && supplies.outreach.contacts > 0);
  await page.locator('#supplies-panel').scrollIntoViewIfNeeded();
  await page.waitForTimeout(1500);
  await page.screenshot({ path: join(artifacts, 'dashboard-supplies.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('the supplies ledger page lists donations with their sources', async () => {
  const { context, page, errors } = await signIn('analyst');
  await page.goto(`${demo.address}#/supplies`);
  await page.waitForSelector('#donations-table tbody tr');
  assert.match(await page.textContent('#donations-table'), /friendship #\d+ 第\d+行/);
  await page.click('#supplies-tabs button[data-tab="contracts"]');
  await page.waitForSelector('#contracts-table tbody tr');
  await page.screenshot({ path: join(artifacts, 'supplies.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('an upload through the page shows its report; the same file again is not imported', async () => {
  const { context, page, errors } = await signIn('uploader');
  await page.waitForSelector('#history-table');
  assert.ok(await page.getAttribute('#dropzone', 'aria-label'), 'a labelled drop zone');
  assert.equal(await page.getAttribute('#results', 'aria-live'), 'polite');
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
  assert.doesNotMatch(await page.textContent('#history-table'), /token:\d/);
  await page.setInputFiles('#files', file);
  const again = page.locator('.file-card .report[data-status="duplicate"]');
  await again.waitFor();
  const said = await again.textContent();
  assert.match(said, /未导入（重复文件）/);
  assert.doesNotMatch(said, /接收|拒收/, 'a duplicate shows no counts');
  await shot(page, 'upload-desktop');
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
  await shot(page, 'upload-mapping-desktop');
  assert.deepEqual(errors, []);
  await context.close();
});

test('an analyst sees a pending merge with both records side by side', async () => {
  const { pendingMerges } = await gql('analyst', '{ pendingMerges { id } }');
  const { context, page, errors } = await signIn('analyst');
  await page.goto(`${demo.address}#/merges`);
  await page.waitForSelector('#merges > *');
  const shown = await page.$$eval('.merge', (m) => m.length);
  assert.equal(shown, pendingMerges.length);
  if (shown) {
    const sides = await page.$$eval('.merge:first-child .merge-record', (r) => r.map((e) => e.getBoundingClientRect()).map((b) => ({ top: b.top, left: b.left })));
    assert.equal(sides.length, 2);
    assert.ok(Math.abs(sides[0].top - sides[1].top) < 2 && sides[1].left > sides[0].left, 'side by side');
  }
  await shot(page, 'merges-desktop');
  assert.deepEqual(errors, []);
  await context.close();
});

test('phone: every page of every role fits the screen', async () => {
  const pages = {
    uploader: ['upload', 'reports', 'people', 'visas'],
    analyst: ['merges'],
    admin: ['admin', 'admin?tab=audit', 'admin?tab=units', 'admin?tab=orgs'],
  };
  for (const [role, paths] of Object.entries(pages)) {
    const { context, page, errors } = await signIn(role, WIDTHS.phone);
    for (const path of paths) {
      await page.goto(`${demo.address}#/${path}`);
      await page.waitForSelector('#app .view > *:not(.muted)');
      await page.waitForLoadState('networkidle');
      assert.equal(await page.$('#app .error'), null, `${role} ${path}: ${await page.textContent('#app')}`);
      await assertFits(page, `${role} ${path}`);
      await shot(page, `phone-${role}-${path.replace(/\W+/g, '-')}`);
    }
    assert.deepEqual(errors, [], `${role}: no script errors`);
    await context.close();
  }
});
