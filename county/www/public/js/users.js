import { api, el, nav, t, table, when } from '/js/common.js';

async function show() {
  const users = await api('/api/users');
  document.getElementById('list').replaceChildren(table([
    { label: 'name', cell: (u) => u.name }, { label: 'role', cell: (u) => u.role },
    { label: 'since', cell: (u) => when(u.created_at) },
  ], users));
}

// Nodes heard from but not admitted: what they claim, and a button to admit each.
async function showPending() {
  const pending = await api('/api/nodes/pending');
  const admit = async (node) => {
    const res = await fetch('/api/nodes/' + encodeURIComponent(node) + '/admit', {
      method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: '{}',
    });
    const answer = await res.json().catch(() => ({}));
    document.getElementById('admit-result').textContent = res.ok ? `${t('admitted')}: ${node}` : answer.error;
    await showPending();
  };
  document.getElementById('pending').replaceChildren(pending.length ? table([
    { label: 'node', cell: (n) => n.node },
    { label: 'township', cell: (n) => n.claimed_place.township || '—' },
    { label: 'village', cell: (n) => n.claimed_place.village || '—' },
    { label: 'code', cell: (n) => n.claimed_place.code || '—' },
    { label: 'first_seen', cell: (n) => when(n.first_seen) },
    { label: 'cameras', cell: (n) => String(n.cameras) },
    { label: 'refused', cell: (n) => (n.refused ? n.refused.reason : '') },
    { label: '', cell: (n) => el('button', { class: 'admit', 'data-node': n.node, onclick: () => admit(n.node) }, t('admit')) },
  ], pending) : t('none'));
}

const me = await nav('users');
if (me.role !== 'admin') {
  document.querySelector('main').replaceChildren(t('admins_only'));
} else {
  await show();
  await showPending();
  document.getElementById('add').addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = Object.fromEntries(new FormData(e.target));
    const res = await fetch('/api/users', {
      method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
    });
    const answer = await res.json().catch(() => ({}));
    document.getElementById('result').textContent = res.ok ? `${t('added')}: ${answer.name} (${answer.role})` : answer.error;
    if (res.ok) { e.target.reset(); await show(); }
  });
}
