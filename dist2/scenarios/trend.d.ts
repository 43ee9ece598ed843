/** A steady uptrend a trend follower should ride: GBM with a strong drift over low noise. */
declare const _default: import("../src/scenario/define.js").Scenario;
export default _default;
