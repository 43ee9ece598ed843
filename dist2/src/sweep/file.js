/**
 * Sweep files: a JSON file, or a JS/TS module whose default export is the same object (so a
 * sweep can compute its grid). Relative paths inside (strategy, recording inputs, scenario files)
 * are relative to the file's directory; bundled scenario names stay names.
 *
 *   // my-sweep.ts
 *   import { defineSweep } from 'tapedeck';
 *   export default defineSweep({
 *     strategy: './strategies/ma-crossover.ts',
 *     inputs: ['random-walk', 'trend'],
 *     grid: { fast: [5, 10, 20], slow: [50, 100] },
 *     seeds: '1..4',
 *   });
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TapedeckError } from '../errors.js';
import { defaultExport, loadModule } from '../util/load-module.js';
import { sweepFromObject } from './spec.js';
export function defineSweep(d) {
    return d;
}
function looksLikePath(s) {
    return s.includes('/') || s.includes(path.sep) || s.startsWith('.') || /\.(m?[jt]s|cjs|cts)$/.test(s);
}
export async function loadSweepFile(file) {
    if (!fs.existsSync(file))
        throw new TapedeckError('NOT_FOUND', `${file}: no such sweep file`, { path: file });
    let value;
    if (/\.json$/i.test(file)) {
        const text = fs.readFileSync(file, 'utf8');
        try {
            value = JSON.parse(text);
        }
        catch (e) {
            throw new TapedeckError('BAD_INPUT', `${file}: not valid JSON: ${e instanceof Error ? e.message : String(e)}`, { path: file });
        }
    }
    else {
        value = defaultExport((await loadModule(file)).module);
    }
    const spec = sweepFromObject(value, file);
    const base = path.dirname(path.resolve(file));
    if (spec.strategy !== undefined)
        spec.strategy = path.resolve(base, spec.strategy);
    if (spec.inputs !== undefined) {
        // An absolute path stays as written; a relative one is taken from the file's directory and
        // shown relative to the working directory; anything else is a bundled scenario's name.
        spec.inputs = spec.inputs.map((i) => path.isAbsolute(i) ? i : looksLikePath(i) || fs.existsSync(path.resolve(base, i)) ? path.relative(process.cwd(), path.resolve(base, i)) || '.' : i);
    }
    return spec;
}
//# sourceMappingURL=file.js.map