/** A flaky feed: a 10 s outage, duplicate packets and late (out-of-order) venue timestamps. */
declare const _default: import("../src/scenario/define.js").Scenario;
export default _default;
