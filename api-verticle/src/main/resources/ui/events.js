// GET /v1/events read with fetch (an EventSource cannot send the token in a header), resumed with Last-Event-ID
// after any disconnect, so an API restart costs neither a reload nor duplicated events.

import { token } from './api.js';

export class EventStream {
  constructor({ onEvent, onReady, onState, onReset, onExpired }) {
    this.handlers = { onEvent, onReady, onState, onReset, onExpired };
    this.lastId = null;
    this.stopped = false;
    this.retry = 1000;
    this.controller = null;
  }

  start(allProjects) {
    this.allProjects = allProjects;
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    if (this.controller) this.controller.abort();
  }

  async connect() {
    if (this.stopped) return;
    this.controller = new AbortController();
    const headers = { 'X-Auth-Token': token() || '', Accept: 'text/event-stream' };
    if (this.lastId) headers['Last-Event-ID'] = this.lastId;
    try {
      const r = await fetch('/v1/events' + (this.allProjects ? '?all_projects=true' : ''),
        { headers, signal: this.controller.signal, cache: 'no-store' });
      if (r.status === 401) { this.handlers.onExpired(); return; }
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      this.handlers.onState(true);
      await this.read(r.body.getReader());
    } catch (e) {
      // reconnect below
    }
    this.handlers.onState(false);
    if (!this.stopped) setTimeout(() => this.connect(), this.retry);
  }

  async read(reader) {
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        this.dispatch(block);
      }
    }
  }

  dispatch(block) {
    let id = null; let event = 'message'; let data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = value;
      else if (field === 'event') event = value;
      else if (field === 'data') data += value;
      else if (field === 'retry') this.retry = Number(value) || this.retry;
    }
    if (!data) return;
    const payload = JSON.parse(data);
    if (id) this.lastId = id;
    if (event === 'ready') this.handlers.onReady(payload);
    else if (event === 'reset') this.handlers.onReset(payload);
    else if (event === 'expired') this.handlers.onExpired();
    else if (event === 'container' || event === 'image' || event === 'capsule') this.handlers.onEvent(event, payload);
  }
}
