import { t, translate } from '/js/common.js';

translate();
document.getElementById('login').addEventListener('submit', async (e) => {
  e.preventDefault();
  const res = await fetch('/api/login', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: document.getElementById('name').value, password: document.getElementById('password').value }),
  });
  if (res.ok) {
    const next = new URLSearchParams(location.search).get('next');
    location.href = next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
    return;
  }
  const body = await res.json().catch(() => ({}));
  document.getElementById('error').textContent = res.status === 401 ? t('wrong') : body.error || res.statusText;
});
