// Live: a recording being written, sampled 4 times a second from what its writer publishes
// (metrics.json) and the segment files' sizes: events/s, bytes/s, append latency p50/p99,
// fsyncs, rotations as markers, disk growth. Reading those files never touches the writer.
import { timeChart } from '../chart.js';
import { api, every, fmtBytes, fmtCount, fmtNs, h, kv } from '../lib.js';

const KEEP = 240; // samples shown: one minute at 4 Hz
const INTERVAL_MS = 250;

export async function liveView({ id, recordings }) {
  const first = await api(`recordings/${id}/live`);
  const numbers = h('div', { 'data-testid': 'live-numbers' });
  const charts = h('div', { class: 'grid' });
  const boxes = ['events/s', 'bytes/s', 'append latency (µs)', 'disk'].map((t) => {
    const body = h('div', {});
    charts.append(h('div', { class: 'panel' }, h('h3', {}, t), body));
    return body;
  });
  const root = h('div', { 'data-testid': 'view-live' }, h('h2', {}, `live: ${(recordings.find((r) => r.id === id) || { name: id }).name}`), numbers, charts);
  const xs = [];
  const cols = { eps: [], bps: [], p50: [], p99: [], disk: [] };
  const rotations = [];
  let lastRot = null;
  let lastSegs = null;
  let samples = 0;
  let mk = null;

  const make = () => {
    const marks = () => rotations;
    mk = [
      timeChart(boxes[0], { height: 160, series: [{ label: 'events/s', stroke: '#4fa3ff' }], markers: marks }),
      timeChart(boxes[1], { height: 160, series: [{ label: 'bytes/s', stroke: '#3fb27f' }], markers: marks, yFormat: (v) => fmtBytes(v) }),
      timeChart(boxes[2], { height: 160, series: [{ label: 'p50', stroke: '#e0c060' }, { label: 'p99', stroke: '#e5534b' }], markers: marks }),
      timeChart(boxes[3], { height: 160, series: [{ label: 'disk bytes', stroke: '#bb9af7' }], markers: marks, yFormat: (v) => fmtBytes(v) }),
    ];
  };

  const update = (v) => {
    samples++;
    const x = Date.parse(v.at) / 1000;
    const rot = v.counters ? (v.counters.rotations ?? 0) : null;
    if ((lastRot !== null && rot !== null && rot > lastRot) || (lastSegs !== null && lastSegs > 0 && v.segments > lastSegs)) rotations.push({ x, type: 'system', text: 'rotation' });
    lastRot = rot;
    lastSegs = v.segments;
    xs.push(x);
    cols.eps.push(v.eventsPerSec);
    cols.bps.push(v.bytesPerSec);
    cols.p50.push(v.appendLatencyNs ? v.appendLatencyNs.p50 / 1000 : null);
    cols.p99.push(v.appendLatencyNs ? v.appendLatencyNs.p99 / 1000 : null);
    cols.disk.push(v.diskBytes);
    if (xs.length > KEEP) { xs.shift(); for (const c of Object.values(cols)) c.shift(); }
    while (rotations.length && rotations[0].x < xs[0]) rotations.shift();
    const lat = v.appendLatencyNs && v.appendLatencyNs.count > 0 ? `${fmtNs(v.appendLatencyNs.p50)} / ${fmtNs(v.appendLatencyNs.p99)}` : '-';
    numbers.replaceChildren(h('div', { class: 'grid' },
      h('div', { class: 'panel' }, kv([
        ['writer', v.writer.alive ? `pid ${v.writer.pid}` : 'none (not being written)', 'writer'],
        ['events/s', v.eventsPerSec === null ? '-' : fmtCount(v.eventsPerSec), 'eps'],
        ['bytes/s', v.bytesPerSec === null ? '-' : `${fmtBytes(Math.round(v.bytesPerSec))}/s`, 'bps'],
        ['append p50 / p99', lat, 'latency'],
      ])),
      h('div', { class: 'panel' }, kv([
        ['records', v.records === null ? '-' : fmtCount(v.records), 'records'],
        ['fsyncs', v.fsyncs === null ? '-' : fmtCount(v.fsyncs), 'fsyncs'],
        ['rotations', rot === null ? '-' : fmtCount(rot), 'rotations'],
        ['segments', String(v.segments), 'segments'],
        ['disk', fmtBytes(v.diskBytes), 'disk'],
        ['samples', String(samples), 'samples'],
        ['metrics', v.metricsUpdated ?? 'none published', 'updated'],
      ]))));
    if (!mk && root.isConnected) make();
    if (mk) {
      mk[0].set(xs.slice(), [cols.eps.slice()]);
      mk[1].set(xs.slice(), [cols.bps.slice()]);
      mk[2].set(xs.slice(), [cols.p50.slice(), cols.p99.slice()]);
      mk[3].set(xs.slice(), [cols.disk.slice()]);
      charts.dataset.points = String(xs.length);
    }
  };
  update(first);
  every(INTERVAL_MS, async () => {
    try { update(await api(`recordings/${id}/live`)); } catch { /* the next sample retries */ }
  }, root);
  return root;
}
