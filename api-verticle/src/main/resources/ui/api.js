// The API client: the token lives in sessionStorage (never in a URL) and goes in X-Auth-Token.

const TOKEN = 'zunvx.token';
const SESSION = 'zunvx.session';
const VERSION = 'container 1.40';

export class ApiError extends Error {
  constructor(status, detail, body) {
    super(detail || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

const listeners = { expired: [] };

export function onExpired(fn) { listeners.expired.push(fn); }

export function session() {
  const raw = sessionStorage.getItem(SESSION);
  return raw ? JSON.parse(raw) : null;
}

export function token() { return sessionStorage.getItem(TOKEN); }

export async function login(user, password, project, domain) {
  const body = {
    auth: {
      identity: { methods: ['password'], password: { user: { name: user, domain: { name: domain }, password } } },
      scope: { project: { name: project, domain: { name: domain } } },
    },
  };
  const r = await fetch('/identity/v3/auth/tokens', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  const text = await r.text();
  if (!r.ok) {
    let message = `login failed (${r.status})`;
    try { message = JSON.parse(text).error.message || message; } catch (e) { /* not JSON */ }
    throw new ApiError(r.status, message);
  }
  const t = JSON.parse(text).token;
  const roles = (t.roles || []).map((x) => x.name);
  sessionStorage.setItem(TOKEN, r.headers.get('X-Subject-Token'));
  sessionStorage.setItem(SESSION, JSON.stringify({
    user: t.user.name, userId: t.user.id, project: t.project.name, projectId: t.project.id, roles,
    admin: roles.includes('admin'), expiresAt: t.expires_at,
  }));
  return session();
}

/**
 * Revokes the token (Keystone's DELETE /v3/auth/tokens with the token as its own subject) and forgets it. The page
 * forgets it even when the revocation fails (an expired token, the API unreachable); the answer says which.
 */
export async function logout() {
  const t = token();
  sessionStorage.removeItem(TOKEN);
  sessionStorage.removeItem(SESSION);
  if (!t) return true;
  try {
    const r = await fetch('/identity/v3/auth/tokens', {
      method: 'DELETE', headers: { 'X-Auth-Token': t, 'X-Subject-Token': t },
    });
    return r.status === 204 || r.status === 401 || r.status === 404;
  } catch (e) {
    return false;
  }
}

function zunDetail(status, text) {
  try {
    const j = JSON.parse(text);
    if (j.errors && j.errors.length) return j.errors.map((e) => e.detail || e.title).join(' ');
    if (j.error) return j.error.message;
    if (j.message) return j.message;
    // Neutron's {"NeutronError": {"message"}} and Cinder's {"itemNotFound": {"message"}}
    const inner = Object.values(j).find((v) => v && typeof v === 'object' && typeof v.message === 'string');
    if (inner) return inner.message;
  } catch (e) { /* not JSON */ }
  return text || `HTTP ${status}`;
}

/** A request with the session's token; body is sent as it is (a string, a Blob or a File) with the given type. */
export async function raw(method, path, body, contentType) {
  const headers = { 'X-Auth-Token': token() || '', 'OpenStack-API-Version': VERSION };
  if (body !== undefined) headers['Content-Type'] = contentType;
  const r = await fetch(path, { method, headers, body });
  const text = await r.text();
  if (r.status === 401) {
    listeners.expired.forEach((fn) => fn());
    throw new ApiError(401, 'Your session has expired; log in again.');
  }
  if (!r.ok) throw new ApiError(r.status, zunDetail(r.status, text), text);
  const type = r.headers.get('Content-Type') || '';
  if (!text) return null;
  return type.includes('json') ? JSON.parse(text) : text;
}

export async function call(method, path, body) {
  return raw(method, path, body === undefined ? undefined : JSON.stringify(body), 'application/json');
}

export const get = (p) => call('GET', p);
export const post = (p, b) => call('POST', p, b);
export const put = (p, b) => call('PUT', p, b);
export const del = (p) => call('DELETE', p);
