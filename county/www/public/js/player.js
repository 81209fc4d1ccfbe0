// A camera live on the page (docs/county.md, live video). The page holds a
// viewer lease on the camera: it says so every few seconds (each answer also
// says where the view stands) and says it leaves when closed; the console
// asks the node to push while anyone watches, and plays the push as HLS
// through hls.js (from npm). One player per page.
import { el, t, word } from '/js/common.js';

const POLL_STARTING_MS = 500;   // until video plays: the first frame is shown as soon as it is there
const POLL_PLAYING_MS = 5000;   // then: the lease (15 s on the console) renewed three times over

function viewerId() {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function post(path, body, keepalive = false) {
  return fetch(path, {
    method: 'POST', credentials: 'same-origin', keepalive,
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
}

function loadHls() {
  if (window.Hls) return Promise.resolve(window.Hls);
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = '/vendor/hls.min.js';
    s.onload = () => resolve(window.Hls);
    s.onerror = () => reject(new Error('hls.js'));
    document.head.append(s);
  });
}

export class LivePlayer {
  constructor(container) {
    this.viewer = viewerId();
    this.video = el('video', { id: 'live-video', muted: '', autoplay: '', playsinline: '', controls: '' });
    this.video.muted = true;  // browsers autoplay muted video only
    this.title = el('h2', { id: 'live-title' });
    this.phase = el('p', { id: 'live-phase', class: 'live-phase' });
    this.again = el('button', { id: 'live-again', onclick: () => this.poll(true) }, t('live_again'));
    this.closer = el('button', { id: 'live-close', onclick: () => this.close() }, t('live_close'));
    this.panel = el('section', { id: 'player', class: 'player', hidden: '' },
      this.title, this.video, el('div', { class: 'player-bar' }, this.phase, this.again, this.closer));
    container.replaceChildren(this.panel);
    addEventListener('pagehide', () => this.leave());
  }

  path() { return `/api/live/${encodeURIComponent(this.node)}/${encodeURIComponent(this.camera)}`; }

  async open(node, camera, label) {
    if (this.node) this.close();
    this.node = node;
    this.camera = camera;
    this.title.textContent = `${t('live_video')} · ${label}`;
    this.panel.hidden = false;
    this.panel.dataset.phase = '';
    this.show('asking', '');
    this.panel.scrollIntoView({ block: 'nearest' });
    await this.poll(false);
  }

  show(phase, code) {
    this.panel.dataset.phase = phase;
    this.phase.textContent = word('live_phase', phase) + (code ? '：' + word('reply_code', code) : '');
    this.phase.className = 'live-phase ' + (phase === 'playing' ? 'ok' : ['asking', 'starting', 'interrupted'].includes(phase) ? '' : 'bad');
    this.again.hidden = !['refused', 'ended', 'no_answer', 'no_video', 'busy'].includes(phase);
  }

  async poll(again) {
    clearTimeout(this.timer);
    if (!this.node) return;
    const node = this.node, camera = this.camera;
    let answer;
    try {
      const res = await post(this.path(), { viewer: this.viewer, again });
      if (res.status === 401) { location.href = '/login.html'; return; }
      answer = await res.json();
      if (!res.ok) answer = { phase: 'ended', code: '', error: answer.error };
    } catch (e) {
      answer = null;  // the console is away: asked again at the next turn
    }
    if (node !== this.node || camera !== this.camera) return;  // closed or switched meanwhile
    if (answer) {
      this.show(answer.phase, answer.code);
      if (answer.error) this.phase.textContent += ' (' + answer.error + ')';
      if (answer.playlist && answer.playlist !== this.playing) await this.play(answer.playlist);
      if (!answer.playlist && this.playing) this.stopVideo();
    }
    const wait = answer && answer.phase === 'playing' && this.playing && this.video.currentTime > 0 ? POLL_PLAYING_MS : POLL_STARTING_MS;
    this.timer = setTimeout(() => this.poll(false), wait);
  }

  async play(playlist) {
    this.stopVideo();
    this.playing = playlist;
    const Hls = await loadHls().catch(() => null);
    if (Hls && Hls.isSupported()) {
      // Live edge: start two segments from the end and keep up (a page that
      // fell behind jumps forward rather than drifting).
      this.hls = new Hls({ enableWorker: false, liveSyncDurationCount: 2, liveMaxLatencyDurationCount: 5,
                           backBufferLength: 10, manifestLoadingMaxRetry: 6 });
      this.hls.on(Hls.Events.ERROR, (_event, data) => {
        if (data.fatal) this.stopVideo();  // the next answer attaches the playlist again
      });
      this.hls.loadSource(playlist);
      this.hls.attachMedia(this.video);
    } else if (this.video.canPlayType('application/vnd.apple.mpegurl')) {
      this.video.src = playlist;  // Safari plays HLS itself
    } else {
      this.phase.textContent = t('live_unsupported');
      return;
    }
    this.video.play().catch(() => {});
  }

  stopVideo() {
    if (this.hls) this.hls.destroy();
    this.hls = null;
    this.playing = null;
    this.video.removeAttribute('src');
    this.video.load();
  }

  leave() {
    if (!this.node) return;
    post(this.path() + '/leave', { viewer: this.viewer }, true).catch(() => {});
  }

  close() {
    clearTimeout(this.timer);
    this.leave();
    this.stopVideo();
    this.node = this.camera = null;
    this.panel.hidden = true;
    this.panel.dataset.phase = 'closed';
  }
}

// A camera's live button for a table or a list: opens it in `player`.
export function liveButton(player, node, camera, label) {
  return el('button', { class: 'live-button', 'data-node': node, 'data-camera': camera,
    onclick: () => player.open(node, camera, label) }, '▶ ' + t('watch_live'));
}
