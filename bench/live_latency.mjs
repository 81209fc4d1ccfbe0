// The browser's half of bench/live_latency: Debian's chromium, driven by
// playwright-core (npm), logs in to the console, presses live on a camera
// whose frames carry their wall-clock time (the test camera's stamp=1 code)
// and reads that time back from each frame the <video> presents.
//   node live_latency.mjs <base url> <user> <password> <node> <camera> <rounds> <seconds>
// Each round opens the village page in a fresh browser context, presses
// live, and prints
//   ROUND first_frame_ms=<n> latencies=<ms,ms,...> unreadable=<n>
// (first frame: from the click to the first presented frame; latency: from
// the frame's stamp to when the browser presented it), then closes the
// player so the next round starts a new push. Exits 1 on any failure.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.resolve(here, '../county/www/package.json'));
const { chromium } = require('playwright-core');

const [base, user, password, node, camera, rounds, seconds] = process.argv.slice(2);
const args = ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'];
if (process.getuid && process.getuid() === 0) args.push('--no-sandbox');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args });

// Runs in the page: presses live, then reads the stamp of every frame
// presented for `ms` milliseconds (requestVideoFrameCallback gives each
// frame's presentation time).
const measure = (ms) => new Promise((resolve, reject) => {
  const BLOCK = 16, COLUMNS = 24, BITS = 44;
  const video = document.getElementById('live-video');
  const canvas = document.createElement('canvas');
  canvas.width = COLUMNS * BLOCK;
  canvas.height = 2 * BLOCK;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const read = () => {
    ctx.drawImage(video, 0, 0, canvas.width, canvas.height, 0, 0, canvas.width, canvas.height);
    const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    const bits = [];
    for (let b = 0; b < 48; ++b) {
      const x0 = (b % COLUMNS) * BLOCK + 4, y0 = Math.floor(b / COLUMNS) * BLOCK + 4;
      let sum = 0;
      for (let y = y0; y < y0 + 8; ++y) {
        for (let x = x0; x < x0 + 8; ++x) {
          const i = (y * canvas.width + x) * 4;
          sum += 0.299 * px[i] + 0.587 * px[i + 1] + 0.114 * px[i + 2];
        }
      }
      bits.push(sum / 64 > 128);
    }
    if (!bits[0] || bits[1]) return null;  // no stamp here
    let value = 0;
    for (let i = 0; i < BITS; ++i) value = value * 2 + (bits[2 + i] ? 1 : 0);
    for (let half = 0; half < 2; ++half) {
      let parity = false;
      for (let i = 0; i < BITS / 2; ++i) parity = parity !== bits[2 + half * BITS / 2 + i];
      if (parity !== bits[2 + BITS + half]) return null;
    }
    return value;
  };
  const button = document.querySelector(`button.live-button[data-camera="${CSS.escape(window.benchCamera)}"]`);
  if (!button) { reject(new Error('no live button')); return; }
  const pressed = performance.now();
  let first = null;
  const latencies = [];
  let unreadable = 0;
  const onFrame = (now, meta) => {
    const shownAt = performance.timeOrigin + meta.expectedDisplayTime;
    if (first === null) first = meta.expectedDisplayTime - pressed;
    const stamp = read();
    if (stamp === null) ++unreadable; else latencies.push(Math.round(shownAt - stamp));
    if (performance.now() - pressed - first < ms) video.requestVideoFrameCallback(onFrame);
    else resolve({ first: Math.round(first), latencies, unreadable });
  };
  video.requestVideoFrameCallback(onFrame);
  button.click();
  setTimeout(() => reject(new Error('no frame within 30 s: ' + document.getElementById('live-phase').textContent)), 30000 + ms);
});

let failed = false;
try {
  for (let r = 0; r < Number(rounds); ++r) {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 1000 } });
    const page = await context.newPage();
    await page.goto(base + '/login.html');
    await page.fill('#name', user);
    await page.fill('#password', password);
    await Promise.all([page.waitForURL((u) => !u.pathname.endsWith('/login.html')), page.click('#submit')]);
    await page.goto(`${base}/village.html?node=${encodeURIComponent(node)}`);
    await page.locator(`button.live-button[data-camera="${camera}"]`).first().waitFor({ timeout: 15000 });
    await page.evaluate((c) => { window.benchCamera = c; }, camera);
    const m = await page.evaluate(measure, Number(seconds) * 1000);
    console.log(`ROUND first_frame_ms=${m.first} latencies=${m.latencies.join(',')} unreadable=${m.unreadable}`);
    await page.click('#live-close');
    await context.close();
  }
} catch (e) {
  console.log('FAILED: ' + (e.stack || e));
  failed = true;
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
