/**
 * The UI server's gate: a per-run access token on every request (a query parameter on the first
 * page load, which the server swaps for an HttpOnly SameSite=Strict cookie; or a header), the Host
 * header held to the loopback names when bound to loopback (so a DNS-rebinding page cannot reach
 * the server under another name), and the response headers every answer carries.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
export const TOKEN_HEADER = 'x-tapedeck-token';
/**
 * The content security policy: scripts, styles and connections only from this server, no inline
 * script, no frames, no forms, no plugins.
 */
export const CSP = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
].join('; ');
export const SECURITY_HEADERS = {
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
};
/** A fresh token: 24 random bytes, base64url. */
export function newToken() {
    return randomBytes(24).toString('base64url');
}
/** The cookie's name carries the port: several servers on one host do not overwrite each other. */
export function cookieName(port) {
    return `tapedeck-${port}`;
}
function same(a, b) {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
}
function cookie(req, name) {
    const h = req.headers.cookie;
    if (!h)
        return null;
    for (const part of h.split(';')) {
        const i = part.indexOf('=');
        if (i > 0 && part.slice(0, i).trim() === name)
            return part.slice(i + 1).trim();
    }
    return null;
}
/** Where a valid token came from, or null when the request has none (or a wrong one). */
export function tokenOf(req, url, token, port) {
    const h = req.headers[TOKEN_HEADER];
    if (typeof h === 'string' && same(h, token))
        return 'header';
    const c = cookie(req, cookieName(port));
    if (c !== null && same(c, token))
        return 'cookie';
    const q = url.searchParams.get('token');
    if (q !== null && same(q, token))
        return 'query';
    return null;
}
/** Host names a loopback-bound server answers to. */
export function loopbackHostAllowed(hostHeader, port) {
    if (!hostHeader)
        return false;
    return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(hostHeader.toLowerCase());
}
/** Whether an address is loopback (127.0.0.0/8, ::1, localhost). */
export function isLoopback(host) {
    return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
//# sourceMappingURL=security.js.map