// The terminal: xterm.js (from the npm registry at build time, served from ui/vendor/) over the WebSocket proxy
// (subprotocol "binary", raw bytes both ways). resize(cols, rows) is called when the terminal's size is known, so
// the container's or exec's terminal is resized to match.

import { Terminal as XTerm } from './vendor/xterm.js';
import { h } from './dom.js';

export class Terminal {
  constructor(onStatus) {
    this.onStatus = onStatus;
    this.el = h('div', { className: 'terminal', id: 'terminal' });
    this.xterm = new XTerm({ rows: 20, cols: 100, fontSize: 13, scrollback: 2000, cursorBlink: true,
      fontFamily: 'monospace', theme: { background: '#111111' } });
    this.encoder = new TextEncoder();
    this.ws = null;
    this.opened = false;
    this.xterm.onData((d) => this.send(this.encoder.encode(d)));
    this.xterm.onBinary((d) => this.send(Uint8Array.from(d, (c) => c.charCodeAt(0))));
  }

  /** Draws the terminal into its element; call once the element is in the document. */
  mount() {
    if (!this.opened) this.xterm.open(this.el);
    this.opened = true;
  }

  get size() { return { cols: this.xterm.cols, rows: this.xterm.rows }; }

  connect(url, onOpen) {
    this.close();
    this.xterm.reset();
    this.ws = new WebSocket(url, ['binary']);
    this.ws.binaryType = 'arraybuffer';
    this.ws.onopen = () => {
      this.onStatus('connected');
      this.xterm.focus();
      if (onOpen) onOpen();
    };
    this.ws.onclose = (e) => this.onStatus(`closed${e.reason ? ': ' + e.reason : ''}`);
    this.ws.onerror = () => this.onStatus('connection failed');
    this.ws.onmessage = (m) => this.xterm.write(typeof m.data === 'string' ? m.data : new Uint8Array(m.data));
  }

  send(bytes) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(bytes);
  }

  close() {
    if (this.ws) this.ws.close();
    this.ws = null;
  }

  dispose() {
    this.close();
    this.xterm.dispose();
  }
}
