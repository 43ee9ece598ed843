// uPlot wrappers: time-series line charts with event markers, a cursor line, and zoom that asks
// the server for the newly visible range (it downsamples to the chart's width).
import uPlot from '/vendor/uPlot.esm.js';

export const MARKER_COLORS = { order: '#7aa2f7', fill: '#f0f0f0', signal: '#bb9af7', risk: '#ff9e64', system: '#e5534b' };

function axisStyle() {
  return { stroke: '#8a96a3', grid: { stroke: '#222a33', width: 1 }, ticks: { stroke: '#222a33' } };
}

/**
 * A chart in `el`. opts: { series: [{label, stroke, points: bool, scale}], height, markers(): [...],
 * cursor(): x|null, vlines(): [{x, color}], onZoom(min, max) }. Returns { plot, set(x, ys) , redraw() }.
 */
export function timeChart(el, opts) {
  const width = Math.max(300, el.clientWidth || 900);
  const markersPlugin = {
    hooks: {
      draw: [(u) => {
        const ctx = u.ctx;
        const { left, top, width: w, height: hgt } = u.bbox;
        ctx.save();
        ctx.beginPath();
        ctx.rect(left, top, w, hgt);
        ctx.clip();
        for (const m of (opts.markers ? opts.markers() : [])) {
          const x = u.valToPos(m.x, 'x', true);
          if (x < left || x > left + w) continue;
          ctx.fillStyle = ctx.strokeStyle = MARKER_COLORS[m.type] || '#aaa';
          if (m.price !== null && m.price !== undefined && (m.type === 'fill' || m.type === 'order')) {
            const y = u.valToPos(m.price, 'y', true);
            const s = (m.type === 'fill' ? 6 : 4) * devicePixelRatio;
            ctx.beginPath();
            if (m.side === 'sell') { ctx.moveTo(x - s, y - s); ctx.lineTo(x + s, y - s); ctx.lineTo(x, y + s * 0.6); }
            else { ctx.moveTo(x - s, y + s); ctx.lineTo(x + s, y + s); ctx.lineTo(x, y - s * 0.6); }
            ctx.closePath();
            if (m.type === 'fill') { ctx.fillStyle = m.side === 'sell' ? '#e5534b' : '#3fb27f'; ctx.fill(); ctx.stroke(); } else ctx.stroke();
          } else {
            ctx.setLineDash([4, 4]);
            ctx.lineWidth = 1;
            ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + hgt); ctx.stroke();
            ctx.setLineDash([]);
          }
        }
        for (const v of (opts.vlines ? opts.vlines() : [])) {
          const x = u.valToPos(v.x, 'x', true);
          ctx.strokeStyle = v.color; ctx.lineWidth = 2 * devicePixelRatio;
          ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + hgt); ctx.stroke();
        }
        const c = opts.cursor ? opts.cursor() : null;
        if (c !== null && c !== undefined) {
          const x = u.valToPos(c, 'x', true);
          ctx.strokeStyle = '#4fa3ff'; ctx.lineWidth = 2 * devicePixelRatio;
          ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + hgt); ctx.stroke();
        }
        ctx.restore();
      }],
      setSelect: [(u) => {
        if (!opts.onZoom || u.select.width < 3) return;
        const min = u.posToVal(u.select.left, 'x');
        const max = u.posToVal(u.select.left + u.select.width, 'x');
        u.setSelect({ left: 0, width: 0, top: 0, height: 0 }, false);
        opts.onZoom(min, max);
      }],
    },
  };
  const scales = { x: { time: true } };
  const axes = [axisStyle(), { ...axisStyle(), size: 70, ...(opts.yFormat ? { values: (u, vals) => vals.map(opts.yFormat) } : {}) }];
  for (const s of opts.series) if (s.scale && s.scale !== 'y' && !scales[s.scale]) {
    scales[s.scale] = {};
    axes.push({ ...axisStyle(), scale: s.scale, side: 1, size: 60, grid: { show: false } });
  }
  const plot = new uPlot({
    width,
    height: opts.height || 260,
    scales,
    axes,
    legend: { live: true },
    cursor: { drag: { x: !!opts.onZoom, y: false, setScale: false } },
    series: [{}, ...opts.series.map((s) => ({
      label: s.label,
      stroke: s.stroke,
      width: 1.25,
      scale: s.scale || 'y',
      spanGaps: s.points ? false : true,
      ...(s.points ? { paths: () => null, points: { show: true, size: 3, width: 0, fill: s.stroke } } : { points: { show: false } }),
      ...(s.step ? { paths: uPlot.paths.stepped({ align: 1 }) } : {}),
    }))],
    plugins: [markersPlugin],
  }, [[], ...opts.series.map(() => [])], el);
  return {
    plot,
    set(x, ys) {
      plot.setData([x, ...ys], true);
    },
    redraw() {
      plot.redraw(false, false);
    },
  };
}
