// Shared helpers of the front end: the API, formatting, DOM building.

/** GET (or POST a JSON body to) the server's API; throws with the server's message on an error. */
export async function api(path, body) {
  const init = body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  const res = await fetch(`/api/${path}`, init);
  const data = await res.json();
  if (!res.ok) throw new Error(data.error || `HTTP ${res.status}`);
  return data;
}

export const fmtCount = (n) => Math.round(n).toLocaleString('en-US');

export function fmtBytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

export function fmtNs(ns) {
  if (ns < 1e3) return `${ns}ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(1)}µs`;
  if (ns < 1e9) return `${(ns / 1e6).toFixed(2)}ms`;
  return `${(ns / 1e9).toFixed(2)}s`;
}

/** ns (decimal string or bigint) → ISO-8601 with 9 fraction digits. */
export function isoOf(ns) {
  const b = BigInt(ns);
  const ms = b / 1000000n;
  const frac = (b % 1000000000n).toString().padStart(9, '0');
  return new Date(Number(ms)).toISOString().replace(/\.\d{3}Z$/, `.${frac}Z`);
}

/** h('div', {class: 'x', 'data-field': 'y'}, child, 'text', …) */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'onclick' || k === 'onchange' || k === 'oninput') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

/** A two-column table of [label, value, field?] rows; `field` becomes data-field on the value cell. */
export function kv(rows) {
  return h('table', { class: 'kv' }, rows.map(([k, v, field]) => h('tr', {}, h('td', {}, k), h('td', { 'data-field': field }, v))));
}

/** A table of counts: [[name, n], …], numbers right-aligned; data-count="<name>" on each count. */
export function counts(title, rows, testid) {
  return h('div', { class: 'panel', 'data-testid': testid },
    h('h3', {}, title),
    rows.length === 0 ? h('p', { class: 'muted' }, 'none') :
      h('table', {}, rows.map(([k, n]) => h('tr', {}, h('td', {}, k), h('td', { class: 'num', 'data-count': k }, fmtCount(n))))));
}

/**
 * A timer of a view: cleared when the view changes, and by itself once `owner` is not in the page
 * (a view that finished loading after the user had moved on never polls).
 */
const timers = new Set();
export function every(ms, fn, owner) {
  const t = setInterval(() => {
    if (!owner.isConnected) {
      clearInterval(t);
      timers.delete(t);
      return;
    }
    fn();
  }, ms);
  timers.add(t);
  return t;
}
export function clearTimers() {
  for (const t of timers) clearInterval(t);
  timers.clear();
}
