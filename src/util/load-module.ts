/**
 * Loads a user module by file path: a `.js`/`.mjs`/`.cjs` with Node's own `import()`, a
 * `.ts`/`.mts`/`.cts`/`.tsx` through tsx (`tsImport`, esbuild, no type checking). A `.js` path
 * that does not exist but has a `.ts` sibling loads the `.ts`: a scenario script run from source
 * names its strategy as `./strategies/x.js`, as it would once compiled.
 *
 * A TypeScript module is loaded once per thread for as long as its file's bytes stay the same,
 * like a `.js` module that `import()` caches by URL: each tsx `tsImport` opens a new namespace,
 * re-evaluates the module and everything it imports (`'tapedeck'` is the whole library,
 * `'tapedeck/strategy'` four small ones) and adds
 * one more set of loader hooks to the thread. Per sweep job that cost about 0.6 s of CPU
 * (8 jobs of ma-crossover.ts: 6.9 s against 1.6 s for its compiled .js). A file whose bytes
 * changed is loaded again, fresh, as before.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TapedeckError } from '../errors.js';

export interface LoadedModule {
  /** The file actually loaded (absolute). */
  path: string;
  /** The module namespace. */
  module: Record<string, unknown>;
}

const TS_EXT = /\.(ts|mts|cts|tsx)$/;
const JS_TO_TS: Record<string, string> = { '.js': '.ts', '.mjs': '.mts', '.cjs': '.cts' };

/** The file a module path names: as given, or its TypeScript source for a missing `.js`. */
export function resolveModulePath(file: string, base = process.cwd()): string {
  const abs = path.resolve(base, file);
  if (fs.existsSync(abs)) return abs;
  const ext = path.extname(abs);
  const tsExt = JS_TO_TS[ext];
  if (tsExt !== undefined) {
    const ts = abs.slice(0, -ext.length) + tsExt;
    if (fs.existsSync(ts)) return ts;
  }
  throw new TapedeckError('NOT_FOUND', `${file}: no such module file${tsExt ? ` (nor ${path.basename(abs, ext)}${tsExt})` : ''}`, { path: abs });
}

export function isTypeScriptPath(file: string): boolean {
  return TS_EXT.test(file) && !file.endsWith('.d.ts');
}

/** TypeScript modules loaded in this thread: by absolute path, with the sha256 of the bytes loaded. */
const tsLoaded = new Map<string, { sha256: string; module: Record<string, unknown> }>();

async function importTypeScript(abs: string, url: string): Promise<Record<string, unknown>> {
  const sha256 = createHash('sha256').update(fs.readFileSync(abs)).digest('hex');
  const hit = tsLoaded.get(abs);
  if (hit?.sha256 === sha256) return hit.module;
  const { tsImport } = await import('tsx/esm/api');
  const module = (await tsImport(url, { parentURL: import.meta.url })) as Record<string, unknown>;
  tsLoaded.set(abs, { sha256, module });
  return module;
}

/** Imports a module file (see the module comment). */
export async function loadModule(file: string, base?: string): Promise<LoadedModule> {
  const abs = resolveModulePath(file, base);
  const url = pathToFileURL(abs).href;
  let mod: Record<string, unknown>;
  try {
    if (isTypeScriptPath(abs)) {
      mod = await importTypeScript(abs, url);
    } else {
      mod = (await import(url)) as Record<string, unknown>;
    }
  } catch (e) {
    if (e instanceof TapedeckError) throw e;
    const why = e instanceof Error ? e.message : String(e);
    throw new TapedeckError('BAD_ARGUMENT', `${file}: cannot load module: ${why}`, { path: abs }, { cause: e });
  }
  return { path: abs, module: mod };
}

/**
 * A module's default export. Through tsx a CommonJS-shaped module may nest it one level deeper
 * (`{ default: { default: x } }`); that is unwrapped.
 */
export function defaultExport(mod: Record<string, unknown>): unknown {
  let d = mod.default;
  if (d !== null && typeof d === 'object' && 'default' in d && Object.keys(d).length === 1) d = (d as { default: unknown }).default;
  return d;
}
