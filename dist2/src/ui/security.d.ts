import type { IncomingMessage } from 'node:http';
export declare const TOKEN_HEADER = "x-tapedeck-token";
/**
 * The content security policy: scripts, styles and connections only from this server, no inline
 * script, no frames, no forms, no plugins.
 */
export declare const CSP: string;
export declare const SECURITY_HEADERS: Readonly<Record<string, string>>;
/** A fresh token: 24 random bytes, base64url. */
export declare function newToken(): string;
/** The cookie's name carries the port: several servers on one host do not overwrite each other. */
export declare function cookieName(port: number): string;
export type TokenSource = 'header' | 'cookie' | 'query' | null;
/** Where a valid token came from, or null when the request has none (or a wrong one). */
export declare function tokenOf(req: IncomingMessage, url: URL, token: string, port: number): TokenSource;
/** Host names a loopback-bound server answers to. */
export declare function loopbackHostAllowed(hostHeader: string | undefined, port: number): boolean;
/** Whether an address is loopback (127.0.0.0/8, ::1, localhost). */
export declare function isLoopback(host: string): boolean;
