export interface MarketMakerOptions {
    /** Only quote this symbol ('' = the first symbol seen). */
    symbol: string;
    /** Size of each quote. */
    qty: number;
    /** Distance of each quote from the reservation price, in price units. */
    halfSpread: number;
    /** Price grid. */
    tickSize: number;
    /** Absolute position at which the side that adds to it stops quoting. */
    maxInventory: number;
    /** Reservation price shift per unit of position, in price units. */
    skew: number;
    /** Replace a quote when its price is this far (or more) from the wanted price. */
    requoteThreshold: number;
}
declare const _default: import("../../src/backtest/strategy.js").StrategyFactory<MarketMakerOptions>;
export default _default;
