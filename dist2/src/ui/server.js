/**
 * `startUiServer`: the local web server behind `tapedeck ui`. It serves a small single-page app
 * (static files from web/ and uPlot from node_modules, listed once at start: a request names a
 * file by its route, never by a path) and the JSON API (api.ts) over the recordings it was given.
 *
 * Security (see security.ts): loopback by default; every request needs the run's token; on
 * loopback the Host header must be a loopback name; GET/HEAD everywhere, POST only for the deck's
 * controls and starting a verify, with a JSON body from this origin; a strict CSP on every answer.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { TapedeckError } from '../errors.js';
import { handleApi } from './api.js';
import { Catalog } from './catalog.js';
import { cookieName, isLoopback, loopbackHostAllowed, newToken, SECURITY_HEADERS, tokenOf } from './security.js';
const TYPES = {
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8',
    '.svg': 'image/svg+xml',
    '.png': 'image/png',
};
/** Largest POST body accepted (a deck control is a few dozen bytes). */
const BODY_MAX_BYTES = 16 * 1024;
/** The repository (or package) root: dist/src/ui/server.js is three levels below it. */
function packageRoot() {
    return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}
/** Route → file, for every file served: web/ (flat and one level of folders) and uPlot's dist. */
export function staticRoutes(root = packageRoot()) {
    const routes = new Map();
    const web = path.join(root, 'web');
    const walk = (dir, prefix, depth) => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
            const p = path.join(dir, e.name);
            if (e.isDirectory() && depth > 0)
                walk(p, `${prefix}${e.name}/`, depth - 1);
            else if (e.isFile() && TYPES[path.extname(e.name)])
                routes.set(`/app/${prefix}${e.name}`, p);
        }
    };
    walk(web, '', 1);
    routes.set('/', path.join(web, 'index.html'));
    const uplotDist = path.dirname(createRequire(import.meta.url).resolve('uplot'));
    routes.set('/vendor/uPlot.esm.js', path.join(uplotDist, 'uPlot.esm.js'));
    routes.set('/vendor/uPlot.min.css', path.join(uplotDist, 'uPlot.min.css'));
    return routes;
}
function send(res, status, body, type, extra = {}) {
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, 'content-length': String(Buffer.byteLength(body)), ...extra });
    res.end(res.req.method === 'HEAD' ? undefined : body);
}
function sendJson(res, status, v) {
    send(res, status, JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)), 'application/json; charset=utf-8');
}
function statusOf(err) {
    if (err instanceof TapedeckError) {
        if (err.code === 'NOT_FOUND')
            return 404;
        if (err.code === 'BAD_ARGUMENT' || err.code === 'VALIDATION')
            return 400;
    }
    return 500;
}
function readBody(req) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        let n = 0;
        req.on('data', (c) => {
            n += c.length;
            if (n > BODY_MAX_BYTES) {
                reject(new TapedeckError('BAD_ARGUMENT', `request body over ${BODY_MAX_BYTES} bytes`));
                req.destroy();
            }
            else
                chunks.push(c);
        });
        req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        req.on('error', reject);
    });
}
/** Starts the server over `dirs`; resolves once it listens. */
export async function startUiServer(dirs, opts = {}) {
    const host = opts.host ?? '127.0.0.1';
    const token = opts.token ?? newToken();
    const catalog = new Catalog(dirs);
    const routes = staticRoutes();
    const loopback = isLoopback(host);
    let port = 0;
    const server = http.createServer((req, res) => {
        void handle(req, res).catch((err) => {
            if (!res.headersSent)
                sendJson(res, statusOf(err), { error: err instanceof Error ? err.message : String(err), code: err instanceof TapedeckError ? err.code : 'INTERNAL' });
            else
                res.destroy();
        });
    });
    async function handle(req, res) {
        const method = req.method ?? 'GET';
        if (loopback && !loopbackHostAllowed(req.headers.host, port)) {
            return sendJson(res, 403, { error: 'this server answers only to its loopback address', code: 'FORBIDDEN' });
        }
        // The raw target, not normalized: a '..' anywhere is refused outright.
        const raw = req.url ?? '/';
        let url;
        try {
            url = new URL(raw, 'http://localhost');
        }
        catch {
            return sendJson(res, 400, { error: 'bad request target', code: 'BAD_ARGUMENT' });
        }
        const source = tokenOf(req, url, token, port);
        if (source === null)
            return sendJson(res, 401, { error: 'missing or wrong access token (use the URL `tapedeck ui` printed)', code: 'UNAUTHORIZED' });
        let decoded;
        try {
            decoded = decodeURIComponent(url.pathname);
        }
        catch {
            return sendJson(res, 400, { error: 'bad percent-encoding in the path', code: 'BAD_ARGUMENT' });
        }
        if (raw.includes('..') || decoded.includes('..') || decoded.includes('\\') || decoded.includes('\0')) {
            return sendJson(res, 404, { error: 'not found', code: 'NOT_FOUND' });
        }
        if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') {
            return sendJson(res, 405, { error: `method ${method} not allowed: this server is read-only except replay controls`, code: 'METHOD_NOT_ALLOWED' });
        }
        // The first page load carries the token in the query: swap it for a cookie and drop it from
        // the address bar (and so from history and any Referer).
        if (source === 'query' && method === 'GET' && url.pathname === '/') {
            res.writeHead(303, {
                ...SECURITY_HEADERS,
                location: '/',
                'set-cookie': `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`,
                'content-length': '0',
            });
            res.end();
            return;
        }
        if (url.pathname.startsWith('/api/')) {
            let body = null;
            if (method === 'POST') {
                const origin = req.headers.origin;
                if (origin !== undefined && loopback && !loopbackHostAllowed(origin.replace(/^http:\/\//, ''), port)) {
                    return sendJson(res, 403, { error: `cross-origin request from ${origin} refused`, code: 'FORBIDDEN' });
                }
                if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
                    return sendJson(res, 415, { error: 'POST bodies must be application/json', code: 'BAD_ARGUMENT' });
                }
                const text = await readBody(req);
                try {
                    body = text === '' ? {} : JSON.parse(text);
                }
                catch {
                    return sendJson(res, 400, { error: 'the body is not valid JSON', code: 'BAD_ARGUMENT' });
                }
            }
            const parts = url.pathname.slice('/api/'.length).split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
            const out = handleApi(catalog, { method, parts, query: url.searchParams, body });
            return sendJson(res, 200, out);
        }
        if (method === 'POST')
            return sendJson(res, 405, { error: 'POST is only for the API', code: 'METHOD_NOT_ALLOWED' });
        const file = routes.get(url.pathname);
        if (file === undefined)
            return sendJson(res, 404, { error: 'not found', code: 'NOT_FOUND' });
        const data = await fs.promises.readFile(file);
        send(res, 200, data, TYPES[path.extname(file)] ?? 'application/octet-stream');
    }
    await new Promise((resolve, reject) => {
        server.once('error', (e) => reject(new TapedeckError(e.code === 'EADDRINUSE' ? 'BAD_ARGUMENT' : 'IO', `cannot listen on ${host}:${opts.port ?? 0}: ${e.code ?? e.message}`, { host, port: opts.port ?? 0 })));
        server.listen(opts.port ?? 0, host, () => resolve());
    });
    port = server.address().port;
    const urlHost = host.includes(':') ? `[${host}]` : host;
    return {
        url: `http://${urlHost}:${port}/?token=${token}`,
        host,
        port,
        token,
        catalog,
        async close() {
            server.closeAllConnections();
            await new Promise((resolve) => server.close(() => resolve()));
            await catalog.close();
        },
    };
}
//# sourceMappingURL=server.js.map