// Shared by every page of the console: the two languages, the API (a 401
// sends the operator to the login page), formatting, the navigation bar.
// No framework: plain modules, served by villagecam-county itself.

const WORDS = {
  'zh-CN': {
    title: '村级视频监控 · 县级运维平台', overview: '总览', alerts: '告警记录', report: '考核报表', logout: '退出',
    login: '登录', name: '用户名', password: '密码', wrong: '用户名或密码错误',
    online: '在线率', intact: '完好率', coverage: '覆盖率', unverified_views: '未核验画面', nodes: '村级节点',
    silent: '失联', cameras: '摄像机', configured: '应接入', open_alerts: '未结束告警', days7: '近7天', days30: '近30天',
    townships: '乡镇', villages: '村', township: '乡镇', village: '村', problems: '故障清单',
    silent_nodes: '失联节点', offline_cameras: '离线摄像机', tampered_views: '画面异常', uncovered_areas: '未覆盖区域',
    since: '起始时间', reason: '原因', camera: '摄像机', area: '区域', issues: '异常', none: '无',
    live_alerts: '实时告警', type: '类型', started: '开始', ended: '结束', message: '内容', filter: '查询',
    export_csv: '导出 CSV', from: '从', to: '到', open_only: '仅未结束', all: '全部', areas: '区域', state: '状态',
    uptime_24h: '24小时在线', uptime_7d: '7天在线', snapshots: '最新画面', grid: '网格', print: '打印',
    daily: '日报', monthly: '月报', date: '日期', month: '月份', unknown_minutes: '未知时长(分钟)',
    superseded: '实时更新已暂停（本账号打开的页面过多），刷新页面可恢复',
    known_minutes: '已知时长(分钟)', back: '返回总览', no_data: '暂无数据', connected: '已连接', disconnected: '连接中断',
    covered: '已覆盖', uncovered: '未覆盖', unverified: '未核验', unknown: '未知', ok: '正常', tampered: '异常',
    offline: '离线', stalled: '卡顿', connecting: '连接中', unauthorized: '认证失败',
    users: '用户管理', add_user: '添加用户', role: '角色', added: '已添加', admins_only: '仅管理员可用',
    pending_nodes: '待准入节点', pending_hint: '未准入的节点不计入任何比率，其告警与抓图不予接收。核对其所报位置后准入。',
    node: '节点', code: '区划代码', first_seen: '首次上报', refused: '最近拒收', admit: '准入', admitted: '已准入',
    watch_live: '实时视频', live_video: '实时视频', live_again: '重新请求', live_close: '关闭', clip: '录像', watch_clip: '录像',
    live_unsupported: '此浏览器无法播放实时视频（需要支持 MSE 的浏览器）',
    gb_code: '国标编码', search: '搜索', search_hint: '国标编码、名称或编号', no_match: '无匹配结果', more_matches: '更多结果未列出，请输入更完整的编码',
  },
  en: {
    title: 'Village CCTV · County console', overview: 'Overview', alerts: 'Alert history', report: 'Assessment report',
    logout: 'Log out', login: 'Log in', name: 'Name', password: 'Password', wrong: 'Wrong name or password',
    online: 'Online rate', intact: 'Intact rate', coverage: 'Coverage rate', unverified_views: 'Views unverified',
    nodes: 'Village nodes', silent: 'silent', cameras: 'Cameras', configured: 'configured', open_alerts: 'Open alerts',
    days7: 'Last 7 days', days30: 'Last 30 days', townships: 'Townships', villages: 'Villages', township: 'Township',
    village: 'Village', problems: 'What is broken', silent_nodes: 'Silent nodes', offline_cameras: 'Cameras offline',
    tampered_views: 'Tampered views', uncovered_areas: 'Areas uncovered', since: 'Since', reason: 'Reason',
    camera: 'Camera', area: 'Area', issues: 'Issues', none: 'none', live_alerts: 'Live alerts', type: 'Type',
    started: 'Started', ended: 'Ended', message: 'Message', filter: 'Search', export_csv: 'Export CSV', from: 'From',
    to: 'To', open_only: 'Open only', all: 'All', areas: 'Areas', state: 'State', uptime_24h: 'Up 24 h',
    uptime_7d: 'Up 7 days', snapshots: 'Latest views', grid: 'Grid', print: 'Print', daily: 'Daily', monthly: 'Monthly',
    date: 'Date', month: 'Month', unknown_minutes: 'Unknown (min)', known_minutes: 'Known (min)', back: 'Back to overview',
    no_data: 'No data yet', connected: 'live', disconnected: 'reconnecting', covered: 'covered', uncovered: 'uncovered',
    unverified: 'unverified', unknown: 'unknown', ok: 'ok', tampered: 'tampered', offline: 'offline', stalled: 'stalled',
    connecting: 'connecting', unauthorized: 'unauthorized',
    superseded: 'live updates paused (too many pages open for this login); reload to resume',
    users: 'Operators', add_user: 'Add an operator', role: 'Role', added: 'Added', admins_only: 'Admins only',
    pending_nodes: 'Nodes awaiting admission',
    pending_hint: 'A node not admitted counts in no rate; its alerts and snapshots are not taken. Check the place it claims, then admit it.',
    node: 'Node', code: 'Admin code', first_seen: 'First seen', refused: 'Last refused', admit: 'Admit', admitted: 'Admitted',
    watch_live: 'Live', live_video: 'Live video', live_again: 'Ask again', live_close: 'Close', clip: 'Clip', watch_clip: 'Clip',
    live_unsupported: 'This browser cannot play live video (it needs Media Source Extensions)',
    gb_code: 'GB/T 28181 code', search: 'Search', search_hint: 'device code, name or id', no_match: 'Nothing matches',
    more_matches: 'More matches not listed: type more of the code',
  },
};

export function lang() {
  const l = localStorage.getItem('vc-lang');
  return l === 'en' ? 'en' : 'zh-CN';
}

export function t(key) {
  return WORDS[lang()][key] ?? WORDS.en[key] ?? key;
}

// The words for the contract's codes (a camera's failure, a view's issues,
// states, causes, silences, alert types) come from the console itself
// (GET /api/words), the table the nodes' alert messages use; nav() loads
// them. A code it does not know (a newer node's) shows as it is.
let codeWords = {};

export function word(kind, code) {
  if (code === null || code === undefined || code === '') return '';
  return codeWords[lang()]?.[kind]?.[code] ?? code;
}

export function words(kind, codes) {
  return (codes || []).map((c) => word(kind, c)).join(lang() === 'en' ? ', ' : '，');
}

// An alert's message in the page's language: the console says it from the
// alert (`messages`) where it can; the node's own words otherwise.
export function alertText(a) {
  return a.messages?.[lang()] || a.message || word('alert_type', a.type);
}

// Why a camera is down, in the page's language: the contract's failure code
// in words; the node's own text (English) only on the English page.
export function failureText(r) {
  if (r.failure) return word('failure', r.failure);
  return lang() === 'en' ? r.reason || '' : '';
}

// Every element with data-i18n="key" gets its word.
export function translate(root = document) {
  document.documentElement.lang = lang();
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
}

// Requests under way, so that logging out waits for them: one the server
// took after the session ended would answer 401 on a page that is leaving.
const inFlight = new Set();
let leaving = false;
let stream = null;

export async function api(path) {
  if (leaving) return new Promise(() => {});  // the page is going: nothing after this runs
  const request = fetch(path, { credentials: 'same-origin' });
  inFlight.add(request);
  const res = await request.finally(() => inFlight.delete(request));
  if (res.status === 401) {
    location.href = '/login.html?next=' + encodeURIComponent(location.pathname + location.search);
    return new Promise(() => {});  // the page is going: nothing after this runs
  }
  if (!res.ok) throw new Error((await res.json().catch(() => ({}))).error || res.statusText);
  return res.json();
}

export function pct(rate) {
  return rate === null || rate === undefined ? '—' : (rate * 100).toFixed(2) + '%';
}

export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString(lang() === 'en' ? 'en-GB' : 'zh-CN', { hour12: false });
}

// Text into an element, never HTML: names come from the villages' configs.
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c ?? ''));
  return e;
}

export function table(columns, rows, { sortable = false } = {}) {
  const head = el('tr', {}, ...columns.map((c) => el('th', c.sort ? { class: 'sortable' } : {}, t(c.label))));
  const body = el('tbody');
  const render = (list) => {
    body.replaceChildren(...list.map((r) => el('tr', {}, ...columns.map((c) => el('td', { class: c.class || '' }, c.cell(r))))));
  };
  render(rows);
  if (sortable) {
    columns.forEach((c, i) => {
      if (!c.sort) return;
      let ascending = true;
      head.children[i].addEventListener('click', () => {
        const sorted = [...rows].sort((a, b) => {
          const x = c.sort(a), y = c.sort(b);
          return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
        });
        ascending = !ascending;
        render(sorted);
      });
    });
  }
  if (!rows.length) body.append(el('tr', {}, el('td', { colspan: columns.length, class: 'empty' }, t('none'))));
  return el('table', {}, el('thead', {}, head), body);
}

// Where a search result leads: its village's page, at the camera's row.
function resultLink(r) {
  const href = '/village.html?node=' + encodeURIComponent(r.node) + (r.kind === 'camera' ? '#cam-' + encodeURIComponent(r.camera) : '');
  const what = r.kind === 'camera' ? `${r.village} · ${r.name || r.camera}` : `${r.township || ''} ${r.village}`;
  const state = r.kind === 'camera' ? word('camera_state', r.state) : r.state === 'silent' ? t('silent') : '';
  return el('li', {}, el('a', { href, class: 'search-result', 'data-kind': r.kind }, what),
    ' ', el('code', {}, r.gb_code || ''), ' ', el('span', { class: 'muted' }, state));
}

// The bar's search: villages and cameras by GB/T 28181 device code, name or
// id (GET /api/search), listed under the box as the operator types.
function searchBox() {
  const input = el('input', { id: 'search', type: 'search', maxlength: '64', autocomplete: 'off',
    placeholder: t('search_hint'), 'aria-label': t('search') });
  const list = el('ul', { id: 'search-results', class: 'search-results', hidden: '' });
  let asked = 0;
  const run = async () => {
    const q = input.value.trim();
    const mine = ++asked;
    if (!q) { list.hidden = true; list.replaceChildren(); return; }
    const found = await api('/api/search?q=' + encodeURIComponent(q));
    if (mine !== asked) return;  // a newer query is on its way
    list.replaceChildren(...found.results.map(resultLink));
    if (!found.results.length) list.append(el('li', { class: 'empty' }, t('no_match')));
    if (found.more > 0) list.append(el('li', { class: 'muted' }, t('more_matches')));
    list.hidden = false;
  };
  let timer;
  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(run, 200); });
  input.addEventListener('keydown', (e) => { if (e.key === 'Enter') { clearTimeout(timer); run(); } });
  return el('span', { class: 'search' }, input, list);
}

export async function nav(active) {
  const [me, catalogue] = await Promise.all([api('/api/me'), api('/api/words')]);
  codeWords = catalogue;
  const links = [['/', 'overview'], ['/alerts.html', 'alerts'], ['/report.html', 'report']];
  if (me.role === 'admin') links.push(['/users.html', 'users']);
  const bar = el('nav', {},
    el('span', { class: 'brand', 'data-i18n': 'title' }),
    ...links.map(([href, key]) => el('a', { href, class: key === active ? 'active' : '', 'data-i18n': key })),
    el('span', { class: 'spacer' }),
    searchBox(),
    el('span', { id: 'live-state', class: 'live' }),
    el('button', { id: 'lang', onclick: () => { localStorage.setItem('vc-lang', lang() === 'en' ? 'zh-CN' : 'en'); location.reload(); } },
      lang() === 'en' ? '中文' : 'English'),
    el('span', { class: 'who' }, me.name + ' (' + me.role + ')'),
    el('button', { id: 'logout', 'data-i18n': 'logout', onclick: async () => {
      leaving = true;
      stream?.close();
      await Promise.allSettled([...inFlight]);
      await fetch('/api/logout', {
        method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: '{}',
      });
      location.href = '/login.html';
    } }));
  document.body.prepend(bar);
  translate();
  return me;
}

// The live stream: handlers by event name; the state shown in the bar.
export function live(handlers) {
  const source = new EventSource('/api/stream');
  stream = source;
  const state = () => document.getElementById('live-state');
  source.onopen = () => { if (state()) state().textContent = '● ' + t('connected'); };
  source.onerror = () => { if (state()) state().textContent = '○ ' + t('disconnected'); };
  for (const [name, handler] of Object.entries(handlers)) {
    source.addEventListener(name, (e) => handler(JSON.parse(e.data)));
  }
  source.addEventListener('reload', () => location.reload());
  // A newer page of this login took this one's place: it stops, and says so.
  source.addEventListener('superseded', () => {
    source.close();
    if (state()) state().textContent = '○ ' + t('superseded');
  });
  // The session ended (a logout here or in another tab, or it expired): to the login page.
  source.addEventListener('logout', () => {
    source.close();
    location.href = '/login.html?next=' + encodeURIComponent(location.pathname + location.search);
  });
  return source;
}
