export interface LoadedModule {
    /** The file actually loaded (absolute). */
    path: string;
    /** The module namespace. */
    module: Record<string, unknown>;
}
/** The file a module path names: as given, or its TypeScript source for a missing `.js`. */
export declare function resolveModulePath(file: string, base?: string): string;
export declare function isTypeScriptPath(file: string): boolean;
/** Imports a module file (see the module comment). */
export declare function loadModule(file: string, base?: string): Promise<LoadedModule>;
/**
 * A module's default export. Through tsx a CommonJS-shaped module may nest it one level deeper
 * (`{ default: { default: x } }`); that is unwrapped.
 */
export declare function defaultExport(mod: Record<string, unknown>): unknown;
