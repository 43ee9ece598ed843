/** A quiet market: two symbols on one venue, arithmetic random walks, no incidents. */
declare const _default: import("../src/scenario/define.js").Scenario;
export default _default;
