import { Catalog } from './catalog.js';
export interface UiServerOptions {
    /** Default 127.0.0.1. */
    host?: string;
    /** Default 0: a free port. */
    port?: number;
    /** Default: a fresh random token. */
    token?: string;
}
export interface UiServer {
    /** The URL to open, token included. */
    url: string;
    host: string;
    port: number;
    token: string;
    catalog: Catalog;
    close(): Promise<void>;
}
/** Route → file, for every file served: web/ (flat and one level of folders) and uPlot's dist. */
export declare function staticRoutes(root?: string): Map<string, string>;
/** Starts the server over `dirs`; resolves once it listens. */
export declare function startUiServer(dirs: readonly string[], opts?: UiServerOptions): Promise<UiServer>;
