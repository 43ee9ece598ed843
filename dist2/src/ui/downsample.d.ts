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
export interface Downsampled {
    /** x of each output point (same unit as the input). */
    x: number[];
    /** One array per input column, aligned with x; null where the column had no value. */
    y: (number | null)[][];
    /** Points in the range before downsampling. */
    rawPoints: number;
    /** True when the range held few enough points to be returned as is. */
    exact: boolean;
}
/** Index of the first element ≥ v in an ascending column (length when none). */
export declare function lowerBound(xs: ArrayLike<number>, v: number, lo?: number, hi?: number): number;
/** Index of the first element > v in an ascending column (length when none). */
export declare function upperBound(xs: ArrayLike<number>, v: number, lo?: number, hi?: number): number;
/**
 * The points of [from, to] (inclusive) in at most `buckets` columns of equal x width, two points
 * per column (each y column's min and max, in time order). When the range holds at most
 * 2 × buckets points they are returned unchanged (`exact`).
 */
export declare function downsampleMinMax(x: ArrayLike<number>, ys: readonly ArrayLike<number>[], from: number, to: number, buckets: number): Downsampled;
