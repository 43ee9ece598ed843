// Recordings: segments as a strip sized by bytes and coloured by state, disk use, compression,
// counts by type/venue/symbol/run, the time range, and integrity with a verify button.
import { api, counts, every, fmtBytes, fmtCount, h, kv } from '../lib.js';

const STATES = ['sealed', 'active', 'torn', 'damaged', 'unread'];

function strip(segments) {
  return h('div', {},
    h('div', { class: 'strip', 'data-testid': 'segment-strip' }, segments.map((s) => {
      const el = h('div', { class: `seg ${s.state}`, 'data-state': s.state, 'data-bytes': s.bytes, title: `${s.name}\n${fmtBytes(s.bytes)}, ${s.records === null ? '?' : fmtCount(s.records)} records, ${s.state}` });
      el.style.flexGrow = String(Math.max(1, s.bytes)); // width in proportion to bytes (CSSOM: allowed by the CSP)
      el.style.flexBasis = '0';
      return el;
    })),
    h('div', { class: 'legend muted' }, STATES.map((st) => h('span', {}, h('i', { class: `seg ${st}` }), st))));
}

function verifyPanel(id, initial) {
  const status = h('div', { 'data-testid': 'verify-status' });
  const bar = h('progress', { max: 1, value: 0, 'data-testid': 'verify-progress' });
  const button = h('button', { 'data-testid': 'verify-button' }, 'Verify now');
  let timer = null;
  const show = (v) => {
    bar.max = v.bytesTotal || 1;
    bar.value = v.bytesDone;
    if (v.state === 'never') status.replaceChildren(h('span', { class: 'muted', 'data-verify': 'never' }, 'not verified in this session'));
    else if (v.state === 'running') status.replaceChildren(h('span', { 'data-verify': 'running' }, `verifying… ${fmtBytes(v.bytesDone)} of ${fmtBytes(v.bytesTotal)}`));
    else if (v.state === 'failed') status.replaceChildren(h('span', { class: 'bad', 'data-verify': 'failed' }, `verify failed to run: ${v.error}`));
    else if (v.result.ok && v.result.recordedGaps?.count > 0) status.replaceChildren(
      h('span', { class: 'bad', 'data-verify': 'gaps' }, `INTACT WITH RECORDED GAPS: ${fmtCount(v.result.records)} records, every CRC and payload canonical, but ${fmtCount(v.result.recordedGaps.count)} gap(s) recorded at capture time (the data is not whole)`),
      h('ul', {}, v.result.recordedGaps.first.map((g) => h('li', {}, `seq ${g.seq}: ${g.message}`))),
      h('div', { class: 'muted' }, `digest ${v.result.digest}`));
    else if (v.result.ok) status.replaceChildren(h('span', { class: 'ok', 'data-verify': 'ok' }, `OK: ${fmtCount(v.result.records)} records, every CRC and payload canonical`), h('div', { class: 'muted' }, `digest ${v.result.digest}`));
    else status.replaceChildren(h('span', { class: 'bad', 'data-verify': 'problems' }, `${v.result.problems.length} problem(s)`),
      h('ul', {}, v.result.problems.slice(0, 10).map((p) => h('li', {}, `${p.file} at byte ${p.offsetBytes}: ${p.reason}`))));
    if (v.state !== 'running' && timer !== null) { clearInterval(timer); timer = null; }
  };
  button.addEventListener('click', async () => {
    show(await api(`recordings/${id}/verify`, {}));
    timer = every(200, async () => show(await api(`recordings/${id}/verify`)), button);
  });
  show(initial);
  return h('div', { class: 'panel' }, h('h3', {}, 'integrity'), button, ' ', bar, status);
}

export async function recordingsView({ id }) {
  const d = await api(`recordings/${id}/info`);
  if (d.info === null) {
    return h('div', { 'data-testid': 'view-recordings' }, h('h2', {}, d.name), strip(d.segments),
      h('p', { class: 'error', 'data-testid': 'info-error' }, `cannot read this recording through: ${d.error}`), verifyPanel(id, d.verify));
  }
  const i = d.info;
  const ratio = i.compressionRatio === null ? '-' : `${i.compressionRatio.toFixed(2)}x`;
  const types = Object.entries(i.byType).filter(([, n]) => n > 0);
  return h('div', { 'data-testid': 'view-recordings' },
    h('h2', {}, d.name),
    strip(d.segments),
    h('div', { class: 'grid' },
      h('div', { class: 'panel wide' }, h('h3', {}, 'recording'), kv([
        ['segments', `${i.segmentCount} (${i.segments.filter((s) => s.sealed).length} sealed)`, 'segments'],
        ['records', fmtCount(i.records), 'records'],
        ['disk use', `${fmtCount(i.bytes)} bytes (${fmtBytes(i.bytes)})`, 'bytes'],
        ['compression', ratio, 'compression'],
        ['as JSONL', fmtBytes(i.jsonlBytes), 'jsonl'],
        ['first ts', i.firstTsIso ?? '-', 'first'],
        ['last ts', i.lastTsIso ?? '-', 'last'],
        ['durable seq', i.durableSeq ?? '-', 'durable'],
        ['rejects', fmtCount(i.rejects.count), 'rejects'],
        ['gaps', fmtCount(i.gaps.count), 'gaps'],
        ['torn tail', i.tornTail ? `${i.tornTail.file} at byte ${i.tornTail.offsetBytes}` : 'none', 'torn'],
        ['digest', h('code', {}, i.digest), 'digest'],
      ])),
      verifyPanel(id, d.verify),
      counts('events by type', types, 'by-type'),
      counts('events by venue', Object.entries(d.venues), 'by-venue'),
      counts('events by symbol', i.bySymbol.map((s) => [s.symbol, s.events]), 'by-symbol'),
      counts('events by run', i.byRun.map((r) => [r.runId, r.events]), 'by-run'),
    ));
}
