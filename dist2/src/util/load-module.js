/**
 * Loads a user module by file path: a `.js`/`.mjs`/`.cjs` with Node's own `import()`, a
 * `.ts`/`.mts`/`.cts`/`.tsx` through tsx (`tsImport`, esbuild, no type checking). A `.js` path
 * that does not exist but has a `.ts` sibling loads the `.ts`: a scenario script run from source
 * names its strategy as `./strategies/x.js`, as it would once compiled.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TapedeckError } from '../errors.js';
const TS_EXT = /\.(ts|mts|cts|tsx)$/;
const JS_TO_TS = { '.js': '.ts', '.mjs': '.mts', '.cjs': '.cts' };
/** The file a module path names: as given, or its TypeScript source for a missing `.js`. */
export function resolveModulePath(file, base = process.cwd()) {
    const abs = path.resolve(base, file);
    if (fs.existsSync(abs))
        return abs;
    const ext = path.extname(abs);
    const tsExt = JS_TO_TS[ext];
    if (tsExt !== undefined) {
        const ts = abs.slice(0, -ext.length) + tsExt;
        if (fs.existsSync(ts))
            return ts;
    }
    throw new TapedeckError('NOT_FOUND', `${file}: no such module file${tsExt ? ` (nor ${path.basename(abs, ext)}${tsExt})` : ''}`, { path: abs });
}
export function isTypeScriptPath(file) {
    return TS_EXT.test(file) && !file.endsWith('.d.ts');
}
/** Imports a module file (see the module comment). */
export async function loadModule(file, base) {
    const abs = resolveModulePath(file, base);
    const url = pathToFileURL(abs).href;
    let mod;
    try {
        if (isTypeScriptPath(abs)) {
            const { tsImport } = await import('tsx/esm/api');
            mod = (await tsImport(url, { parentURL: import.meta.url }));
        }
        else {
            mod = (await import(url));
        }
    }
    catch (e) {
        if (e instanceof TapedeckError)
            throw e;
        const why = e instanceof Error ? e.message : String(e);
        throw new TapedeckError('BAD_ARGUMENT', `${file}: cannot load module: ${why}`, { path: abs }, { cause: e });
    }
    return { path: abs, module: mod };
}
/**
 * A module's default export. Through tsx a CommonJS-shaped module may nest it one level deeper
 * (`{ default: { default: x } }`); that is unwrapped.
 */
export function defaultExport(mod) {
    let d = mod.default;
    if (d !== null && typeof d === 'object' && 'default' in d && Object.keys(d).length === 1)
        d = d.default;
    return d;
}
//# sourceMappingURL=load-module.js.map