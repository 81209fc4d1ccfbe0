import { api, nav, pct, t, table } from '/js/common.js';

const day = document.getElementById('day');
const month = document.getElementById('month');
const township = document.getElementById('township');
const localDay = (d) => d.toLocaleDateString('sv-SE');

const columns = (first) => [
  first,
  { label: 'online', cell: (r) => pct(r.rates.online), class: 'num', sort: (r) => r.rates.online ?? 2 },
  { label: 'intact', cell: (r) => pct(r.rates.intact), class: 'num', sort: (r) => r.rates.intact ?? 2 },
  { label: 'coverage', cell: (r) => pct(r.rates.coverage), class: 'num', sort: (r) => r.rates.coverage ?? 2 },
  { label: 'unverified_views', cell: (r) => pct(r.rates.unverified_views), class: 'num' },
  { label: 'known_minutes', cell: (r) => r.known_minutes.toFixed(0), class: 'num' },
  { label: 'unknown_minutes', cell: (r) => r.unknown_minutes.toFixed(0), class: 'num' },
];

async function show() {
  let from, to;
  if (month.value) {
    const [y, m] = month.value.split('-').map(Number);
    from = `${month.value}-01`;
    to = localDay(new Date(y, m, 0));
  } else {
    from = to = day.value || localDay(new Date());
  }
  document.getElementById('period').textContent = from === to ? from : `${from} — ${to}`;
  const [towns, villages] = await Promise.all([
    api(`/api/days?from=${from}&to=${to}&group=township&per=range`),
    api(`/api/days?from=${from}&to=${to}&group=village&per=range`),
  ]);
  if (township.options.length === 1) {
    for (const r of towns) township.append(new Option(r.name || '—', r.name));
  }
  const pick = township.value;
  const heading = document.getElementById('heading');
  heading.textContent = `${t('report')}${pick ? ' · ' + pick : ''} · ${t(from === to ? 'daily' : 'monthly')}`;
  document.getElementById('by-township').replaceChildren(table(columns({ label: 'township', cell: (r) => r.name || '—', sort: (r) => r.name }),
    towns.filter((r) => !pick || r.name === pick), { sortable: true }));
  document.getElementById('by-village').replaceChildren(table(columns({ label: 'village', cell: (r) => `${r.township} ${r.name}`, sort: (r) => r.name }),
    villages.filter((r) => !pick || r.township === pick), { sortable: true }));
}

await nav('report');
day.value = localDay(new Date());
day.addEventListener('change', () => { month.value = ''; show(); });
month.addEventListener('change', () => { day.value = ''; show(); });
township.addEventListener('change', show);
document.getElementById('print').addEventListener('click', () => window.print());
await show();
