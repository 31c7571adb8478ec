// The console: hash routes, one live container table fed by GET /v1/events, and pages built with dom.js only.

import * as api from './api.js';
import { h, clear, sparkline, statusBadge } from './dom.js';
import { EventStream } from './events.js';
import { Terminal } from './terminal.js';
import { main, listeners, onLeave, page, errorBox } from './layout.js';
import * as pages from './resources.js';

const state = {
  containers: new Map(), // uuid -> container object
  sequences: new Map(), // uuid -> highest event sequence applied
  stream: null,
};

// ---- session --------------------------------------------------------------------------------------------------

function showLogin(message) {
  const overlay = document.getElementById('login');
  document.getElementById('login-message').textContent = message || '';
  document.getElementById('login-error').textContent = '';
  const s = api.session();
  const form = document.getElementById('login-form');
  if (s) {
    form.user.value = s.user;
    form.project.value = s.project;
  }
  overlay.hidden = false;
  (form.user.value ? form.password : form.user).focus();
}

async function submitLogin(e) {
  e.preventDefault();
  const f = e.target;
  const before = api.session();
  try {
    const s = await api.login(f.user.value, f.password.value, f.project.value, f.domain.value);
    f.password.value = '';
    document.getElementById('login').hidden = true;
    const sameScope = before && before.projectId === s.projectId && before.admin === s.admin;
    if (sameScope && state.stream) {
      // A renewed session: keep the page (and any form input); the stream resumes from its last event.
      const last = state.stream.lastId;
      state.stream.stop();
      startStream(last);
    } else {
      startSession();
    }
  } catch (err) {
    document.getElementById('login-error').textContent = err.message;
  }
}

async function logout() {
  if (state.stream) state.stream.stop();
  state.stream = null;
  const revoked = await api.logout();
  state.containers.clear();
  state.sequences.clear();
  clear(main).append(h('p', { className: 'notice' }, revoked
    ? 'Logged out. The token is revoked.'
    : 'Logged out. The token is forgotten by this page, but the identity service could not be reached to revoke it.'));
  renderHeader();
  showLogin();
}

function renderHeader() {
  const s = api.session();
  const nav = clear(document.getElementById('nav'));
  document.getElementById('logout').hidden = !s;
  document.getElementById('who').textContent = s ? `${s.user} · ${s.project}${s.admin ? ' (admin)' : ''}` : '';
  if (!s) return;
  const links = [['#/containers', 'Containers'], ['#/create', 'Create'], ['#/capsules', 'Capsules'],
    ['#/images', 'Images'], ['#/volumes', 'Volumes'], ['#/networks', 'Networks'], ['#/quotas', 'Quotas']];
  if (s.admin) links.push(['#/hosts', 'Hosts'], ['#/services', 'Services'], ['#/projects', 'Projects']);
  const current = location.hash.split('/')[1] || 'containers';
  for (const [href, label] of links) {
    nav.append(h('a', { href, className: href.split('/')[1] === current ? 'current' : '' }, label));
  }
}

// ---- live containers ------------------------------------------------------------------------------------------

function allProjects() {
  const s = api.session();
  return Boolean(s && s.admin && sessionStorage.getItem('zunvx.allProjects') === 'true');
}

function setLive(on) {
  const el = document.getElementById('live');
  el.textContent = on ? 'live' : 'offline';
  el.className = on ? 'live' : 'live off';
}

async function loadContainers() {
  const q = allProjects() ? '&all_projects=true' : '';
  const fresh = new Map();
  let url = `/v1/containers?limit=1000${q}`;
  const body = await api.get(url);
  for (const c of body.containers) fresh.set(c.uuid, c);
  // Events that arrived while the list was loading and are newer stay applied.
  for (const [uuid, c] of state.containers) if (state.sequences.has(uuid) && !fresh.has(uuid) && c.status !== 'Deleted') fresh.set(uuid, c);
  state.containers = fresh;
  changed();
}

function applyEvent(kind, e) {
  if (kind !== 'container') { changed(); return; } // capsule and image pages reload their own list
  const seen = state.sequences.get(e.uuid) || 0;
  if (e.sequence <= seen) return; // already applied
  state.sequences.set(e.uuid, e.sequence);
  if (e.container.status === 'Deleted') state.containers.delete(e.uuid);
  else state.containers.set(e.uuid, { ...(state.containers.get(e.uuid) || {}), ...e.container });
  changed(e.uuid);
}

function changed(uuid) {
  for (const fn of listeners) fn(uuid);
}

function startStream(lastId) {
  state.stream = new EventStream({
    onEvent: applyEvent,
    onReady: () => loadContainers().catch(() => {}),
    onReset: () => loadContainers().catch(() => {}),
    onState: setLive,
    onExpired: () => showLogin('Your session has expired; log in again. Nothing on this page is lost.'),
  });
  state.stream.lastId = lastId || null;
  state.stream.start(allProjects());
}

function startSession() {
  if (state.stream) state.stream.stop();
  state.containers.clear();
  state.sequences.clear();
  renderHeader();
  startStream();
  route();
}

// ---- pages ----------------------------------------------------------------------------------------------------

function containersPage() {
  const search = h('input', { type: 'search', placeholder: 'Search name, uuid or image', 'aria-label': 'search' });
  const status = h('select', { 'aria-label': 'status filter' }, h('option', { value: '' }, 'Any status'),
    ...['Creating', 'Created', 'Running', 'Stopped', 'Paused', 'Restarting', 'Error', 'Unknown']
      .map((s) => h('option', { value: s }, s)));
  const s = api.session();
  const all = s.admin ? h('label', { className: 'inline' },
    h('input', { type: 'checkbox', checked: allProjects(), onchange: (e) => {
      sessionStorage.setItem('zunvx.allProjects', String(e.target.checked));
      startSession();
    } }), 'All projects') : null;
  const body = h('tbody');
  const table = h('table', { id: 'containers' }, h('thead', {}, h('tr', {}, ['Name', 'Status', 'Task', 'Image',
    'Project', 'UUID'].map((t) => h('th', {}, t)))), body);
  const render = () => {
    clear(body);
    const text = search.value.trim().toLowerCase();
    const rows = [...state.containers.values()]
      .filter((c) => !status.value || c.status === status.value)
      .filter((c) => !text || [c.name, c.uuid, c.image].some((v) => String(v || '').toLowerCase().includes(text)))
      .sort((a, b) => String(a.name).localeCompare(String(b.name)));
    for (const c of rows) {
      body.append(h('tr', { dataset: { uuid: c.uuid } },
        h('td', {}, h('a', { href: `#/container/${c.uuid}` }, c.name || '(no name)')),
        h('td', { className: 'status-cell' }, statusBadge(c.status)),
        h('td', {}, c.task_state || ''), h('td', {}, c.image || ''), h('td', { className: 'muted' }, c.project_id || ''),
        h('td', { className: 'muted' }, c.uuid)));
    }
    if (!rows.length) body.append(h('tr', {}, h('td', { colspan: '6', className: 'muted' }, 'No containers.')));
  };
  search.addEventListener('input', render);
  status.addEventListener('change', render);
  page('Containers', h('div', { className: 'toolbar' }, search, status, all,
    h('a', { href: '#/create' }, h('button', { type: 'button', className: 'primary' }, 'Create container'))), table);
  listeners.add(render);
  render();
}

// The create form keeps its input across a session renewal: it is built once and reused.
let createForm = null;

const FIELDS = ['name', 'image', 'command', 'cpu', 'memory', 'environment', 'labels', 'restart_policy', 'networks',
  'volumes', 'interactive'];

function splitCommand(text) {
  const out = []; let cur = ''; let quote = null; let any = false;
  for (const ch of text) {
    if (quote) { if (ch === quote) quote = null; else cur += ch; }
    else if (ch === '"' || ch === "'") { quote = ch; any = true; }
    else if (/\s/.test(ch)) { if (cur || any) out.push(cur); cur = ''; any = false; }
    else cur += ch;
  }
  if (cur || any) out.push(cur);
  return out;
}

function pairs(text, field) {
  const out = {};
  for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const eq = line.indexOf('=');
    if (eq < 1) throw Object.assign(new Error(`Write one KEY=value per line.`), { field });
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

function buildCreateForm() {
  const field = (name, label, input, hint) => h('div', { className: 'field', dataset: { field: name } },
    h('label', {}, label, input), hint ? h('small', { className: 'muted' }, hint) : null,
    h('div', { className: 'field-error', role: 'alert' }));
  const form = h('form', { className: 'card', id: 'create-form', novalidate: true },
    h('p', { className: 'error form-error', role: 'alert' }),
    field('name', 'Name', h('input', { name: 'name' })),
    field('image', 'Image', h('input', { name: 'image', value: 'busybox' })),
    field('command', 'Command', h('input', { name: 'command', placeholder: 'sleep 3600' }), 'split as a shell would'),
    field('cpu', 'CPU', h('input', { name: 'cpu', value: '0.1' })),
    field('memory', 'Memory (MiB)', h('input', { name: 'memory', value: '32' })),
    field('environment', 'Environment', h('textarea', { name: 'environment', rows: '2', placeholder: 'KEY=value' }),
      'one KEY=value per line'),
    field('labels', 'Labels', h('textarea', { name: 'labels', rows: '2', placeholder: 'key=value' }),
      'one key=value per line'),
    field('restart_policy', 'Restart policy', h('select', { name: 'restart_policy' },
      ['', 'no', 'always', 'on-failure', 'unless-stopped'].map((p) => h('option', { value: p }, p || '(none)')))),
    field('networks', 'Networks', h('textarea', { name: 'networks', rows: '2', placeholder: 'my-network' }),
      'one network (name or id) per line; none: the project\'s own network'),
    field('volumes', 'Volumes', h('textarea', { name: 'volumes', rows: '2', placeholder: 'my-volume:/data' }),
      'one existing volume (name or id) and its mount point per line: NAME:/path'),
    field('interactive', '', h('span', {}, h('input', { type: 'checkbox', name: 'interactive' }), ' Interactive (keep stdin open, with a terminal)')),
    h('button', { type: 'submit', className: 'primary' }, 'Create and run'));
  form.addEventListener('submit', (e) => { e.preventDefault(); submitCreate(form); });
  return form;
}

function showFieldErrors(form, message, field) {
  form.querySelectorAll('.field-error').forEach((el) => { el.textContent = ''; });
  form.querySelector('.form-error').textContent = '';
  if (!message) return;
  let target = field;
  if (!target) {
    // Zun's messages name the field: "Invalid input for field/attribute cpu", "memory ...", "Invalid image name".
    const lower = message.toLowerCase();
    target = FIELDS.find((f) => new RegExp(`(^|[^a-z_])${f}([^a-z_]|$)`).test(lower))
      || (lower.includes('restart') ? 'restart_policy' : null)
      || (lower.includes('mount') || lower.includes('volume') ? 'volumes' : null)
      || (lower.includes('nets') || lower.includes('network') ? 'networks' : null);
  }
  const slot = target && form.querySelector(`[data-field="${target}"] .field-error`);
  (slot || form.querySelector('.form-error')).textContent = message;
}

async function submitCreate(form) {
  const v = (n) => form.elements[n].value.trim();
  let body;
  try {
    body = { image: v('image'), interactive: form.elements.interactive.checked };
    if (v('name')) body.name = v('name');
    if (v('command')) body.command = splitCommand(v('command'));
    if (v('cpu')) body.cpu = Number.isNaN(Number(v('cpu'))) ? v('cpu') : Number(v('cpu'));
    if (v('memory')) body.memory = v('memory');
    if (v('environment')) body.environment = pairs(form.elements.environment.value, 'environment');
    if (v('labels')) body.labels = pairs(form.elements.labels.value, 'labels');
    if (v('networks')) {
      body.nets = form.elements.networks.value.split('\n').map((l) => l.trim()).filter(Boolean)
        .map((network) => ({ network }));
    }
    if (v('volumes')) {
      body.mounts = form.elements.volumes.value.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
        const colon = l.indexOf(':');
        if (colon < 1) throw Object.assign(new Error('Write one NAME:/path per line.'), { field: 'volumes' });
        return { source: l.slice(0, colon), destination: l.slice(colon + 1) };
      });
    }
    if (v('restart_policy')) body.restart_policy = { Name: v('restart_policy'), MaximumRetryCount: '0' };
  } catch (err) {
    showFieldErrors(form, err.message, err.field);
    return;
  }
  showFieldErrors(form, null);
  try {
    const c = await api.post('/v1/containers?run=true', body);
    createForm = null;
    location.hash = `#/container/${c.uuid}`;
  } catch (err) {
    if (err.status !== 401) showFieldErrors(form, err.message);
    else form.querySelector('.form-error').textContent = 'Your session expired: log in again, then create again.';
  }
}

function createPage() {
  if (!createForm) createForm = buildCreateForm();
  page('Create a container', createForm);
}

async function containerPage(ref) {
  page('Container', h('p', { className: 'muted' }, 'Loading…'));
  let c;
  try {
    c = await api.get(`/v1/containers/${encodeURIComponent(ref)}`);
  } catch (err) {
    page('Container', errorBox(err));
    return;
  }
  const uuid = c.uuid;
  const props = h('dl', { className: 'props' });
  const title = h('span');
  const message = h('p', { className: 'error', role: 'alert' });
  const renderProps = () => {
    const cur = state.containers.get(uuid) || c;
    title.textContent = cur.name;
    clear(props);
    const shown = ['uuid', 'status', 'status_reason', 'task_state', 'image', 'command', 'cpu', 'memory', 'labels',
      'restart_policy', 'interactive', 'host', 'addresses', 'created_at'];
    for (const k of shown) {
      if (!(k in cur)) continue;
      const val = cur[k];
      props.append(h('dt', {}, k), h('dd', { dataset: { prop: k } },
        k === 'status' ? statusBadge(val) : (val !== null && typeof val === 'object' ? JSON.stringify(val) : String(val ?? ''))));
    }
  };
  const act = (label, method, path, confirmText) => h('button', { type: 'button', dataset: { action: label },
    onclick: async () => {
      if (confirmText && !window.confirm(confirmText)) return;
      message.textContent = '';
      try {
        await api.call(method, `/v1/containers/${uuid}${path}`);
        if (label === 'delete') location.hash = '#/containers';
        loadActions();
      } catch (err) { message.textContent = err.message; }
    } }, label);
  const commitRepo = h('input', { placeholder: 'repository for commit', 'aria-label': 'commit repository' });
  const actions = h('div', { className: 'toolbar' },
    act('start', 'POST', '/start'), act('stop', 'POST', '/stop?timeout=1'), act('restart', 'POST', '/reboot?timeout=1'),
    act('pause', 'POST', '/pause'), act('unpause', 'POST', '/unpause'), act('kill', 'POST', '/kill'),
    act('delete', 'DELETE', '?stop=true'),
    commitRepo, h('button', { type: 'button', onclick: async () => {
      try {
        await api.post(`/v1/containers/${uuid}/commit?repository=${encodeURIComponent(commitRepo.value.trim())}`);
        message.textContent = '';
        loadActions();
      } catch (err) { message.textContent = err.message; }
    } }, 'commit'));

  const logs = h('pre', { className: 'logs', id: 'logs' });
  const follow = h('input', { type: 'checkbox', checked: true });
  const loadLogs = async () => {
    try {
      const text = await api.get(`/v1/containers/${uuid}/logs?stdout=true&stderr=true&tail=500`);
      const atEnd = logs.scrollTop + logs.clientHeight >= logs.scrollHeight - 4;
      logs.textContent = text || '';
      if (atEnd) logs.scrollTop = logs.scrollHeight;
    } catch (err) { logs.textContent = err.message; }
  };
  const cpu = []; const mem = [];
  const charts = h('div', { className: 'grid' });
  const loadStats = async () => {
    const cur = state.containers.get(uuid) || c;
    if (cur.status !== 'Running') return;
    try {
      const s = await api.get(`/v1/containers/${uuid}/stats`);
      cpu.push(Number(s['CPU %']) || 0); mem.push(Number(s['MEM USAGE(MiB)']) || 0);
      if (cpu.length > 60) { cpu.shift(); mem.shift(); }
      clear(charts).append(
        h('div', {}, h('div', {}, `CPU ${cpu.at(-1).toFixed(2)} %`), sparkline(cpu, 1)),
        h('div', {}, h('div', {}, `Memory ${mem.at(-1).toFixed(1)} MiB of ${s['MEM LIMIT(MiB)'] ?? '?'}`),
          sparkline(mem, Number(s['MEM LIMIT(MiB)']) || 0)));
    } catch (err) { clear(charts).append(errorBox(err)); }
  };
  const history = h('tbody');
  const loadActions = async () => {
    try {
      const r = await api.get(`/v1/containers/${uuid}/container_actions`);
      clear(history);
      for (const a of r.containerActions || []) {
        history.append(h('tr', {}, h('td', {}, a.action), h('td', {}, a.start_time || ''),
          h('td', {}, a.finish_time || ''), h('td', {}, a.message || ''), h('td', { className: 'muted' }, a.request_id)));
      }
    } catch (err) { clear(history).append(h('tr', {}, h('td', { colspan: '5' }, err.message))); }
  };
  const termStatus = h('span', { className: 'muted', id: 'terminal-status' }, 'not connected');
  const term = new Terminal((s) => { termStatus.textContent = s; });
  const execCommand = h('input', { value: 'sh', 'aria-label': 'exec command' });
  const openExec = async () => {
    try {
      const r = await api.post(`/v1/containers/${uuid}/execute?command=${encodeURIComponent(execCommand.value)}&run=false&interactive=true`);
      term.connect(r.proxy_url, () => {
        const { cols, rows } = term.size;
        api.post(`/v1/containers/${uuid}/execute_resize?exec_id=${encodeURIComponent(r.exec_id)}&w=${cols}&h=${rows}`)
          .catch(() => {}); // a terminal of the default size still works
      });
    } catch (err) { termStatus.textContent = err.message; }
  };
  const openAttach = async () => {
    try {
      term.connect(await api.get(`/v1/containers/${uuid}/attach`), () => {
        const { cols, rows } = term.size;
        api.post(`/v1/containers/${uuid}/resize?w=${cols}&h=${rows}`).catch(() => {});
      });
    } catch (err) { termStatus.textContent = err.message; }
  };
  page('', h('h1', {}, 'Container ', title), message, actions,
    h('div', { className: 'grid' }, h('div', { className: 'card' }, props),
      h('div', { className: 'card' }, h('h2', {}, 'Stats'), charts)),
    h('div', { className: 'card' }, h('h2', {}, 'Logs'), h('label', { className: 'inline' }, follow, 'follow'), logs),
    h('div', { className: 'card' }, h('h2', {}, 'Terminal'), h('div', { className: 'toolbar' }, execCommand,
      h('button', { type: 'button', id: 'exec', onclick: openExec }, 'Exec'),
      h('button', { type: 'button', id: 'attach', onclick: openAttach }, 'Attach'), termStatus), term.el),
    h('div', { className: 'card' }, h('h2', {}, 'Action history'), h('table', {}, h('thead', {}, h('tr', {},
      ['Action', 'Started', 'Finished', 'Message', 'Request'].map((t) => h('th', {}, t)))), history)));
  listeners.add((changedUuid) => {
    if (changedUuid === uuid) { renderProps(); loadActions(); }
  });
  const timers = [setInterval(() => { if (follow.checked) loadLogs(); }, 2000), setInterval(loadStats, 3000)];
  term.mount();
  onLeave(() => { timers.forEach(clearInterval); term.dispose(); });
  renderProps(); loadLogs(); loadStats(); loadActions();
}

function route() {
  if (!api.token()) { showLogin(); return; }
  renderHeader();
  const [, name, arg] = location.hash.split('/');
  switch (name) {
    case 'create': createPage(); break;
    case 'container': containerPage(decodeURIComponent(arg || '')); break;
    case 'capsules': pages.capsulesPage(); break;
    case 'capsule': pages.capsulePage(decodeURIComponent(arg || '')); break;
    case 'images': pages.imagesPage(); break;
    case 'volumes': pages.volumesPage(); break;
    case 'networks': pages.networksPage(); break;
    case 'quotas': pages.quotasPage(); break;
    case 'hosts': pages.hostsPage(); break;
    case 'services': pages.servicesPage(); break;
    case 'projects': pages.projectsPage(); break;
    default: containersPage();
  }
}

document.getElementById('login-form').addEventListener('submit', submitLogin);
document.getElementById('logout').addEventListener('click', logout);
api.onExpired(() => showLogin('Your session has expired; log in again. Nothing on this page is lost.'));
window.addEventListener('hashchange', route);
window.addEventListener('zunvx:all-projects', () => {
  sessionStorage.setItem('zunvx.allProjects', 'true');
  location.hash = '#/containers';
  startSession();
});
if (api.token()) startSession(); else { renderHeader(); showLogin(); }
