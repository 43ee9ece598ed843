// The single-page app: a hash router over four views and the recording picker.
import { api, clearTimers, h } from './lib.js';
import { recordingsView } from './views/recordings.js';
import { liveView } from './views/live.js';
import { deckView } from './views/deck.js';
import { backtestsView } from './views/backtests.js';

const views = { recordings: recordingsView, live: liveView, deck: deckView, backtests: backtestsView };
const main = document.getElementById('main');
const picker = document.getElementById('recording');
let recordings = [];

function route() {
  const [, view = 'recordings', id, extra] = location.hash.split('/');
  return { view: views[view] ? view : 'recordings', id: id || (recordings[0] && recordings[0].id), extra };
}

let renders = 0;

async function render() {
  clearTimers();
  // A slow view (a first read of a large recording) must not replace the one asked for after it.
  const mine = ++renders;
  const r = route();
  for (const a of document.querySelectorAll('#nav a')) {
    a.classList.toggle('on', a.dataset.view === r.view);
    a.href = `#/${a.dataset.view}/${r.id}`;
  }
  picker.value = r.id;
  main.replaceChildren(h('p', { class: 'muted' }, 'loading…'));
  try {
    const el = await views[r.view]({ id: r.id, extra: r.extra, recordings });
    if (mine !== renders) return;
    main.replaceChildren(el);
  } catch (e) {
    if (mine !== renders) return;
    main.replaceChildren(h('p', { class: 'error', 'data-testid': 'error' }, String(e.message || e)));
  }
}

async function start() {
  ({ recordings } = await api('recordings'));
  picker.replaceChildren(...recordings.map((r) => h('option', { value: r.id }, `${r.name}${r.kind === 'backtest' ? ' (backtest)' : ''}`)));
  picker.addEventListener('change', () => {
    location.hash = `#/${route().view}/${picker.value}`;
  });
  window.addEventListener('hashchange', render);
  await render();
}

start().catch((e) => main.replaceChildren(h('p', { class: 'error' }, String(e.message || e))));
