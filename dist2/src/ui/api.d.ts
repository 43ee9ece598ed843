import type { Catalog } from './catalog.js';
export interface ApiRequest {
    method: string;
    /** Path segments after /api/. */
    parts: string[];
    query: URLSearchParams;
    /** The parsed JSON body of a POST. */
    body: unknown;
}
/** Answers one API request with a JSON-able value (errors are thrown as TapedeckErrors). */
export declare function handleApi(catalog: Catalog, req: ApiRequest): unknown;
