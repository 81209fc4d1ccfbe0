import { api, nav, t, table, when } from '/js/common.js';

async function show() {
  const users = await api('/api/users');
  document.getElementById('list').replaceChildren(table([
    { label: 'name', cell: (u) => u.name }, { label: 'role', cell: (u) => u.role },
    { label: 'since', cell: (u) => when(u.created_at) },
  ], users));
}

const me = await nav('users');
if (me.role !== 'admin') {
  document.querySelector('main').replaceChildren(t('admins_only'));
} else {
  await show();
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
