export interface UiFixtures {
    /** random-walk seed 1: two symbols, ~9k events, segments of 64 KiB. */
    ticks: string;
    /** ops-fixtures' 64 events of every type over several small segments. */
    mixed: string;
    /** Backtests of `ticks`: market-maker with seeds 7 and 8. */
    bt1: string;
    bt2: string;
}
export declare function makeUiFixtures(base: string): Promise<UiFixtures>;
