/**
 * The strategy contract. A strategy is a plain object of optional hooks, driven by the backtest
 * engine in replay order; it sees time only through `ctx.now()` (the replay clock) and
 * randomness only through `ctx.random()` (the run's seeded source), so a run is reproducible.
 *
 * Strategy modules default-export a factory made with `defineStrategy` (or any
 * `(options) => Strategy`, or a Strategy object); `loadStrategy` accepts all three.
 */
import { TapedeckError } from '../errors.js';
/** A factory that merges options over defaults and builds a fresh instance per run. */
export function defineStrategy(def) {
    const factory = (options = {}) => {
        for (const key of Object.keys(options)) {
            if (!Object.prototype.hasOwnProperty.call(def.defaults, key)) {
                throw new TapedeckError('BAD_ARGUMENT', `strategy ${def.name}: unknown option "${key}"`, {
                    strategy: def.name,
                    option: key,
                    known: Object.keys(def.defaults),
                });
            }
        }
        const merged = { ...def.defaults, ...options };
        return { name: def.name, ...def.create(merged) };
    };
    return Object.assign(factory, {
        strategyName: def.name,
        defaults: Object.freeze({ ...def.defaults }),
        description: def.description ?? '',
    });
}
function isStrategy(v) {
    return typeof v === 'object' && v !== null && typeof v.name === 'string';
}
/** Turn a module's default export (factory or object) into a Strategy. */
export function loadStrategy(exported, options = {}) {
    if (typeof exported === 'function') {
        const s = exported(options);
        if (isStrategy(s))
            return s;
    }
    else if (isStrategy(exported)) {
        if (Object.keys(options).length > 0) {
            throw new TapedeckError('BAD_ARGUMENT', `strategy ${exported.name} is an object and takes no options`, {
                strategy: exported.name,
            });
        }
        return exported;
    }
    throw new TapedeckError('BAD_ARGUMENT', 'a strategy module must default-export a factory or a Strategy object', {});
}
//# sourceMappingURL=strategy.js.map