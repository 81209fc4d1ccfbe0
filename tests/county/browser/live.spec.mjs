// Live video in a real browser: Debian's chromium, driven by playwright-core
// (npm), against a console that a real node pushes into (started by
// tests/county/console_browser_test.cpp). Arguments:
//   node live.spec.mjs <base url> <user> <password> <node> <camera> <offline camera> <artifacts dir>
// Talks with the harness over stdout/stdin:
//   prints FIRST-FRAME ms=<n> once the first page plays, TWO-PAGES when a
//   second page plays the same camera (the harness counts the upstream
//   sessions, then says CHECKED); presses live on the offline camera in the
//   overview's list of offline cameras (refused); closes both pages, prints
//   CLOSED and waits
//   for STOPPED (the harness saw the node stop its push); then waits for
//   CLIP <alert id> (an alert of the node that names a clip) and plays that
//   clip from the alert history page.
// Exits 0 only if every check held and no page logged an error.
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.resolve(here, '../../../county/www/package.json'));
const { chromium } = require('playwright-core');

const [base, user, password, node, camera, offlineCamera, artifacts] = process.argv.slice(2);
mkdirSync(artifacts, { recursive: true });
const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); };

const args = ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'];
if (process.getuid && process.getuid() === 0) args.push('--no-sandbox');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args });
const stdin = readline.createInterface({ input: process.stdin });
const lines = [];
let wake = null;
stdin.on('line', (l) => { lines.push(l); if (wake) wake(); });
const waitFor = async (word, timeoutMs) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const at = lines.findIndex((l) => l === word || l.startsWith(word + ' '));
    if (at >= 0) return lines.splice(at, 1)[0];
    if (Date.now() > deadline) throw new Error(`the harness did not say ${word}`);
    await new Promise((r) => { wake = r; setTimeout(r, 200); });
  }
};

// What the page's <video> has done: decoded frames and media time.
const playback = (page) => page.evaluate(() => {
  const v = document.getElementById('live-video');
  const q = v.getVideoPlaybackQuality();
  return { time: v.currentTime, frames: q.totalVideoFrames, dropped: q.droppedVideoFrames, width: v.videoWidth,
    phase: document.getElementById('player').dataset.phase, text: document.getElementById('live-phase').textContent };
});

async function openLive(page, cam) {
  await page.goto(`${base}/village.html?node=${encodeURIComponent(node)}`);
  const button = page.locator(`button.live-button[data-camera="${cam}"]`).first();
  await button.waitFor({ timeout: 15000 });
  const pressed = Date.now();
  await button.click();
  return pressed;
}

// Until the video has shown a frame and its time runs (or the time is up).
async function untilPlaying(page, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await playback(page);
    if (last.frames > 0 && last.time > 0) return last;
    await page.waitForTimeout(50);
  }
  throw new Error('the video did not play: ' + JSON.stringify(last));
}

function watchErrors(page, name) {
  page.on('console', (m) => { if (m.type() === 'error') failures.push(`${name}: console error: ${m.text()}`); });
  page.on('pageerror', (e) => failures.push(`${name}: page error: ${e.message}`));
}

try {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 1000 } });
  const first = await context.newPage();
  watchErrors(first, 'first page');
  await first.goto(base + '/login.html');
  await first.fill('#name', user);
  await first.fill('#password', password);
  await Promise.all([first.waitForURL((u) => !u.pathname.endsWith('/login.html')), first.click('#submit')]);

  // Press live: the video plays, and its time and frames go on.
  const pressed = await openLive(first, camera);
  const start = await untilPlaying(first, 20000);
  console.log(`FIRST-FRAME ms=${Date.now() - pressed}`);
  check(start.width > 0, 'the video has a picture size');
  check(start.text === '实时视频', `the player says 实时视频 (it says ${start.text})`);
  await first.waitForTimeout(3000);
  const later = await playback(first);
  check(later.time > start.time + 1, `the video's time advances (${start.time} -> ${later.time})`);
  check(later.frames > start.frames + 10, `frames keep being decoded (${start.frames} -> ${later.frames})`);
  await first.screenshot({ path: path.join(artifacts, 'live-first-page.png') });

  // A second page on the same camera plays the same push.
  const second = await context.newPage();
  watchErrors(second, 'second page');
  await openLive(second, camera);
  await untilPlaying(second, 20000);
  await second.waitForTimeout(2000);
  const both = [await playback(first), await playback(second)];
  check(both[0].time > later.time, 'the first page goes on playing beside the second');
  check(both[1].time > 0, 'the second page plays');
  await second.screenshot({ path: path.join(artifacts, 'live-second-page.png') });
  console.log('TWO-PAGES');
  await waitFor('CHECKED', 30000);

  // A camera that is offline, pressed in the overview's list of offline
  // cameras: refused, in words, in Chinese.
  await second.goto(base + '/');
  const listed = second.locator(`#offline button.live-button[data-node="${node}"][data-camera="${offlineCamera}"]`);
  await listed.waitFor({ timeout: 15000 });
  await listed.click();
  await second.waitForFunction(() => ['refused', 'ended'].includes(document.getElementById('player').dataset.phase),
    null, { timeout: 15000 });
  const refused = await playback(second);
  check(refused.phase === 'refused', `an offline camera is refused (${refused.phase})`);
  check(refused.text.includes('节点拒绝推流') && refused.text.includes('摄像头离线'),
    `the refusal reads in Chinese: ${refused.text}`);
  check(!/[A-Za-z]/.test(refused.text), `no English in the refusal: ${refused.text}`);
  check(await second.isVisible('#live-again'), 'the operator may ask again');
  await second.screenshot({ path: path.join(artifacts, 'live-refused.png') });

  // Both pages go: the push stops (the harness sees the node stop it).
  await first.close({ runBeforeUnload: true });
  await second.close({ runBeforeUnload: true });
  console.log('CLOSED');
  await waitFor('STOPPED', 40000);

  // An alert's clip: fetched from the node when asked, then it plays.
  const clipLine = await waitFor('CLIP', 60000);
  const alertId = clipLine.split(' ')[1];
  const third = await context.newPage();
  watchErrors(third, 'alerts page');
  await third.goto(base + '/alerts.html');
  const clipButton = third.locator(`button.clip-button[data-alert="${alertId}"]`);
  await clipButton.waitFor({ timeout: 15000 });
  const askedAt = Date.now();
  await clipButton.click();
  await third.waitForFunction(() => {
    const v = document.getElementById('clip-video');
    return v && v.readyState >= 2 && v.getVideoPlaybackQuality().totalVideoFrames > 0;
  }, null, { timeout: 60000 });
  const clip = await third.evaluate(() => {
    const v = document.getElementById('clip-video');
    return { duration: v.duration, frames: v.getVideoPlaybackQuality().totalVideoFrames, width: v.videoWidth,
      text: document.getElementById('clip-phase').textContent };
  });
  console.log(`CLIP-PLAYED ms=${Date.now() - askedAt} duration=${clip.duration} frames=${clip.frames}`);
  check(clip.duration > 0 && clip.width > 0, `the clip has a picture and a length: ${JSON.stringify(clip)}`);
  check(clip.text === '录像', `the clip's player says 录像 (${clip.text})`);
  await third.screenshot({ path: path.join(artifacts, 'clip-played.png') });
  await context.close();
} catch (e) {
  failures.push('exception: ' + (e.stack || e));
} finally {
  await browser.close();
}
if (failures.length) {
  for (const f of failures) console.log('FAILED: ' + f);
  process.exit(1);
}
console.log('ALL CHECKS PASSED');
process.exit(0);
