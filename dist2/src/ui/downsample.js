/**
 * Min/max downsampling for line charts (pure, no I/O). A visible range of n points drawn into w
 * pixels needs at most two points per pixel column: the lowest and the highest value in that
 * column, in the order they occurred. Drawn as a line, that keeps every spike and every gap's
 * envelope that the full data would show, at a cost of O(points in range) per request.
 *
 * Inputs are columns: `x` ascending (any unit), and one or more `y` columns of the same length
 * where NaN means "no value here" (a tick without an ask, say). Outputs are plain arrays with null
 * for a missing value (what uPlot draws as a gap, or bridges with spanGaps).
 */
/** Index of the first element ≥ v in an ascending column (length when none). */
export function lowerBound(xs, v, lo = 0, hi = xs.length) {
    while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (xs[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}
/** Index of the first element > v in an ascending column (length when none). */
export function upperBound(xs, v, lo = 0, hi = xs.length) {
    while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (xs[mid] <= v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}
/**
 * The points of [from, to] (inclusive) in at most `buckets` columns of equal x width, two points
 * per column (each y column's min and max, in time order). When the range holds at most
 * 2 × buckets points they are returned unchanged (`exact`).
 */
export function downsampleMinMax(x, ys, from, to, buckets) {
    if (!(buckets >= 1))
        throw new RangeError(`buckets must be ≥ 1, got ${buckets}`);
    const lo = lowerBound(x, from);
    const hi = upperBound(x, to, lo);
    const n = hi - lo;
    const nb = Math.floor(buckets);
    if (n <= 2 * nb) {
        const outX = new Array(n);
        for (let i = 0; i < n; i++)
            outX[i] = x[lo + i];
        const outY = ys.map((col) => {
            const a = new Array(n);
            for (let i = 0; i < n; i++) {
                const v = col[lo + i];
                a[i] = Number.isNaN(v) ? null : v;
            }
            return a;
        });
        return { x: outX, y: outY, rawPoints: n, exact: true };
    }
    const width = (to - from) / nb;
    const outX = [];
    const outY = ys.map(() => []);
    const minV = new Float64Array(ys.length);
    const maxV = new Float64Array(ys.length);
    const minAt = new Int32Array(ys.length);
    const maxAt = new Int32Array(ys.length);
    let i = lo;
    for (let b = 0; b < nb && i < hi; b++) {
        const end = b === nb - 1 ? hi : upperBound(x, from + width * (b + 1), i, hi);
        if (end === i)
            continue;
        minV.fill(Infinity);
        maxV.fill(-Infinity);
        minAt.fill(-1);
        maxAt.fill(-1);
        for (let c = 0; c < ys.length; c++) {
            const col = ys[c];
            for (let k = i; k < end; k++) {
                const v = col[k];
                if (v < minV[c]) {
                    minV[c] = v;
                    minAt[c] = k;
                }
                if (v > maxV[c]) {
                    maxV[c] = v;
                    maxAt[c] = k;
                }
            }
        }
        // Two output points per column: at the column's first and last input x, so the line keeps
        // the real time extent of the column.
        outX.push(x[i], x[end - 1]);
        for (let c = 0; c < ys.length; c++) {
            const out = outY[c];
            if (minAt[c] < 0) {
                out.push(null, null);
            }
            else if (minAt[c] <= maxAt[c]) {
                out.push(minV[c], maxV[c]);
            }
            else {
                out.push(maxV[c], minV[c]);
            }
        }
        i = end;
    }
    return { x: outX, y: outY, rawPoints: n, exact: false };
}
//# sourceMappingURL=downsample.js.map