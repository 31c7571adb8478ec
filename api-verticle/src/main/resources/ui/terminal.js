// A minimal terminal over the WebSocket proxy (subprotocol "binary", raw bytes both ways): keys are sent as the
// bytes a terminal would send, output is shown as text with escape sequences removed. Not a full emulator.

import { h } from './dom.js';

const KEYS = {
  Enter: '\r', Backspace: '\x7f', Tab: '\t', Escape: '\x1b',
  ArrowUp: '\x1b[A', ArrowDown: '\x1b[B', ArrowRight: '\x1b[C', ArrowLeft: '\x1b[D',
};
// CSI and OSC sequences, and the other two-byte escapes.
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][A-Za-z0-9]|\x1b[=>NOMc78]/g;

export class Terminal {
  constructor(onStatus) {
    this.onStatus = onStatus;
    this.el = h('div', { className: 'terminal', tabindex: '0', role: 'log', 'aria-label': 'terminal' });
    this.el.addEventListener('keydown', (e) => this.key(e));
    this.el.addEventListener('paste', (e) => {
      e.preventDefault();
      this.send(e.clipboardData.getData('text'));
    });
    this.decoder = new TextDecoder();
    this.encoder = new TextEncoder();
    this.ws = null;
  }

  connect(url) {
    this.close();
    this.ws = new WebSocket(url, ['binary']);
    this.ws.binaryType = 'arraybuffer';
    this.ws.onopen = () => { this.onStatus('connected'); this.el.focus(); };
    this.ws.onclose = (e) => this.onStatus(`closed${e.reason ? ': ' + e.reason : ''}`);
    this.ws.onerror = () => this.onStatus('connection failed');
    this.ws.onmessage = (m) => this.write(typeof m.data === 'string' ? m.data
      : this.decoder.decode(new Uint8Array(m.data), { stream: true }));
  }

  write(text) {
    let out = this.el.textContent + text.replace(ESCAPES, '').replace(/\r\n/g, '\n').replace(/\r/g, '');
    // Backspaces echoed by the shell erase the previous character.
    while (/[^\n]\x08/.test(out)) out = out.replace(/[^\n]\x08/, '');
    out = out.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
    if (out.length > 200000) out = out.slice(-200000);
    this.el.textContent = out;
    this.el.scrollTop = this.el.scrollHeight;
  }

  key(e) {
    let s = null;
    if (e.ctrlKey && e.key.length === 1 && /[a-z]/i.test(e.key)) s = String.fromCharCode(e.key.toUpperCase().charCodeAt(0) - 64);
    else if (KEYS[e.key]) s = KEYS[e.key];
    else if (e.key.length === 1 && !e.metaKey) s = e.key;
    if (s !== null) {
      e.preventDefault();
      this.send(s);
    }
  }

  send(s) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(this.encoder.encode(s));
  }

  close() {
    if (this.ws) this.ws.close();
    this.ws = null;
  }
}
