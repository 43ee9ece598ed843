// Backtests: a backtest output's equity curve, drawdown and position, its fills on the input's
// price chart, its manifest and summary, and the comparison of two runs (from diff).
import { timeChart } from '../chart.js';
import { api, fmtCount, h, kv } from '../lib.js';

const r6 = (x) => (typeof x === 'number' ? Number(x.toFixed(6)) : x);

export async function backtestsView({ id, extra, recordings }) {
  const backtests = recordings.filter((r) => r.kind === 'backtest');
  if (!backtests.some((b) => b.id === id)) {
    return h('div', { 'data-testid': 'view-backtests' }, h('h2', {}, 'backtests'),
      backtests.length === 0 ? h('p', { class: 'muted' }, 'None of the recordings served is a backtest output (run `tapedeck backtest`, then `tapedeck ui` on its output).')
        : h('ul', {}, backtests.map((b) => h('li', {}, h('a', { href: `#/backtests/${b.id}` }, b.name)))));
  }
  const r = await api(`recordings/${id}/backtest`);
  const equityBox = h('div', {});
  const posBox = h('div', {});
  const priceBox = h('div', {});
  const compareBox = h('div', { 'data-testid': 'bt-compare' });
  const s = r.summary || {};
  const summary = kv([
    ['net PnL', String(r6(s.netPnl)), 'netPnl'],
    ['realized / unrealized', `${r6(s.realizedPnl)} / ${r6(s.unrealizedPnl)}`, 'realized'],
    ['fees', String(r6(s.fees)), 'fees'],
    ['trades', fmtCount(s.trades ?? 0), 'trades'],
    ['max drawdown', String(r6(s.maxDrawdown)), 'maxDrawdown'],
    ['orders / cancels / rejects', `${s.orders} / ${s.cancels} / ${s.rejects}`, 'orders'],
    ['equity curve marks', r.marks === 'inputs' ? `input ticks (${r.inputsUsed.join(', ')})` : 'fill prices only (input recordings not served)', 'marks'],
    ['curve final net PnL', String(r6(r.finalNetPnl)), 'curveNet'],
  ]);
  const manifest = h('table', { class: 'kv', 'data-testid': 'bt-manifest' }, Object.entries(r.manifest).map(([k, v]) => h('tr', {}, h('td', {}, k), h('td', { 'data-key': k }, String(v)))));
  const others = backtests.filter((b) => b.id !== id);
  const vsSel = h('select', { 'data-testid': 'bt-compare-select', onchange: () => { location.hash = `#/backtests/${id}/${vsSel.value}`; } },
    h('option', { value: '' }, '—'), others.map((b) => h('option', { value: b.id, selected: b.id === extra }, b.name)));

  const root = h('div', { 'data-testid': 'view-backtests' },
    h('h2', {}, `backtest ${r.runId}`),
    h('div', { class: 'grid' }, h('div', { class: 'panel', 'data-testid': 'bt-summary' }, h('h3', {}, 'summary'), summary), h('div', { class: 'panel' }, h('h3', {}, 'manifest'), manifest)),
    h('div', { class: 'panel' }, h('h3', {}, 'equity and drawdown'), equityBox),
    h('div', { class: 'panel' }, h('h3', {}, 'position'), posBox),
    h('div', { class: 'panel' }, h('h3', {}, 'fills on the price chart'), priceBox),
    h('div', { class: 'panel' }, h('h3', {}, 'compare with another run '), vsSel, compareBox));

  requestAnimationFrame(async () => {
    const eq = timeChart(equityBox, { height: 220, series: [{ label: 'equity (net PnL)', stroke: '#4fa3ff', step: true }, { label: 'drawdown', stroke: '#e5534b', scale: 'dd', step: true }] });
    eq.set(r.x, [r.equity, r.drawdown]);
    equityBox.dataset.points = String(r.x.length);
    const syms = Object.keys(r.positions);
    const pos = timeChart(posBox, { height: 160, series: syms.map((sym, i) => ({ label: sym, step: true, stroke: ['#e0c060', '#bb9af7', '#3fb27f', '#7aa2f7'][i % 4] })) });
    pos.set(r.x, syms.map((sym) => r.positions[sym]));
    const input = r.inputIds && r.inputIds[0];
    const fillMarkers = r.fills.map((f) => ({ x: f.x, type: 'fill', side: f.side, price: f.price, symbol: f.symbol }));
    if (input) {
      const sym = r.fills[0] ? r.fills[0].symbol : '';
      const c = await api(`recordings/${input}/chart?width=1200&symbol=${encodeURIComponent(sym)}`);
      const pc = timeChart(priceBox, { height: 280, series: [{ label: 'bid', stroke: '#3fb27f' }, { label: 'ask', stroke: '#e5534b' }], markers: () => fillMarkers.filter((m) => m.symbol === c.symbol) });
      pc.set(c.x, [c.bid, c.ask]);
    } else {
      const pc = timeChart(priceBox, { height: 280, series: [{ label: 'fill price', stroke: '#e0c060', points: true }], markers: () => fillMarkers });
      pc.set(r.fills.map((f) => f.x), [r.fills.map((f) => f.price)]);
    }
    priceBox.dataset.fills = String(r.fills.length);
    if (extra) {
      const cmp = await api(`compare?a=${id}&b=${encodeURIComponent(extra)}`);
      const text = cmp.identical ? h('p', { class: 'ok', 'data-diff': 'identical' }, `identical: ${fmtCount(cmp.counts.a)} events`)
        : h('p', { class: 'bad', 'data-diff': 'different' }, `first divergence at event #${cmp.first.index} (${cmp.firstTsIso}); same ${fmtCount(cmp.counts.same)}, changed ${fmtCount(cmp.counts.changed)}, only in ${cmp.a.name} ${fmtCount(cmp.counts.onlyInA)}, only in ${cmp.b.name} ${fmtCount(cmp.counts.onlyInB)}`);
      const box = h('div', {});
      compareBox.replaceChildren(text, box);
      const cc = timeChart(box, { height: 220, series: [{ label: `equity ${cmp.a.name}`, stroke: '#4fa3ff' }, { label: `equity ${cmp.b.name}`, stroke: '#e0c060' }], vlines: () => (cmp.firstX ? [{ x: cmp.firstX, color: '#e5534b' }] : []) });
      // Two curves on one x: merge their points (each keeps its own values, null elsewhere).
      const [ca, cb] = cmp.curves;
      const xs = [...new Set([...(ca ? ca.x : []), ...(cb ? cb.x : [])])].sort((p, q) => p - q);
      const at = (c) => { const m = new Map(c ? c.x.map((x, i) => [x, c.equity[i]]) : []); return xs.map((x) => (m.has(x) ? m.get(x) : null)); };
      cc.set(xs, [at(ca), at(cb)]);
    }
    root.dataset.ready = '1';
  });
  return root;
}
