import { alertText, api, el, failureText, live, nav, pct, t, table, when, word, words } from '/js/common.js';
import { LivePlayer, liveButton } from '/js/player.js';

// Every broken camera in the lists below, and every alert's, can be watched
// live from here (the village page is one click further).
const player = new LivePlayer(document.getElementById('live'));
const watch = (r, camera, name) => liveButton(player, r.node, camera, `${r.township || ''} ${r.village} · ${name || camera}`);

const rateCells = [
  { label: 'online', cell: (r) => pct(r.rates.online), sort: (r) => r.rates.online ?? 2, class: 'num' },
  { label: 'intact', cell: (r) => pct(r.rates.intact), sort: (r) => r.rates.intact ?? 2, class: 'num' },
  { label: 'coverage', cell: (r) => pct(r.rates.coverage), sort: (r) => r.rates.coverage ?? 2, class: 'num' },
  { label: 'cameras', cell: (r) => `${r.cameras.online}/${r.cameras.configured}`, sort: (r) => r.cameras.configured, class: 'num' },
];

function showSummary(s) {
  document.getElementById('county').textContent = s.county || t('title');
  document.getElementById('rate-online').textContent = pct(s.rates.online);
  document.getElementById('rate-intact').textContent = pct(s.rates.intact);
  document.getElementById('rate-coverage').textContent = pct(s.rates.coverage);
  document.getElementById('nodes').textContent = `${s.nodes.total - s.nodes.silent}/${s.nodes.total}`;
  document.getElementById('cameras-line').textContent = `${t('cameras')} ${s.cameras.online}/${s.cameras.configured}`;
  document.getElementById('unverified-line').textContent = `${t('unverified_views')} ${pct(s.rates.unverified_views)}`;
  document.getElementById('areas-line').textContent = `${t('areas')} ${s.areas.covered}/${s.areas.total}`;
  document.getElementById('open-line').textContent = `${t('silent')} ${s.nodes.silent} · ${t('open_alerts')} ${s.open_alerts}`;
  document.getElementById('townships').replaceChildren(table([
    { label: 'township', cell: (r) => r.name || '—', sort: (r) => r.name }, ...rateCells], s.townships, { sortable: true }));
}

async function showVillages() {
  const villages = await api('/api/villages');
  document.getElementById('villages').replaceChildren(table([
    { label: 'village', cell: (r) => el('a', { href: '/village.html?node=' + encodeURIComponent(r.key) }, r.name), sort: (r) => r.name },
    { label: 'township', cell: (r) => r.township || '—', sort: (r) => r.township },
    ...rateCells,
    { label: 'silent', cell: (r) => (r.silent_since ? when(r.silent_since) : ''), sort: (r) => r.silent_since || '' },
  ], villages, { sortable: true }));
}

function shot(id) {
  return id ? el('img', { class: 'thumb', src: '/api/snapshots/' + encodeURIComponent(id) + '.jpg', alt: id, loading: 'lazy' }) : '';
}

async function showProblems() {
  const p = await api('/api/problems');
  const where = { label: 'village', cell: (r) => `${r.township} ${r.village}` };
  const since = { label: 'since', cell: (r) => when(r.since) };
  document.getElementById('silent').replaceChildren(table([where, since, { label: 'reason', cell: (r) => word('silence', r.reason) }], p.silent_nodes));
  document.getElementById('offline').replaceChildren(table([where, { label: 'camera', cell: (r) => r.name || r.camera },
    { label: 'state', cell: (r) => word('camera_state', r.state) }, since, { label: 'reason', cell: failureText },
    { label: 'live_video', cell: (r) => watch(r, r.camera, r.name) }], p.offline_cameras));
  document.getElementById('tampered').replaceChildren(table([where, { label: 'camera', cell: (r) => r.name || r.camera },
    { label: 'issues', cell: (r) => words('issue', r.issues) }, since, { label: 'snapshots', cell: (r) => shot(r.snapshot) },
    { label: 'live_video', cell: (r) => watch(r, r.camera, r.name) }], p.tampered_views));
  document.getElementById('uncovered').replaceChildren(table([where, { label: 'area', cell: (r) => r.name },
    { label: 'grid', cell: (r) => r.grid || '' }, since,
    { label: 'reason', cell: (r) => r.causes.map((c) => `${c.camera}: ${word('cause', c.code)}`).join('; ') },
    { label: 'live_video', cell: (r) => el('span', {}, ...r.causes.map((c) => watch(r, c.camera, c.camera))) }], p.uncovered_areas));
}

function alertLine(a, fresh) {
  const text = `${when(a.started_at)} ${a.township || ''} ${a.village || a.node} · ${alertText(a)}`;
  return el('li', { class: fresh ? 'new' : '', 'data-id': a.id, 'data-phase': a.phase }, text,
    ...(a.camera && a.node ? [' ', watch(a, a.camera, a.camera)] : []));
}

async function showOpenAlerts() {
  const open = await api('/api/alerts/open');
  document.getElementById('alerts-live').replaceChildren(...open.map((a) => alertLine(a, false)));
}

let chart;
let shownSpan = 7;
async function showDays(span) {
  shownSpan = span;
  const to = new Date();
  const day = (d) => d.toLocaleDateString('sv-SE');  // YYYY-MM-DD in local time
  // Every day of the span on the axis; a day with no history is a gap, not a zero.
  const axis = [...Array(span).keys()].map((i) => day(new Date(to.getTime() - (span - 1 - i) * 86400000)));
  const rows = await api(`/api/days?from=${axis[0]}&to=${axis[span - 1]}`);
  const byDay = new Map(rows.map((d) => [d.day, d]));
  document.getElementById('span-label').textContent = t(span === 7 ? 'days7' : 'days30');
  if (!window.echarts) return;  // the chart library is missing: the numbers above still stand
  chart = chart || window.echarts.init(document.getElementById('chart'));
  const value = (d, key) => (!d || d.rates[key] === null ? null : +(d.rates[key] * 100).toFixed(2));
  const series = (key) => ({ name: t(key), type: 'line', showSymbol: true, symbolSize: 7, connectNulls: false,
    data: axis.map((d) => value(byDay.get(d), key)) });
  chart.setOption({
    animation: false,  // the numbers at once, on a console that redraws every minute
    tooltip: { trigger: 'axis', valueFormatter: (v) => (v === null || v === undefined ? '—' : v + '%') },
    legend: { top: 4 }, grid: { left: 40, right: 20, top: 40, bottom: 30 },
    xAxis: { type: 'category', data: axis },
    yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
    series: [series('online'), series('intact'), series('coverage')],
  }, true);
}

await nav('overview');
showSummary(await api('/api/summary'));
await Promise.all([showVillages(), showProblems(), showOpenAlerts(), showDays(7)]);
document.getElementById('show7').addEventListener('click', () => showDays(7));
document.getElementById('show30').addEventListener('click', () => showDays(30));
window.addEventListener('resize', () => chart && chart.resize());

// Live: an alert's start adds it at the top, its end takes it away; the
// numbers follow the summary; lists are asked again when it changes.
let refresh;
live({
  alert: (a) => {
    const list = document.getElementById('alerts-live');
    for (const li of list.querySelectorAll(`li[data-id="${CSS.escape(a.id)}"]`)) li.remove();
    if (a.phase !== 'end') list.prepend(alertLine(a, true));
  },
  summary: (s) => {
    showSummary(s);
    clearTimeout(refresh);
    refresh = setTimeout(() => { showVillages(); showProblems(); showDays(shownSpan); }, 500);
  },
});
