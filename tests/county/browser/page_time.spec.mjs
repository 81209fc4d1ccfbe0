// How long the console's overview takes to show its numbers in a real
// browser (Debian's chromium, playwright-core), logged in: run by
// tests/county/hostile_test.cpp while hostile clients hold connections.
//   node page_time.spec.mjs <base url> <user> <password>
// Prints "PAGE_MS <n>" for the overview's load, after the login, then exits 0;
// exits 1 if the page does not show its numbers within 10 s or logs an error.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.resolve(here, '../../../county/www/package.json'));
const { chromium } = require('playwright-core');

const [base, user, password] = process.argv.slice(2);
const args = ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
if (process.getuid && process.getuid() === 0) args.push('--no-sandbox');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args });
let code = 0;
try {
  const page = await (await browser.newContext()).newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(base + '/login.html');
  await page.fill('#name', user);
  await page.fill('#password', password);
  await page.click('#submit');
  await page.waitForURL(base + '/', { timeout: 10000 });
  const start = Date.now();
  await page.goto(base + '/');
  // The summary is in when the node count shows (n/m), and the villages' table is drawn.
  await page.waitForFunction(() => /^\d+\/\d+$/.test(document.getElementById('nodes').textContent) &&
    document.querySelector('#villages table') !== null, null, { timeout: 10000 });
  console.log('PAGE_MS ' + (Date.now() - start));
  if (errors.length) {
    console.log('ERRORS ' + errors.join('; '));
    code = 1;
  }
} catch (e) {
  console.log('FAIL ' + e.message);
  code = 1;
} finally {
  await browser.close();
}
process.exit(code);
