// The page frame shared by every page: the main element, the current page's event listeners and clean-up, tables.

import { h, clear, append } from './dom.js';

export const main = document.getElementById('main');
/** Re-render callbacks of the current page, called with the uuid of a changed container (or nothing). */
export const listeners = new Set();
let cleanups = [];

/** Runs fn when the user leaves the current page. */
export function onLeave(fn) { cleanups.push(fn); }

/** Replaces the page: the previous page's timers and connections end, its listeners are dropped. */
export function page(title, ...content) {
  cleanups.forEach((fn) => fn());
  cleanups = [];
  listeners.clear();
  append(clear(main), [title ? h('h1', {}, title) : null, ...content]);
}

export function errorBox(err) {
  return h('p', { className: 'error', role: 'alert' }, err.message || String(err));
}

/** A table of rows (each a tr, or an array of cells); no rows: one saying "None.". */
export function table(columns, rows, attrs) {
  const body = rows.length ? rows.map((cells) => (cells instanceof Node ? cells
    : h('tr', {}, cells.map((cell) => h('td', {}, cell)))))
    : h('tr', {}, h('td', { colspan: String(columns.length), className: 'muted empty' }, 'None.'));
  return h('table', attrs || {}, h('thead', {}, h('tr', {}, columns.map((t) => h('th', {}, t)))),
    h('tbody', {}, body));
}

/** A usage bar: used of limit (a negative or missing limit draws an empty bar). */
export function bar(used, limit) {
  const pct = limit > 0 ? Math.min(100, (used / limit) * 100) : 0;
  const el = h('div', { className: pct >= 90 ? 'bar full' : 'bar', title: `${used} of ${limit < 0 ? 'unlimited' : limit}` },
    h('span'));
  el.firstChild.style.width = `${pct}%`; // CSSOM, not a style attribute: allowed by the policy
  return el;
}

/** A page of one table loaded by load(); extra (a toolbar) goes above it; reload() loads it again in place. */
export async function tablePage(title, load, columns, row, extra) {
  page(title, extra || null, h('p', { className: 'muted' }, 'Loading…'));
  try {
    const items = await load();
    page(title, extra || null, table(columns, items.map(row)));
  } catch (err) {
    page(title, extra || null, errorBox(err));
  }
}
