// The replay deck: the server's Replayer under the browser's controls (play, pause, step, speed,
// a scrubber that seeks), a price chart with event markers and the cursor, the quotes and the
// event log around the cursor, and the order book at the cursor when the recording has depth.
import { timeChart } from '../chart.js';
import { api, every, fmtCount, h } from '../lib.js';

const SPEEDS = ['0.25', '1', '10', '100', '1000', '10000', 'max'];
const SCRUB_MAX = 10000;

/** An event's own fields (the line already shows seq, ts and type). */
function fields(json) {
  const { type, ts, seq, ...rest } = JSON.parse(json);
  void type; void ts; void seq;
  return JSON.stringify(rest);
}

export async function deckView({ id }) {
  let st = await api(`recordings/${id}/deck`);
  const first = BigInt(st.firstTs);
  const last = BigInt(st.lastTs);
  const span = last > first ? last - first : 1n;
  let chartData = await api(`recordings/${id}/chart?width=1200`);
  // Symbols with ticks (charted) and with depth (a ladder): a book-only recording shows its books.
  const allSymbols = [...new Set([...chartData.symbols, ...chartData.bookSymbols])];
  let symbol = chartData.symbol ?? allSymbols[0] ?? null;

  const control = async (body) => {
    st = await api(`recordings/${id}/deck?symbol=${encodeURIComponent(symbol ?? '')}`, body);
    show();
  };
  const playBtn = h('button', { 'data-testid': 'deck-play', onclick: () => control({ action: st.state === 'playing' ? 'pause' : 'play' }) }, 'Play');
  const stepBtn = h('button', { 'data-testid': 'deck-step', onclick: () => control({ action: 'step', count: 1 }) }, 'Step');
  const speedSel = h('select', { 'data-testid': 'deck-speed', onchange: () => control({ action: 'speed', speed: speedSel.value === 'max' ? 'max' : Number(speedSel.value) }) },
    SPEEDS.map((s) => h('option', { value: s, selected: String(st.speed) === s }, s === 'max' ? 'max' : `${s}x`)));
  const scrub = h('input', { type: 'range', min: 0, max: SCRUB_MAX, value: 0, 'data-testid': 'deck-scrubber' });
  let seeking = false;
  let pendingSeek = null;
  const seekTo = async (v) => {
    const ts = first + (span * BigInt(v)) / BigInt(SCRUB_MAX);
    if (seeking) { pendingSeek = v; return; }
    seeking = true;
    try { await control({ action: 'seek', ts: ts.toString() }); } finally { seeking = false; }
    if (pendingSeek !== null) { const p = pendingSeek; pendingSeek = null; await seekTo(p); }
  };
  scrub.addEventListener('input', () => void seekTo(Number(scrub.value)));
  const cursor = h('span', { class: 'cursor', 'data-testid': 'deck-cursor' });
  const stateEl = h('span', { class: 'muted', 'data-testid': 'deck-state' });
  const quotes = h('div', { 'data-testid': 'deck-quotes' });
  const log = h('div', { class: 'log', 'data-testid': 'deck-log' });
  const ladder = h('div', { 'data-testid': 'deck-book' });
  const chartBox = h('div', {});
  const symSel = h('select', { 'data-testid': 'deck-symbol', onchange: () => { symbol = symSel.value; void refetch(); } },
    allSymbols.map((s) => h('option', { value: s }, s)));
  const resetBtn = h('button', { onclick: () => void refetch(null, null) }, 'Whole range');
  const info = h('span', { class: 'muted', 'data-testid': 'deck-chart-info' });

  let chart = null;
  let range = [null, null];
  const refetch = async (from = range[0], to = range[1]) => {
    range = [from, to];
    const q = new URLSearchParams({ width: String(Math.round(chartBox.clientWidth || 1200)), symbol: symbol ?? '' });
    if (from !== null) q.set('from', from);
    if (to !== null) q.set('to', to);
    chartData = await api(`recordings/${id}/chart?${q}`);
    draw();
  };
  const draw = () => {
    if (!chart) {
      chart = timeChart(chartBox, {
        height: 320,
        series: [{ label: 'bid', stroke: '#3fb27f' }, { label: 'ask', stroke: '#e5534b' }, { label: 'last (trades)', stroke: '#e0c060', points: true }],
        markers: () => chartData.markers,
        cursor: () => Number(BigInt(st.ts)) / 1e9,
        onZoom: (min, max) => void refetch(BigInt(Math.max(0, Math.round(min * 1e6))) * 1000n + '', BigInt(Math.round(max * 1e6)) * 1000n + ''),
      });
    }
    chart.set(chartData.x, [chartData.bid, chartData.ask, chartData.last]);
    info.textContent = `${fmtCount(chartData.rawPoints)} ticks in view${chartData.exact ? '' : ` (min/max per pixel: ${fmtCount(chartData.x.length)} points)`}, ${fmtCount(chartData.markersTotal)} events marked`;
    chartBox.dataset.points = String(chartData.x.length);
  };

  const show = () => {
    playBtn.textContent = st.state === 'playing' ? 'Pause' : 'Play';
    stateEl.textContent = `${st.state} · ${st.speed === 'max' ? 'max' : `${st.speed}x`} · ${fmtCount(st.emitted)} events · ${st.percent.toFixed(1)}%`;
    stateEl.dataset.state = st.state;
    cursor.textContent = `${st.tsIso}  seq ${st.seq ?? '-'}`;
    cursor.dataset.ts = st.ts;
    if (!seeking && document.activeElement !== scrub) scrub.value = String(Number(((BigInt(st.ts) - first) * BigInt(SCRUB_MAX)) / span));
    quotes.replaceChildren(h('table', {}, h('tr', {}, h('th', {}, 'symbol'), h('th', {}, 'bid'), h('th', {}, 'ask'), h('th', {}, 'last')),
      st.quotes.map((q) => h('tr', { 'data-symbol': q.symbol }, h('td', {}, q.symbol), h('td', { class: 'num' }, q.bid ?? '-'), h('td', { class: 'num' }, q.ask ?? '-'), h('td', { class: 'num' }, q.last ?? '-')))));
    log.replaceChildren(...st.around.map((e) => h('div', { class: e.current ? 'cur' : null, 'data-seq': e.seq }, `#${e.seq}  ${e.tsIso}  ${e.type.padEnd(6)}  ${fields(e.json)}`)));
    if (st.books && st.books.length > 0) {
      ladder.replaceChildren(...st.books.map((b) => h('div', { 'data-venue': b.venue },
        h('h3', {}, `book ${b.venue} ${b.symbol}${b.trusted ? '' : ' (UNTRUSTED since a gap)'}`),
        h('table', { class: 'ladder' },
          h('tr', {}, h('th', {}, 'bid size'), h('th', {}, 'bid'), h('th', {}, 'ask'), h('th', {}, 'ask size')),
          Array.from({ length: Math.max(b.bids.length, b.asks.length) }, (_, i) => {
            const bid = b.bids[i];
            const ask = b.asks[i];
            return h('tr', { 'data-level': i }, h('td', { class: 'num b' }, bid ? bid.size : ''), h('td', { class: 'num b' }, bid ? bid.price : ''), h('td', { class: 'num a' }, ask ? ask.price : ''), h('td', { class: 'num a' }, ask ? ask.size : ''));
          })))));
    } else ladder.replaceChildren();
    if (chart) chart.redraw();
  };

  const root = h('div', { 'data-testid': 'view-deck' },
    h('h2', {}, 'replay deck'),
    h('div', { class: 'controls' }, playBtn, stepBtn, speedSel, scrub, stateEl),
    h('div', { class: 'controls' }, h('b', {}, 'cursor '), cursor),
    h('div', { class: 'controls' }, 'symbol ', symSel, resetBtn, info),
    chartBox,
    h('div', { class: 'row' },
      h('div', { class: 'panel grow' }, h('h3', {}, 'events around the cursor'), log),
      h('div', { class: 'panel' }, h('h3', {}, 'quotes at the cursor'), quotes, ladder)));
  show();
  // Draw the chart once the view is in the page (it needs its width).
  requestAnimationFrame(() => { draw(); show(); root.dataset.ready = '1'; });
  // Poll the server's replay; re-render only when something changed (a paused deck costs nothing).
  let shown = '';
  every(150, async () => {
    try {
      const next = await api(`recordings/${id}/deck?symbol=${encodeURIComponent(symbol ?? '')}`);
      const key = JSON.stringify(next);
      st = next;
      if (key !== shown) { shown = key; show(); }
    } catch { /* next poll */ }
  }, root);
  return root;
}
