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
    location.href = localPath(new URLSearchParams(location.search).get('next'));
    return;
  }
  const body = await res.json().catch(() => ({}));
  document.getElementById('error').textContent = res.status === 401 ? t('wrong') : body.error || res.statusText;
});

// Where to go after the login: a path of this console, never another site
// (`//host`, `/\host`, `https:...` and their encodings all resolve elsewhere).
function localPath(next) {
  if (!next || !next.startsWith('/') || /[\\\s\x00-\x1f]/.test(next)) return '/';
  try {
    const url = new URL(next, location.origin);
    return url.origin === location.origin ? url.pathname + url.search + url.hash : '/';
  } catch {
    return '/';
  }
}
