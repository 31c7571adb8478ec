// The pages other than containers: capsules (create from YAML), images (pull, upload to the image store), volumes,
// networks, quotas with usage bars, and for admins hosts, services and projects.

import * as api from './api.js';
import { load as loadYaml } from './vendor/js-yaml.js';
import { h, clear, statusBadge } from './dom.js';
import { listeners, page, errorBox, table, bar, tablePage } from './layout.js';

const size = (bytes) => (bytes == null ? '' : bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MiB`
  : `${Math.ceil(bytes / 1024)} KiB`);

/** A toolbar button that runs fn, shows its error in msg, and runs done afterwards. */
function action(label, fn, msg, done, attrs) {
  return h('button', { type: 'button', ...(attrs || {}), onclick: async () => {
    msg.textContent = '';
    try { await fn(); if (done) done(); } catch (err) { msg.textContent = err.message; }
  } }, label);
}

// ---- capsules -------------------------------------------------------------------------------------------------

const CAPSULE_EXAMPLE = `kind: capsule
metadata:
  name: demo
spec:
  restartPolicy: Never
  containers:
  - image: busybox
    command: ["sleep", "3600"]
    resources:
      requests: {cpu: 0.1, memory: 32}
`;

// The YAML text survives a session renewal and moving between pages, as the container form does.
let capsuleYaml = null;

function capsuleStatusList(cap) {
  const all = [...(cap.init_containers || []).map((c) => ({ ...c, init: true })), ...(cap.containers || [])];
  return h('ul', { className: 'plain' }, all.map((c) => h('li', {}, statusBadge(c.status), ' ', c.name || c.uuid,
    c.init ? h('span', { className: 'muted' }, ' (init)') : null)));
}

export async function capsulesPage() {
  if (!capsuleYaml) capsuleYaml = h('textarea', { id: 'capsule-yaml', rows: '12', spellcheck: 'false',
    'aria-label': 'capsule template (YAML)' }, CAPSULE_EXAMPLE);
  const msg = h('p', { className: 'error', role: 'alert', id: 'capsule-error' });
  const create = async () => {
    let template;
    try { template = loadYaml(capsuleYaml.value); } catch (err) { throw new Error(`YAML: ${err.message}`); }
    if (!template || typeof template !== 'object') throw new Error('The template is not a YAML mapping.');
    const cap = await api.post('/v1/capsules', { template });
    capsuleYaml = null;
    location.hash = `#/capsule/${cap.uuid}`;
  };
  const form = h('div', { className: 'card' }, h('h2', {}, 'Create from a template'), capsuleYaml, msg,
    h('div', { className: 'toolbar' }, action('Create capsule', create, msg, null, { id: 'capsule-create',
      className: 'primary' })));
  const list = h('div', {}, h('p', { className: 'muted' }, 'Loading…'));
  const render = async () => {
    try {
      const caps = (await api.get('/v1/capsules')).capsules;
      clear(list).append(caps.length ? table(['Name', 'Status', 'Containers', 'CPU', 'Memory', 'UUID'],
        caps.map((c) => h('tr', { dataset: { uuid: c.uuid } },
          h('td', {}, h('a', { href: `#/capsule/${c.uuid}` }, c.name || c.meta_name || '(no name)')),
          h('td', {}, statusBadge(c.status)), h('td', {}, capsuleStatusList(c)), h('td', {}, String(c.cpu ?? '')),
          h('td', {}, String(c.memory ?? '')), h('td', { className: 'muted' }, c.uuid))), { id: 'capsules' })
        : h('p', { className: 'muted empty' }, 'No capsules.'));
    } catch (err) { clear(list).append(errorBox(err)); }
  };
  page('Capsules', list, form);
  listeners.add(render); // any event: capsule statuses come as capsule events
  render();
}

export async function capsulePage(ref) {
  const body = h('div', {}, h('p', { className: 'muted' }, 'Loading…'));
  const msg = h('p', { className: 'error', role: 'alert' });
  page('Capsule', msg, body);
  let uuid = ref;
  const render = async () => {
    try {
      const c = await api.get(`/v1/capsules/${encodeURIComponent(uuid)}`);
      uuid = c.uuid;
      const all = [...(c.init_containers || []).map((x) => ({ ...x, role: 'init' })),
        ...(c.containers || []).map((x) => ({ ...x, role: 'container' }))];
      clear(body).append(
        h('div', { className: 'toolbar' }, h('strong', {}, c.name || c.meta_name || c.uuid), statusBadge(c.status),
          action('delete', async () => {
            await api.del(`/v1/capsules/${encodeURIComponent(uuid)}`);
            location.hash = '#/capsules';
          }, msg, null, { dataset: { action: 'delete' } })),
        h('p', { className: 'muted' }, c.status_reason || ''),
        table(['Container', 'Role', 'Status', 'Reason', 'Image', 'UUID'], all.map((x) => h('tr', {
          dataset: { uuid: x.uuid } }, h('td', {}, x.name || ''), h('td', {}, x.role),
        h('td', { className: 'status-cell' }, statusBadge(x.status)), h('td', {}, x.status_reason || ''),
        h('td', {}, x.image || ''), h('td', { className: 'muted' }, x.uuid)))));
    } catch (err) { clear(body).append(errorBox(err)); }
  };
  listeners.add(render);
  render();
}

// ---- images ---------------------------------------------------------------------------------------------------

export function imagesPage() {
  const msg = h('span', { className: 'error', role: 'alert' });
  const repo = h('input', { placeholder: 'image to pull, e.g. busybox:latest', 'aria-label': 'image' });
  const host = h('input', { placeholder: 'host (admins)', 'aria-label': 'host' });
  const pull = h('div', { className: 'toolbar' }, repo, host, action('Pull', async () => {
    const body = { repo: repo.value.trim() };
    if (host.value.trim()) body.host = host.value.trim();
    await api.post('/v1/images', body);
  }, msg, imagesPage));
  // Upload to the image store (Glance v2): create the record, then stream the file into it.
  const file = h('input', { type: 'file', 'aria-label': 'image file (docker save archive)', id: 'upload-file' });
  const name = h('input', { placeholder: 'name in the image store', 'aria-label': 'store image name', id: 'upload-name' });
  const upload = h('div', { className: 'toolbar' }, name, file, action('Upload', async () => {
    const f = file.files[0];
    if (!f) throw new Error('Choose a docker save archive to upload.');
    const img = await api.call('POST', '/image/v2/images', { name: name.value.trim() || f.name,
      container_format: 'docker', disk_format: 'raw' });
    try {
      await api.raw('PUT', `/image/v2/images/${img.id}/file`, f, 'application/octet-stream');
    } catch (err) {
      await api.del(`/image/v2/images/${img.id}`).catch(() => {});
      throw err;
    }
  }, msg, imagesPage, { id: 'upload' }));
  const onHosts = h('div', {}, h('p', { className: 'muted' }, 'Loading…'));
  const content = h('div');
  page('Images', h('div', { className: 'card' }, h('h2', {}, 'On the hosts'), pull, msg, onHosts), content);
  (async () => {
    try {
      const [hostImages, store] = await Promise.all([api.get('/v1/images'),
        api.get('/image/v2/images?limit=1000').catch((err) => ({ error: err }))]);
      clear(onHosts).append(table(['Repository', 'Tag', 'Host', 'Size', 'UUID'], hostImages.images.map((i) => [i.repo,
        i.tag || '', i.host || '', size(i.size), i.uuid]), { id: 'host-images' }));
      clear(content).append(
        h('div', { className: 'card' }, h('h2', {}, 'Image store'), upload,
          store.error ? errorBox(store.error) : table(['Name', 'Status', 'Visibility', 'Size', 'ID'],
            store.images.map((i) => [i.name || '', i.status, i.visibility, size(i.size), i.id]), { id: 'store-images' })));
    } catch (err) { clear(onHosts).append(errorBox(err)); }
  })();
}

// ---- volumes and networks -------------------------------------------------------------------------------------

export function volumesPage() {
  const s = api.session();
  const base = `/volume/v3/${s.projectId}/volumes`;
  const msg = h('span', { className: 'error', role: 'alert' });
  const name = h('input', { placeholder: 'name', 'aria-label': 'volume name' });
  const gib = h('input', { placeholder: 'size (GiB)', value: '1', 'aria-label': 'volume size', size: '6' });
  const create = h('div', { className: 'toolbar' }, name, gib, action('Create volume', () => api.post(base,
    { volume: { name: name.value.trim() || undefined, size: Number(gib.value) || gib.value } }), msg, volumesPage), msg);
  tablePage('Volumes', async () => (await api.get(`${base}/detail`)).volumes,
    ['Name', 'Size (GiB)', 'Status', 'Attached to', 'ID', ''],
    (v) => [v.name || '', String(v.size), v.status, (v.attachments || []).map((a) => a.server_id).join(', '), v.id,
      action('delete', () => api.del(`${base}/${v.id}`), msg, volumesPage)], create);
}

export function networksPage() {
  const msg = h('span', { className: 'error', role: 'alert' });
  const name = h('input', { placeholder: 'network name', 'aria-label': 'network name' });
  const cidr = h('input', { placeholder: 'subnet, e.g. 10.20.0.0/24', 'aria-label': 'subnet cidr' });
  const create = h('div', { className: 'toolbar' }, name, cidr, action('Create network', async () => {
    const net = (await api.post('/network/v2.0/networks', { network: { name: name.value.trim() } })).network;
    if (cidr.value.trim()) {
      await api.post('/network/v2.0/subnets', { subnet: { network_id: net.id, ip_version: 4, cidr: cidr.value.trim() } });
    }
  }, msg, networksPage), msg);
  tablePage('Networks', async () => {
    const [nets, subnets] = await Promise.all([api.get('/network/v2.0/networks'), api.get('/network/v2.0/subnets')]);
    const cidrs = new Map();
    for (const sn of subnets.subnets) cidrs.set(sn.network_id, [...(cidrs.get(sn.network_id) || []), sn.cidr]);
    return nets.networks.map((n) => ({ ...n, cidrs: cidrs.get(n.id) || [] }));
  }, ['Name', 'Subnets', 'Status', 'Shared', 'ID', ''],
  (n) => [n.name || '', n.cidrs.join(', '), n.status || '', String(Boolean(n.shared)), n.id,
    action('delete', () => api.del(`/network/v2.0/networks/${n.id}`), msg, networksPage)], create);
}

// ---- quotas ---------------------------------------------------------------------------------------------------

export async function quotasPage() {
  const s = api.session();
  page('Quotas', h('p', { className: 'muted' }, 'Loading…'));
  try {
    const q = await api.get(`/v1/quotas/${encodeURIComponent(s.projectId)}?usages=true`);
    const rows = Object.entries(q).filter(([, v]) => v !== null && typeof v === 'object').map(([k, v]) => {
      const used = v.in_use ?? 0;
      return h('tr', { dataset: { quota: k } }, h('td', {}, k), h('td', {}, String(Math.round(used * 100) / 100)),
        h('td', {}, v.limit < 0 ? 'unlimited' : String(v.limit)), h('td', {}, bar(used, v.limit)));
    });
    page('Quotas', table(['Resource', 'In use', 'Limit', ''], rows, { id: 'quotas' }));
  } catch (err) { page('Quotas', errorBox(err)); }
}

// ---- admin ----------------------------------------------------------------------------------------------------

export function hostsPage() {
  const used = (u, t, unit) => h('div', {}, `${u ?? '?'} of ${t ?? '?'}${unit}`, bar(Number(u) || 0, Number(t) || 0));
  tablePage('Hosts', async () => (await api.get('/v1/hosts')).hosts,
    ['Host', 'CPUs claimed', 'Memory claimed', 'Disk claimed', 'Containers', 'OS'],
    (x) => [x.hostname, used(x.cpu_used, x.cpus, ' vCPUs'), used(x.mem_used, x.mem_total, ' MiB'),
      used(x.disk_used, x.disk_total, ' GB'), String(x.total_containers ?? ''),
      [x.os, x.kernel_version].filter(Boolean).join(' ')]);
}

export function servicesPage() {
  const msg = h('p', { className: 'error', role: 'alert' });
  const toggle = (svc) => action(svc.disabled ? 'enable' : 'disable', () => api.put(
    `/v1/services/${svc.disabled ? 'enable' : 'disable'}`, { host: svc.host, binary: svc.binary }), msg, servicesPage);
  tablePage('Services', async () => (await api.get('/v1/services')).services,
    ['Host', 'Binary', 'State', 'Disabled', 'Reason', ''],
    (x) => [x.host, x.binary, x.state, String(x.disabled), x.disabled_reason || '', toggle(x)], msg);
}

export function projectsPage() {
  const all = () => window.dispatchEvent(new CustomEvent('zunvx:all-projects'));
  tablePage('Projects', async () => (await api.get('/identity/v3/projects')).projects,
    ['Name', 'Enabled', 'Description', 'ID'],
    (p) => [p.name, String(p.enabled), p.description || '', p.id],
    h('div', { className: 'toolbar' }, h('button', { type: 'button', onclick: all }, 'Containers of all projects')));
}
