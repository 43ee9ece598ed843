/**
 * A flash crash: the mid falls 8% in a second and a half, spreads blow out, books thin, then it
 * recovers over 40 s. A strategy should be flat within 500 ms of the crash's start (the system
 * event with data.marker 'flash-crash').
 */
declare const _default: import("../src/scenario/define.js").Scenario;
export default _default;
