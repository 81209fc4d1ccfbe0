// An alert's evidence clip on the page (docs/county.md, clips). The console
// fetches it from the node when first asked (the node pushes it the way it
// pushes live video) and keeps it; the page asks where that stands each
// second until the clip can play, then plays the kept MP4.
import { el, t, word } from '/js/common.js';

const POLL_MS = 1000;

export class ClipPlayer {
  constructor(container) {
    this.video = el('video', { id: 'clip-video', controls: '', playsinline: '', preload: 'auto' });
    this.video.muted = true;
    this.title = el('h2', { id: 'clip-title' });
    this.phase = el('p', { id: 'clip-phase', class: 'live-phase' });
    this.again = el('button', { id: 'clip-again', onclick: () => this.poll(true) }, t('live_again'));
    this.closer = el('button', { id: 'clip-close', onclick: () => this.close() }, t('live_close'));
    this.panel = el('section', { id: 'clip-player', class: 'player', hidden: '' },
      this.title, this.video, el('div', { class: 'player-bar' }, this.phase, this.again, this.closer));
    container.replaceChildren(this.panel);
  }

  async open(node, alert, label) {
    this.close();
    this.node = node;
    this.alert = alert;
    this.title.textContent = `${t('clip')} · ${label}`;
    this.panel.hidden = false;
    this.panel.scrollIntoView({ block: 'nearest' });
    await this.poll(false);
  }

  show(phase, code) {
    this.panel.dataset.phase = phase;
    this.phase.textContent = word('clip_phase', phase) + (code && phase !== 'stored' ? '：' + word('reply_code', code) : '');
    this.phase.className = 'live-phase ' + (phase === 'stored' ? 'ok' : ['gone', 'failed', 'no_answer', 'unavailable'].includes(phase) ? 'bad' : '');
    this.again.hidden = !['failed', 'no_answer'].includes(phase);
  }

  async poll(again) {
    clearTimeout(this.timer);
    if (!this.alert) return;
    const alert = this.alert;
    let answer = null;
    try {
      const res = await fetch(`/api/clips/${encodeURIComponent(this.node)}/${encodeURIComponent(alert)}`, {
        method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ again }),
      });
      if (res.status === 401) { location.href = '/login.html'; return; }
      answer = await res.json();
      if (!res.ok) answer = { phase: 'failed', code: '', error: answer.error };
    } catch (e) {
      answer = null;  // the console is away: asked again at the next turn
    }
    if (alert !== this.alert) return;
    if (answer) {
      this.show(answer.phase, answer.code);
      if (answer.error) this.phase.textContent += ' (' + answer.error + ')';
      if (answer.phase === 'stored' && answer.url) {
        if (this.video.getAttribute('src') !== answer.url) {
          this.video.src = answer.url;
          this.video.play().catch(() => {});
        }
        return;  // kept: nothing more to ask
      }
      if (['gone', 'failed', 'no_answer', 'unavailable'].includes(answer.phase)) return;
    }
    this.timer = setTimeout(() => this.poll(false), POLL_MS);
  }

  close() {
    clearTimeout(this.timer);
    this.alert = this.node = null;
    this.video.removeAttribute('src');
    this.video.load();
    this.panel.hidden = true;
  }
}
