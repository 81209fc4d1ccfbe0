import { api, el, nav, t, table, when, word } from '/js/common.js';
import { ClipPlayer } from '/js/clip.js';

const clips = new ClipPlayer(document.getElementById('clip'));

const form = document.getElementById('filters');

function query() {
  const q = new URLSearchParams();
  for (const [k, v] of new FormData(form)) if (v) q.set(k, v);
  return q;
}

async function show() {
  const q = query();
  document.getElementById('csv').href = '/api/alerts.csv?' + q;
  q.set('limit', '1000');
  const rows = await api('/api/alerts?' + q);
  document.getElementById('list').replaceChildren(table([
    { label: 'started', cell: (a) => when(a.started_at), sort: (a) => a.started_at },
    { label: 'ended', cell: (a) => when(a.ended_at), sort: (a) => a.ended_at || '' },
    { label: 'township', cell: (a) => a.township, sort: (a) => a.township },
    { label: 'village', cell: (a) => a.village || a.node, sort: (a) => a.village },
    { label: 'type', cell: (a) => word('alert_type', a.type), sort: (a) => a.type },
    { label: 'camera', cell: (a) => a.camera || a.area || '' },
    { label: 'message', cell: (a) => a.message },
    { label: 'clip', cell: (a) => (a.clip ? el('button', { class: 'clip-button', 'data-alert': a.id,
      onclick: () => clips.open(a.node, a.clip, `${a.village || a.node} · ${word('alert_type', a.type)} · ${when(a.started_at)}`) },
      '▶ ' + t('watch_clip')) : '') },
  ], rows, { sortable: true }));
}

await nav('alerts');
for (const o of form.querySelectorAll('select[name=type] option')) if (o.value) o.textContent = word('alert_type', o.value);
form.addEventListener('submit', (e) => { e.preventDefault(); show(); });
await show();
