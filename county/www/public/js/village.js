import { alertText, api, el, failureText, live, nav, pct, t, table, when, word, words } from '/js/common.js';
import { LivePlayer, liveButton as cameraLiveButton } from '/js/player.js';
import { ClipPlayer } from '/js/clip.js';

const node = new URLSearchParams(location.search).get('node') || '';

function bar(rate) {
  const width = rate === null || rate === undefined ? 0 : Math.round(rate * 100);
  return el('span', {}, el('span', { class: 'bar', title: pct(rate) }, el('span', { style: `width:${width}%` })), ' ', pct(rate));
}

const player = new LivePlayer(document.getElementById('live'));
const clips = new ClipPlayer(document.getElementById('clip'));

function liveButton(v, camera, label) {
  return cameraLiveButton(player, v.node, camera, `${v.village} · ${label}`);
}

async function show() {
  const v = await api('/api/villages/' + encodeURIComponent(node));
  document.getElementById('village').textContent =
    `${v.township || ''} ${v.village}` + (v.code ? ` (${v.code})` : '') + (v.gb_code ? ` ${t('gb_code')} ${v.gb_code}` : '') + (v.silent_since ? ` — ${t('silent')} ${when(v.silent_since)} (${word('silence', v.silent_reason)})` : '');
  document.getElementById('rate-online').textContent = pct(v.rates.online);
  document.getElementById('rate-intact').textContent = pct(v.rates.intact);
  document.getElementById('rate-coverage').textContent = pct(v.rates.coverage);
  document.getElementById('cameras').replaceChildren(table([
    { label: 'camera', cell: (c) => el('span', { id: 'cam-' + c.id }, c.name || c.id), sort: (c) => c.name },
    { label: 'gb_code', cell: (c) => el('code', {}, c.gb_code || ''), sort: (c) => c.gb_code || '' },
    { label: 'state', cell: (c) => el('span', { class: c.state === 'online' ? 'ok' : 'bad' }, word('camera_state', c.state)),
      sort: (c) => c.state },
    { label: 'since', cell: (c) => when(c.since), sort: (c) => c.since },
    { label: 'reason', cell: (c) => (c.state === 'online' || c.state === 'unknown' ? '' : failureText(c)) },
    // A silent node's cameras: their views are not known now either.
    { label: 'issues', cell: (c) => (c.state === 'unknown' ? t('unknown')
      : c.view.state === 'tampered' ? words('issue', c.view.issues) : t(c.view.state)) },
    { label: 'uptime_24h', cell: (c) => bar(c.uptime['24h']), sort: (c) => c.uptime['24h'] ?? 2 },
    { label: 'uptime_7d', cell: (c) => bar(c.uptime['7d']), sort: (c) => c.uptime['7d'] ?? 2 },
    { label: 'live_video', cell: (c) => liveButton(v, c.id, c.name || c.id) },
  ], v.cameras, { sortable: true }));
  document.getElementById('areas').replaceChildren(table([
    { label: 'area', cell: (a) => a.name }, { label: 'grid', cell: (a) => a.grid || '' },
    { label: 'state', cell: (a) => el('span', { class: a.state === 'covered' ? 'ok' : 'bad' }, word('area_state', a.state)) },
    { label: 'since', cell: (a) => when(a.since) }, { label: 'cameras', cell: (a) => a.watching.join(', ') },
  ], v.areas));
  document.getElementById('open').replaceChildren(table([
    { label: 'type', cell: (a) => word('alert_type', a.type) }, { label: 'started', cell: (a) => when(a.started_at) },
    { label: 'message', cell: (a) => alertText(a) },
    { label: 'live_video', cell: (a) => (a.camera ? liveButton(v, a.camera, a.camera) : '') },
    { label: 'clip', cell: (a) => (a.clip ? el('button', { class: 'clip-button', 'data-alert': a.id,
      onclick: () => clips.open(v.node, a.clip, `${v.village} · ${word('alert_type', a.type)}`) }, '▶ ' + t('watch_clip')) : '') },
  ], v.open_alerts));
  // Only cameras whose node sent a snapshot: no request is made to fail.
  document.getElementById('shots').replaceChildren(...v.cameras.filter((c) => c.snapshot).map((c) => el('figure', {},
    el('img', { class: 'thumb', alt: c.id, loading: 'lazy',
      src: `/api/cameras/${encodeURIComponent(v.node)}/${encodeURIComponent(c.id)}/snapshot.jpg` }),
    el('figcaption', {}, c.name || c.id))));
}

await nav('overview');
await show();
// From a search result: the camera's row, marked.
if (location.hash.startsWith('#cam-')) {
  const row = document.getElementById(decodeURIComponent(location.hash.slice(1)))?.closest('tr');
  if (row) { row.classList.add('found'); row.scrollIntoView({ block: 'center' }); }
}
let refresh;
live({ summary: () => { clearTimeout(refresh); refresh = setTimeout(show, 500); }, alert: () => { clearTimeout(refresh); refresh = setTimeout(show, 500); } });
