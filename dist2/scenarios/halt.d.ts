/** A single-stock halt: no ticks for 30 s, system events at both ends, and a risk block when it starts. */
declare const _default: import("../src/scenario/define.js").Scenario;
export default _default;
