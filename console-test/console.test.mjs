// The console in a real browser: Playwright (playwright-core) driving Debian's Chromium against a running all-in-one.
// Usage: ZUNVX_URL=http://127.0.0.1:9517 ZUNVX_ADMIN_PASSWORD=... node console.test.mjs [screenshot dir]
// Exits non-zero on the first failed step; prints each step. With ZUNVX_RESTART=stdin (ConsoleBrowserIT) it prints
// RESTART-API when the platform should restart, and waits for a line "restarted" on its standard input; the platform
// then issues short-lived tokens, so the script also watches one expire. Without it those two steps are skipped.

import { chromium } from 'playwright-core';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { execFileSync } from 'node:child_process';

const BASE = process.env.ZUNVX_URL || 'http://127.0.0.1:9517';
const ADMIN_PASSWORD = process.env.ZUNVX_ADMIN_PASSWORD;
const SHOTS = process.argv[2] || new URL('../docs/console/', import.meta.url).pathname;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const WAIT = 120_000;
const suffix = Math.random().toString(36).slice(2, 8);
const XSS = '<img src=x onerror=alert(1)>';

if (!ADMIN_PASSWORD) throw new Error('ZUNVX_ADMIN_PASSWORD is not set');
mkdirSync(SHOTS, { recursive: true });

function step(text) { console.log(`- ${text}`); }
const CAN_RESTART = process.env.ZUNVX_RESTART === 'stdin';
const input = CAN_RESTART ? createInterface({ input: process.stdin }) : null;
const lines = [];
const waiters = [];
if (input) input.on('line', (l) => (waiters.length ? waiters.shift()(l) : lines.push(l)));
const nextLine = () => (lines.length ? Promise.resolve(lines.shift()) : new Promise((r) => waiters.push(r)));
function check(ok, text) { if (!ok) throw new Error(`failed: ${text}`); }

async function rest(method, path, token, body) {
  const headers = { 'OpenStack-API-Version': 'container 1.40' };
  if (token) headers['X-Auth-Token'] = token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch(BASE + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, headers: r.headers, json: text ? (() => { try { return JSON.parse(text); } catch { return text; } })() : null };
}

async function passwordToken(user, password, project) {
  const r = await rest('POST', '/identity/v3/auth/tokens', null, { auth: {
    identity: { methods: ['password'], password: { user: { name: user, domain: { name: 'Default' }, password } } },
    scope: { project: { name: project, domain: { name: 'Default' } } } } });
  check(r.status === 201, `password login of ${user}: ${r.status} ${JSON.stringify(r.json)}`);
  return r.headers.get('X-Subject-Token');
}

async function login(page, user, password, project) {
  await page.goto(`${BASE}/ui/`);
  await page.fill('#login-form input[name=user]', user);
  await page.fill('#login-form input[name=password]', password);
  await page.fill('#login-form input[name=project]', project);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#login', { state: 'hidden' });
  await page.waitForSelector('#containers');
  await page.waitForFunction(() => document.getElementById('live').textContent === 'live');
}

const adminToken = await passwordToken('admin', ADMIN_PASSWORD, 'admin');
// A second tenant: project, user and member role, through the identity API.
const project = await rest('POST', '/identity/v3/projects', adminToken,
  { project: { name: `demo-${suffix}`, domain_id: 'default' } });
check(project.status === 201, `project create ${project.status} ${JSON.stringify(project.json)}`);
const user = await rest('POST', '/identity/v3/users', adminToken, { user: { name: `alice-${suffix}`,
  password: 'alice-secret', domain_id: 'default', default_project_id: project.json.project.id } });
check(user.status === 201, `user create ${user.status} ${JSON.stringify(user.json)}`);
const roles = await rest('GET', '/identity/v3/roles?name=member', adminToken);
const member = roles.json.roles.find((r) => r.name === 'member');
const grant = await rest('PUT', `/identity/v3/projects/${project.json.project.id}/users/${user.json.user.id}/roles/${member.id}`, adminToken);
check(grant.status === 204, `role grant ${grant.status}`);

const browser = await chromium.launch({
  executablePath: CHROMIUM, headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const created = [];
let adminProject = null;
const volumePath = (id) => `/volume/v3/${adminProject}/volumes${id ? '/' + id : ''}`;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  const dialogs = [];
  page.on('dialog', async (d) => { dialogs.push(`${d.type()}: ${d.message()}`); await d.accept(); });
  const violations = [];
  page.on('console', (m) => { if (/Content Security Policy|Refused to/.test(m.text())) violations.push(m.text()); });
  let loads = 0;
  page.on('load', () => { loads += 1; });
  const urls = []; // every URL the console asked for, WebSockets included: none may carry the session token
  page.on('request', (r) => urls.push(r.url()));
  page.on('websocket', (w) => urls.push(w.url()));

  step('log in with a password');
  await page.goto(`${BASE}/ui/`);
  await page.waitForSelector('#login-form');
  await page.screenshot({ path: join(SHOTS, 'login.png') });
  await login(page, 'admin', ADMIN_PASSWORD, 'admin');
  check(!page.url().includes('token') && !(await page.content()).includes(adminToken.slice(0, 20)),
    'the token is in the URL or the page');

  step('the create form shows the API validation error at its field');
  await page.click('a[href="#/create"]');
  const name = `web-${suffix}`;
  await page.fill('#create-form input[name=name]', name);
  await page.fill('#create-form input[name=command]', 'sh -c "echo hello-console; sleep 600"');
  await page.fill('#create-form input[name=memory]', 'lots');
  await page.fill('#create-form textarea[name=labels]', `note=${XSS}`);
  await page.click('#create-form button[type=submit]');
  await page.waitForFunction(() => document.querySelector('[data-field=memory] .field-error').textContent.length > 0);
  await page.screenshot({ path: join(SHOTS, 'create-validation.png') });

  step('create a container and watch it reach Running without a reload');
  await page.fill('#create-form input[name=memory]', '32');
  await page.check('#create-form input[name=interactive]');
  const loadsBefore = loads;
  await page.click('#create-form button[type=submit]');
  await page.waitForURL(/#\/container\//);
  const uuid = page.url().split('/').pop();
  created.push(uuid);
  await page.waitForFunction(() => document.querySelector('[data-prop=status]')?.textContent === 'Running');
  check(loads === loadsBefore, 'the page was reloaded');

  step('read its logs and see its stats charted');
  await page.waitForFunction(() => document.getElementById('logs').textContent.includes('hello-console'));
  await page.waitForSelector('svg.chart');

  step('type a command in the terminal and see its output');
  await page.click('#exec');
  await page.waitForFunction(() => document.getElementById('terminal-status').textContent === 'connected');
  await page.click('#terminal .xterm');
  await page.keyboard.type('echo term-$((6*7))');
  await page.keyboard.press('Enter');
  // xterm.js draws its rows as DOM text: the command's output, not its echo, has the 42
  await page.waitForFunction(() => document.querySelector('#terminal .xterm-rows').textContent.includes('term-42'));
  await page.screenshot({ path: join(SHOTS, 'container.png'), fullPage: true });

  step('the WebSocket proxy refuses a page of another origin');
  if (BASE.includes('127.0.0.1')) {
    const ex = await rest('POST', `/v1/containers/${uuid}/execute?command=sh&run=false&interactive=true`, adminToken);
    check(ex.status === 200, `exec ${ex.status} ${JSON.stringify(ex.json)}`);
    const stranger = await context.newPage();
    await stranger.goto(`${BASE.replace('127.0.0.1', 'localhost')}/ui/`); // the same server, another origin
    const outcome = await stranger.evaluate((url) => new Promise((resolve) => {
      const ws = new WebSocket(url, ['binary']);
      ws.onopen = () => { ws.close(); resolve('open'); };
      ws.onclose = () => resolve('refused');
    }), ex.json.proxy_url);
    check(outcome === 'refused', 'a WebSocket from another origin was accepted');
    await stranger.close();
  }

  step('the list shows it live, with the label rendered as text');
  await page.click('a[href="#/containers"]');
  await page.fill('input[type=search]', name);
  await page.waitForSelector(`tr[data-uuid="${uuid}"] .status.Running`);
  await page.screenshot({ path: join(SHOTS, 'containers.png') });

  step('a name that is markup is shown as text and runs nothing');
  await page.click('a[href="#/create"]');
  await page.fill('#create-form input[name=name]', XSS);
  await page.fill('#create-form textarea[name=labels]', '');
  await page.click('#create-form button[type=submit]');
  await page.waitForFunction((x) => document.querySelector('#create-form').textContent.includes(x), XSS);
  check(await page.locator('img').count() === 0, 'an img element was created from a name');
  await page.goto(`${BASE}/ui/#/container/${uuid}`);
  await page.waitForFunction((x) => document.querySelector('[data-prop=labels]')?.textContent.includes(x), XSS);
  check(await page.locator('img').count() === 0, 'an img element was created from a label');
  check(dialogs.length === 0, `a dialog opened: ${dialogs}`);

  step('stop it, then delete it');
  await page.waitForFunction(() => document.querySelector('[data-prop=status]')?.textContent === 'Running');
  await page.click('[data-action=stop]');
  await page.waitForFunction(() => document.querySelector('[data-prop=status]')?.textContent === 'Stopped');
  await page.click('[data-action=delete]');
  await page.waitForURL(/#\/containers$/);
  await page.waitForFunction((u) => !document.querySelector(`tr[data-uuid="${u}"]`), uuid);
  dialogs.length = 0; // the delete confirmation

  step('a member of another project cannot see the admin\'s container');
  const keep = await rest('POST', '/v1/containers?run=true', adminToken,
    { name: `admin-only-${suffix}`, image: 'busybox', cpu: 0.1, memory: '32', command: ['sleep', '600'] });
  check(keep.status === 202, `admin container ${keep.status}`);
  created.push(keep.json.uuid);
  const other = await browser.newContext({ viewport: { width: 1280, height: 700 } });
  const memberPage = await other.newPage();
  memberPage.setDefaultTimeout(WAIT);
  await login(memberPage, `alice-${suffix}`, 'alice-secret', `demo-${suffix}`);
  check(await memberPage.locator(`tr[data-uuid="${keep.json.uuid}"]`).count() === 0, 'member sees the admin container');
  await memberPage.goto(`${BASE}/ui/#/container/${keep.json.uuid}`);
  await memberPage.waitForSelector('main .error');
  const shown = await memberPage.textContent('main .error');
  check(/could not be found|not found/i.test(shown), `member got: ${shown}`);
  await memberPage.screenshot({ path: join(SHOTS, 'member.png') });

  step('a capsule from YAML, with the status of each of its containers');
  await page.click('a[href="#/capsules"]');
  await page.fill('#capsule-yaml', `kind: capsule
metadata:
  name: pod-${suffix}
spec:
  restartPolicy: Never
  containers:
  - name: main
    image: busybox
    command: ["sleep", "600"]
    resources:
      requests: {cpu: 0.1, memory: 32}
  - name: side
    image: busybox
    command: ["sleep", "600"]
`);
  await page.click('#capsule-create');
  await page.waitForURL(/#\/capsule\//);
  const capsule = page.url().split('/').pop();
  created.push(['capsules', capsule]);
  await page.waitForFunction(() => {
    const cells = [...document.querySelectorAll('main td.status-cell')];
    return cells.length >= 2 && cells.every((c) => c.textContent === 'Running');
  });
  await page.screenshot({ path: join(SHOTS, 'capsule.png') });
  await page.click('[data-action=delete]');
  await page.waitForURL(/#\/capsules$/);
  await page.fill('#capsule-yaml', 'kind: capsule\nmetadata: {name: x}\nspec: [unclosed');
  await page.click('#capsule-create');
  await page.waitForFunction(() => document.getElementById('capsule-error').textContent.startsWith('YAML:'));

  step('images: upload a docker save archive to the image store');
  const archive = join(tmpdir(), `zunvx-console-busybox-${suffix}.tar`);
  execFileSync('docker', ['save', '-o', archive, 'busybox:latest']);
  try {
    await page.click('a[href="#/images"]');
    await page.waitForSelector('#upload-name');
    await page.fill('#upload-name', `store-${suffix}`);
    await page.setInputFiles('#upload-file', archive);
    await page.click('#upload');
    await page.waitForFunction((n) => [...document.querySelectorAll('#store-images tr')]
      .some((r) => r.textContent.includes(n) && r.textContent.includes('active')), `store-${suffix}`);
    const stored = await rest('GET', `/image/v2/images?name=store-${suffix}`, adminToken);
    created.push(['image', stored.json.images[0].id]);
    await page.screenshot({ path: join(SHOTS, 'images.png') });
  } finally {
    rmSync(archive, { force: true });
  }

  step('a volume named as markup shows as text');
  await page.click('a[href="#/volumes"]');
  await page.fill('input[aria-label="volume name"]', XSS);
  await page.click('text=Create volume');
  await page.waitForFunction((x) => [...document.querySelectorAll('main td')].some((td) => td.textContent === x), XSS);
  check(await page.locator('img').count() === 0, 'an img element was created from a volume name');
  adminProject = await page.evaluate(() => JSON.parse(sessionStorage.getItem('zunvx.session')).projectId);
  const volumes = await rest('GET', volumePath(''), adminToken);
  for (const v of volumes.json?.volumes || []) if (v.name === XSS) created.push(['volume', v.id]);

  step('volumes, networks, quotas with usage bars, and the admin pages');
  for (const [href, shot] of [['#/volumes'], ['#/networks'], ['#/quotas', 'quotas.png'], ['#/hosts', 'hosts.png'],
    ['#/services'], ['#/projects']]) {
    await page.click(`a[href="${href}"]`);
    await page.waitForFunction(() => !document.querySelector('main').textContent.includes('Loading'));
    const error = await page.locator('main .error:not(:empty)').count();
    check(error === 0, `${href} shows an error: ${await page.textContent('main')}`);
    if (href === '#/quotas') check(await page.locator('#quotas .bar').count() === 4, 'no usage bars on the quotas page');
    if (shot) await page.screenshot({ path: join(SHOTS, shot) });
  }
  await page.click('a[href="#/projects"]');
  await page.waitForFunction((p) => document.querySelector('main table')?.textContent.includes(p), `demo-${suffix}`);

  if (CAN_RESTART) {
    step('the platform restarts while the console is open: the stream resumes, no reload, no duplicated rows');
    await page.click('a[href="#/containers"]');
    await page.waitForSelector(`tr[data-uuid="${keep.json.uuid}"] .status.Running`);
    const loadsBefore = loads;
    console.log('RESTART-API');
    await page.waitForFunction(() => document.getElementById('live').textContent === 'offline');
    check(await nextLine() === 'restarted', 'the platform did not restart');
    // a change made as soon as the API is back, whether or not the console has reconnected yet
    check((await rest('POST', `/v1/containers/${keep.json.uuid}/stop?timeout=1`, adminToken)).status === 202,
      'stop after the restart');
    await page.waitForFunction(() => document.getElementById('live').textContent === 'live');
    await page.waitForSelector(`tr[data-uuid="${keep.json.uuid}"] .status.Stopped`);
    const uuids = await page.$$eval('tr[data-uuid]', (rows) => rows.map((r) => r.dataset.uuid));
    check(uuids.length > 0 && new Set(uuids).size === uuids.length, `duplicated rows: ${uuids}`);
    check(loads === loadsBefore, 'the page was reloaded');

    step('a token expires: the console says so, and a new login keeps the create form\'s input');
    const fresh = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const short = await fresh.newPage();
    short.setDefaultTimeout(WAIT);
    await login(short, 'admin', ADMIN_PASSWORD, 'admin'); // a token of the restarted platform: short-lived
    await short.click('a[href="#/create"]');
    await short.fill('#create-form input[name=name]', `kept-${suffix}`);
    await short.fill('#create-form input[name=command]', 'sleep 600');
    await short.fill('#create-form textarea[name=environment]', 'KEPT=yes');
    await short.waitForSelector('#login', { state: 'visible' });
    check(/expired/.test(await short.textContent('#login-message')), 'the console did not say the token expired');
    await short.screenshot({ path: join(SHOTS, 'expired.png') });
    await short.fill('#login-form input[name=password]', ADMIN_PASSWORD);
    await short.click('#login-form button[type=submit]');
    await short.waitForSelector('#login', { state: 'hidden' });
    check(await short.inputValue('#create-form input[name=name]') === `kept-${suffix}`, 'the name was lost');
    check(await short.inputValue('#create-form textarea[name=environment]') === 'KEPT=yes', 'the environment was lost');
    await short.click('#create-form button[type=submit]');
    await short.waitForURL(/#\/container\//);
    created.push(short.url().split('/').pop());
    await fresh.close();
  } else {
    step('(restart and token expiry skipped: ZUNVX_RESTART is not stdin)');
  }

  step('log out: the token is revoked, not only forgotten');
  const old = await page.evaluate(() => sessionStorage.getItem('zunvx.token'));
  check((await rest('GET', '/v1/containers', old)).status === 200, 'the token works before logout');
  await page.click('#logout');
  await page.waitForSelector('#login', { state: 'visible' });
  check(await page.evaluate(() => sessionStorage.getItem('zunvx.token')) === null, 'token kept after logout');
  check(/revoked/.test(await page.textContent('main .notice')), 'logout did not say the token is revoked');
  // revocation reaches every check within the account-check window (as a disabled user does)
  let after = 0;
  for (const until = Date.now() + WAIT; Date.now() < until;) {
    after = (await rest('GET', '/v1/containers', old)).status;
    if (after === 401) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  check(after === 401, `the logged-out token still answers ${after}`);
  check(violations.length === 0, `CSP violations: ${violations}`);
  check(!urls.some((u) => u.includes(old)), 'the session token was in a URL');
  console.log('console test passed');
} finally {
  await browser.close();
  if (input) input.close();
  for (const u of created) {
    if (typeof u === 'string') await rest('DELETE', `/v1/containers/${u}?stop=true`, adminToken).catch(() => {});
    else if (u[0] === 'capsules') await rest('DELETE', `/v1/capsules/${u[1]}`, adminToken).catch(() => {});
    else if (u[0] === 'volume') await rest('DELETE', volumePath(u[1]), adminToken).catch(() => {});
    else await rest('DELETE', `/image/v2/images/${u[1]}`, adminToken).catch(() => {});
  }
}
