// The county console in a real browser: Debian's chromium, driven by
// playwright-core (npm). Run by tests/county/console_browser_test.cpp, which
// starts the broker, the console and the simulator and passes:
//   node console.spec.mjs <base url> <user> <password> <truth json> <artifacts dir> <admin> <admin password>
// It prints READY when the overview is checked and waits for the harness to
// publish an alert (LIVE-SENT on stdin), which must appear without a reload.
// Exits 0 only if every check held and no page logged an error.
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.resolve(here, '../../../county/www/package.json'));
const { chromium } = require('playwright-core');

const [base, user, password, truthText, artifacts, admin, adminPassword] = process.argv.slice(2);
const truth = JSON.parse(truthText);
mkdirSync(artifacts, { recursive: true });
const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); };
const pct = (r) => (r === null ? '—' : (r * 100).toFixed(2) + '%');

// Only what a root run needs: no sandbox under root, no background traffic
// on a closed network, a fresh profile (playwright makes one).
const args = ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
if (process.getuid && process.getuid() === 0) args.push('--no-sandbox');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args });
const stdin = readline.createInterface({ input: process.stdin });
const lines = [];
let wake = null;
stdin.on('line', (l) => { lines.push(l); if (wake) wake(); });
const nextLine = async (timeoutMs) => {
  const deadline = Date.now() + timeoutMs;
  while (!lines.length) {
    if (Date.now() > deadline) throw new Error('the harness said nothing');
    await new Promise((r) => { wake = r; setTimeout(r, 200); });
  }
  return lines.shift();
};

try {
  const context = await browser.newContext({ acceptDownloads: true, locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') failures.push(`console error on ${page.url()}: ${m.text()}`); });
  page.on('pageerror', (e) => failures.push(`page error on ${page.url()}: ${e.message}`));

  // The login form reads before any script has run (and without scripts at all).
  const bare = await browser.newContext({ javaScriptEnabled: false, locale: 'zh-CN' });
  const barePage = await bare.newPage();
  await barePage.goto(base + '/login.html');
  for (const [sel, want] of [['[data-i18n="name"]', '用户名'], ['[data-i18n="password"]', '密码'], ['#submit', '登录']]) {
    check((await barePage.textContent(sel)) === want, `the login form's ${sel} reads '${want}' without its script`);
  }
  await barePage.screenshot({ path: path.join(artifacts, 'login-without-script.png') });
  await bare.close();

  // Not logged in: sent to the login page; a wrong password is refused.
  await page.goto(base + '/');
  await page.waitForURL(/\/login\.html/);
  await page.fill('#name', user);
  await page.fill('#password', password + 'x');
  await page.click('#submit');
  await page.waitForFunction(() => document.getElementById('error').textContent.length > 0);
  check((await page.textContent('#error')) === '用户名或密码错误', 'a wrong password says so, in Chinese');
  await page.screenshot({ path: path.join(artifacts, 'login.png') });
  await page.fill('#password', password);
  await page.click('#submit');
  await page.waitForURL(base + '/');
  // The 401s before the login (the overview's first requests, which sent it
  // to the login page, and the refused password) are the page's due; they
  // may be reported late, so they are dropped once logged in.
  failures.splice(0, failures.length, ...failures.filter((f) => !f.includes('401')));

  // The overview's numbers are the simulator's truth.
  await page.waitForFunction((want) => document.getElementById('rate-online').textContent === want, pct(truth.rates.online));
  check((await page.textContent('#rate-intact')) === pct(truth.rates.intact), 'intact rate on the page');
  check((await page.textContent('#rate-coverage')) === pct(truth.rates.coverage), 'coverage rate on the page');
  check((await page.textContent('#nodes')) === `${truth.nodes - truth.silent}/${truth.nodes}`, 'nodes on the page');
  check((await page.locator('#villages tbody tr').count()) === truth.nodes, 'a row per village');
  check((await page.locator('#townships tbody tr').count()) === Object.keys(truth.townships).length, 'a row per township');
  await page.waitForFunction(() => document.querySelector('#chart canvas') !== null);
  check((await page.locator('nav a[href="/users.html"]').count()) === 0, 'a viewer is not offered the operators page');
  await page.screenshot({ path: path.join(artifacts, 'overview.png'), fullPage: true });

  // A live alert appears without a reload: one whose id the page did not have.
  const known = await page.$$eval('#alerts-live li', (items) => items.map((li) => li.dataset.id));
  const loadedAt = await page.evaluate(() => performance.timeOrigin);
  console.log('READY');
  check((await nextLine(30000)) === 'LIVE-SENT', 'the harness sent an alert');
  await page.waitForFunction((ids) => [...document.querySelectorAll('#alerts-live li.new')].some((li) => !ids.includes(li.dataset.id)),
    known, { timeout: 15000 });
  check((await page.evaluate(() => performance.timeOrigin)) === loadedAt, 'no reload');
  await page.screenshot({ path: path.join(artifacts, 'overview-live-alert.png'), fullPage: true });
  // The simulated node publishes its alerts in English; the Chinese page says them in Chinese.
  const alertLines = await page.$$eval('#alerts-live li', (items) => items.map((li) => li.textContent));
  check(alertLines.length > 0 && alertLines.every((l) => l.includes('摄像头「') && l.includes('离线：连接被拒绝')),
    `live alerts in Chinese: ${alertLines.slice(0, 3)}`);
  for (const l of alertLines) {
    check(!/[A-Za-z]{3,}/.test(l.replace(/cam\d+|alerting(-live)?/g, '')), `no English sentence in a live alert: '${l}'`);
  }

  // Every word written into the pages (read before their scripts run) is the
  // word the script would put there: one table, not two that drift apart.
  for (const file of ['index.html', 'login.html', 'village.html', 'alerts.html', 'report.html', 'users.html']) {
    const html = await (await page.request.get(base + '/' + file)).text();
    const written = [...html.matchAll(/data-i18n="(\w+)"[^>]*>([^<]*)</g)].map((m) => [m[1], m[2]]);
    const words = await page.evaluate(async (keys) => {
      const { t } = await import('/js/common.js');
      return keys.map((k) => t(k));
    }, written.map(([k]) => k));
    written.forEach(([key, text], i) => check(text === words[i], `${file}: data-i18n="${key}" reads '${text}', its word is '${words[i]}'`));
  }

  // The lists of what is broken speak Chinese: reasons, states, issues (the
  // simulator's nodes say "connection refused" and "occluded" in their codes).
  await page.waitForFunction(() => document.querySelectorAll('#silent tbody td').length > 1);
  const english = /connection refused|occluded|offline|no_status|view_tampered|stalled|[a-z]+_[a-z]+/;
  for (const list of ['#silent', '#offline', '#tampered', '#uncovered']) {
    const cells = await page.$$eval(`${list} tbody tr`, (rows) => rows.map((r) => [...r.cells].slice(2).map((c) => c.textContent).join(' | ')));
    for (const text of cells) check(!english.test(text.replace(/cam-\d+/g, '')), `${list} shows no English word on the Chinese page: '${text}'`);
  }
  check((await page.textContent('#offline')).includes('连接被拒绝'), 'an offline camera\'s reason, in Chinese');
  check((await page.textContent('#tampered')).includes('画面被遮挡'), 'a tampered view\'s issue, in Chinese');

  // A village with an offline camera: its states read 在线/离线 (not the
  // rate's word), its reasons in Chinese, its uptime bars filled.
  const problems = await page.evaluate(async () => (await fetch('/api/problems')).json());
  const broken = problems.offline_cameras[0];
  await page.goto(base + '/village.html?node=' + encodeURIComponent(broken.node));
  await page.waitForFunction(() => document.querySelectorAll('#cameras tbody tr').length > 0);
  const states = await page.$$eval('#cameras tbody tr', (rows) => rows.map((r) => r.cells[2].textContent));
  check(states.every((s) => s === '在线' || s === '离线'), `camera states read 在线 or 离线: ${states}`);
  check(states.includes('离线') && states.includes('在线'), 'both states on the page');
  check(!(await page.textContent('#cameras')).includes('率'), 'no rate word in the camera list');
  check((await page.textContent('#cameras')).includes('连接被拒绝'), 'the offline camera\'s reason, in Chinese');
  const widths = await page.$$eval('#cameras .bar > span', (spans) => spans.map((s) => parseFloat(s.style.width) || 0));
  check(widths.length === 2 * truth.cameras_per_village && widths.some((w) => w > 0), `uptime bars are filled: ${widths}`);
  check(widths.some((w) => w > 0 && w < 100), `a bar shows an outage in the simulated past: ${widths}`);
  await page.screenshot({ path: path.join(artifacts, 'village-offline-camera.png'), fullPage: true });

  // Every camera shows its GB/T 28181 code; the bar's search finds one by
  // it and leads to its row.
  const codes = await page.$$eval('#cameras tbody tr', (rows) => rows.map((r) => r.cells[1].textContent));
  check(codes.every((c) => /^[0-9]{20}$/.test(c)), `every camera's device code on the village page: ${codes}`);
  const wanted = broken.gb_code;
  check(codes.includes(wanted), `the offline camera's code ${wanted} is on its village's page`);
  await page.goto(base + '/');
  await page.fill('#search', wanted);
  await page.press('#search', 'Enter');
  await page.waitForFunction(() => !document.getElementById('search-results').hidden);
  const results = await page.$$eval('#search-results a.search-result', (as) => as.map((a) => a.textContent));
  check(results.length === 1 && results[0].includes(broken.name), `searching ${wanted} finds that camera only: ${results}`);
  check((await page.textContent('#search-results')).includes('离线'), 'the search result says the camera is offline, in Chinese');
  await page.screenshot({ path: path.join(artifacts, 'search.png') });
  await page.click('#search-results a.search-result');
  await page.waitForURL(/village\.html/);
  await page.waitForSelector('#cameras tr.found');
  check((await page.textContent('#cameras tr.found')).includes(wanted), 'the search leads to the camera\'s row, marked');
  await page.fill('#search', 'no-such-device');
  await page.press('#search', 'Enter');
  await page.waitForFunction(() => document.getElementById('search-results').textContent.includes('无匹配结果'));

  // A silent village: its cameras are not said online under a 0 % rate.
  const silentNode = problems.silent_nodes[0];
  await page.goto(base + '/village.html?node=' + encodeURIComponent(silentNode.node));
  await page.waitForFunction(() => document.querySelectorAll('#cameras tbody tr').length > 0);
  check((await page.textContent('#rate-online')) === '0.00%', 'a silent village counts 0 % online');
  const silentStates = await page.$$eval('#cameras tbody tr', (rows) => rows.map((r) => r.cells[2].textContent));
  check(silentStates.every((s) => s === '未知（节点失联）'), `a silent village's cameras read unknown: ${silentStates}`);
  // Nor their views: what a camera last said of its view is not known now either.
  const silentIssues = await page.$$eval('#cameras tbody tr', (rows) => rows.map((r) => r.cells[5].textContent));
  check(silentIssues.every((s) => s === '未知'), `a silent village's views read unknown: ${silentIssues}`);
  check(/节点已离线|节点超时/.test(await page.textContent('#village')), 'why the village is silent, in Chinese');
  await page.screenshot({ path: path.join(artifacts, 'village-silent.png'), fullPage: true });

  // The alert history's types, in Chinese.
  await page.goto(base + '/alerts.html');
  await page.waitForFunction(() => document.querySelectorAll('#list tbody tr').length > 0);
  const types = await page.$$eval('#list tbody tr', (rows) => rows.map((r) => r.cells[4].textContent));
  check(types.every((x) => !/[a-z]/.test(x)), `alert types in Chinese: ${[...new Set(types)]}`);
  check(!/intrusion|camera_offline/.test(await page.textContent('select[name=type]')), 'the type filter in Chinese');

  await page.goto(base + '/');
  await page.waitForFunction((want) => document.getElementById('rate-online').textContent === want, pct(truth.rates.online));

  // English.
  await page.click('#lang');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  await page.waitForFunction((want) => document.getElementById('rate-online').textContent === want, pct(truth.rates.online));
  check((await page.locator('[data-i18n="online"]').first().textContent()) === 'Online rate', 'the English switch');
  await page.screenshot({ path: path.join(artifacts, 'overview-en.png') });

  // A village.
  await page.click('#villages tbody tr:first-child a');
  await page.waitForURL(/village\.html/);
  await page.waitForFunction(() => document.querySelectorAll('#cameras tbody tr').length > 0);
  check((await page.locator('#cameras tbody tr').count()) === truth.cameras_per_village, 'a row per camera of the village');
  check((await page.locator('#cameras .bar').count()) > 0, 'uptime bars');
  await page.screenshot({ path: path.join(artifacts, 'village.png'), fullPage: true });

  // The alert history and its CSV.
  await page.goto(base + '/alerts.html');
  await page.waitForFunction(() => document.querySelectorAll('#list tbody tr').length > 0);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
  const file = path.join(artifacts, 'alerts.csv');
  await download.saveAs(file);
  const csv = readFileSync(file, 'utf8');
  check(csv.startsWith('\uFEFFid,township,village'), 'the CSV has its header (and a byte order mark)');
  check(csv.trim().split('\n').length >= 2, 'the CSV has alerts');
  await page.screenshot({ path: path.join(artifacts, 'alerts.png'), fullPage: true });

  // The report.
  await page.goto(base + '/report.html');
  // Today's report: every village with its time so far (booked each second).
  await page.waitForFunction(() => document.querySelectorAll('#by-village tbody tr td.num').length > 0);
  // (the node that raised the history has no camera: no row)
  check((await page.locator('#by-village tbody tr').count()) === truth.nodes - 1, 'a report row per village');
  await page.screenshot({ path: path.join(artifacts, 'report.png'), fullPage: true });
  await page.emulateMedia({ media: 'print' });
  check(!(await page.locator('nav').isVisible()), 'the navigation is not printed');
  await page.pdf?.({ path: path.join(artifacts, 'report.pdf') }).catch(() => {});
  await page.emulateMedia({ media: 'screen' });

  // Logging out ends the session; a login link that would lead to another
  // site (`next=/\host`, `//host`, `https:` ...) leads to the console instead.
  const logOut = async () => {
    await page.click('#logout');
    await page.waitForURL(/\/login\.html/);
  };
  const logInThrough = async (next, name, secret) => {
    await page.goto(base + '/login.html?next=' + encodeURIComponent(next));
    await page.fill('#name', name);
    await page.fill('#password', secret);
    await page.click('#submit');
    await page.waitForURL((u) => !u.pathname.endsWith('/login.html'));
  };
  const villageKeys = () => page.evaluate(async () => (await (await fetch('/api/villages')).json()).map((v) => v.key));
  await page.goto(base + '/');
  await logOut();
  for (const next of ['/\\phish.example/x', '//phish.example/x', 'https://phish.example/',
                      '/\t/phish.example', 'javascript:alert(1)']) {
    await logInThrough(next, user, password);
    check(new URL(page.url()).origin === new URL(base).origin, `next=${next} stays on the console (went to ${page.url()})`);
    await logOut();
  }
  // A local one is followed.
  await logInThrough('/alerts.html?type=intrusion', user, password);
  check(page.url() === base + '/alerts.html?type=intrusion', 'a local next= is followed');

  // An admin admits the node of another county from the operators page; until then it counts nowhere.
  check(!(await villageKeys()).includes('stranger'), 'a node waiting for admission is not a village');
  await logOut();
  await logInThrough('/users.html', admin, adminPassword);
  check(page.url() === base + '/users.html', 'the admin lands on the operators page');
  await page.waitForSelector('#pending button.admit[data-node="stranger"]');
  check((await page.textContent('#pending')).includes('410226100201'), 'the pending node shows the code it claims');
  await page.screenshot({ path: path.join(artifacts, 'pending.png'), fullPage: true });
  await page.click('#pending button.admit[data-node="stranger"]');
  await page.waitForFunction(() => !document.querySelector('#pending button.admit[data-node="stranger"]'));
  check((await villageKeys()).includes('stranger'), 'an admitted node is a village');
} catch (e) {
  failures.push('stopped: ' + e.message);
} finally {
  await browser.close();
  stdin.close();
}
for (const f of failures) console.log('FAIL ' + f);
console.log(failures.length ? `${failures.length} check(s) failed` : 'ALL CHECKS PASSED');
process.exit(failures.length ? 1 : 0);
