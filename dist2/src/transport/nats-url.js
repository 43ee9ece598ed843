/**
 * NATS addresses as tapedeck takes them, parsed without I/O: which servers, TLS or not, a subject
 * prefix, and where the credentials come from. Secrets never leave this module in a printable form:
 * `display` is the address with any user info replaced by `***`, and it is the only form that goes
 * into messages and logs.
 *
 *   nats://[user:pass@ | token@]host[:port][,host[:port]…][/prefix]
 *   tls://…   (the same, TLS required)
 *
 * The prefix is a dotted NATS subject prefix (`/md.live` → `md.live`). Credentials are taken, in
 * this order, from the URL's user info, a creds file (`--creds FILE` or `NATS_CREDS`), `NATS_USER`
 * with `NATS_PASSWORD`, or `NATS_TOKEN`; TLS files from options or `NATS_CA`, `NATS_CERT`,
 * `NATS_KEY` (the names the `nats` CLI uses). A URL in an environment variable keeps a password
 * off the command line; a creds file keeps it out of the environment as well.
 */
import { TapedeckError } from '../errors.js';
export const NATS_PORT_DEFAULT = 4222;
/** A NATS subject token: no whitespace, no `.`, and no wildcards. */
const TOKEN = /^[^\s.*>]+$/;
function badUrl(text, problem) {
    return new TapedeckError('BAD_ARGUMENT', `bad NATS address ${maskUserInfo(text)}: ${problem}`, { field: 'url' });
}
/** The text with anything between `://` and `@` masked (used before the URL is known to parse). */
export function maskUserInfo(text) {
    return text.replace(/^([a-z]+:\/\/)[^@/]*@/i, '$1***@');
}
function decode(text, part, raw) {
    try {
        return decodeURIComponent(part);
    }
    catch {
        throw badUrl(raw, 'user info is not valid percent-encoding');
    }
}
export function parseNatsUrl(text) {
    const m = /^([a-z]+):\/\/(.*)$/i.exec(text.trim());
    if (!m)
        throw badUrl(text, 'expected nats://host:port or tls://host:port');
    const scheme = m[1].toLowerCase();
    if (scheme !== 'nats' && scheme !== 'tls')
        throw badUrl(text, `scheme "${scheme}" is not nats:// or tls://`);
    let rest = m[2];
    if (rest.includes('?') || rest.includes('#'))
        throw badUrl(text, 'query strings and fragments are not supported');
    let user;
    let pass;
    let token;
    const at = rest.lastIndexOf('@', rest.indexOf('/') < 0 ? rest.length : rest.indexOf('/'));
    if (at >= 0) {
        const info = rest.slice(0, at);
        rest = rest.slice(at + 1);
        const colon = info.indexOf(':');
        if (colon >= 0) {
            user = decode(text, info.slice(0, colon), text);
            pass = decode(text, info.slice(colon + 1), text);
            if (!user)
                throw badUrl(text, 'user info has a password but no user');
        }
        else {
            token = decode(text, info, text);
            if (!token)
                throw badUrl(text, 'user info is empty');
        }
    }
    const slash = rest.indexOf('/');
    const hostPart = slash < 0 ? rest : rest.slice(0, slash);
    const pathPart = slash < 0 ? '' : rest.slice(slash + 1).replace(/\/+$/, '');
    const servers = hostPart.split(',').map((hp) => {
        const h = /^(\[[0-9a-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d+))?$/i.exec(hp);
        if (!h)
            throw badUrl(text, `"${hp}" is not host[:port]`);
        const port = h[2] === undefined ? NATS_PORT_DEFAULT : Number(h[2]);
        if (!Number.isInteger(port) || port < 1 || port > 65535)
            throw badUrl(text, `port ${h[2]} is out of range 1..65535`);
        return `${h[1]}:${port}`;
    });
    let prefix;
    if (pathPart) {
        const tokens = pathPart.split(/[./]/);
        for (const t of tokens)
            if (!TOKEN.test(t))
                throw badUrl(text, `subject prefix "${pathPart}" has an empty or invalid token "${t}"`);
        prefix = tokens.join('.');
    }
    const masked = user !== undefined || token !== undefined ? '***@' : '';
    return {
        servers,
        tlsRequired: scheme === 'tls',
        prefix,
        user,
        pass,
        token,
        display: `${scheme}://${masked}${servers.join(',')}${prefix ? `/${prefix}` : ''}`,
    };
}
export function resolveNatsAuth(endpoint, sources = {}) {
    const env = sources.env ?? {};
    if (endpoint.user !== undefined)
        return { kind: 'user', user: endpoint.user, pass: endpoint.pass ?? '', from: 'url' };
    if (endpoint.token !== undefined)
        return { kind: 'token', token: endpoint.token, from: 'url' };
    if (sources.credsFile)
        return { kind: 'creds', file: sources.credsFile, from: 'option' };
    if (env.NATS_CREDS)
        return { kind: 'creds', file: env.NATS_CREDS, from: 'env' };
    if (env.NATS_USER)
        return { kind: 'user', user: env.NATS_USER, pass: env.NATS_PASSWORD ?? '', from: 'env' };
    if (env.NATS_TOKEN)
        return { kind: 'token', token: env.NATS_TOKEN, from: 'env' };
    return { kind: 'none' };
}
/** TLS options from explicit options, else the environment; undefined when nothing asks for TLS. */
export function resolveNatsTls(endpoint, sources = {}) {
    const env = sources.env ?? {};
    const tls = { ...sources.tls };
    tls.caFile ??= env.NATS_CA || undefined;
    tls.certFile ??= env.NATS_CERT || undefined;
    tls.keyFile ??= env.NATS_KEY || undefined;
    for (const k of Object.keys(tls))
        if (tls[k] === undefined)
            delete tls[k];
    if ((tls.certFile === undefined) !== (tls.keyFile === undefined)) {
        throw new TapedeckError('BAD_ARGUMENT', `TLS for ${endpoint.display}: a client certificate needs both a cert file and a key file`, {
            field: tls.certFile === undefined ? 'certFile' : 'keyFile',
        });
    }
    return endpoint.tlsRequired || Object.keys(tls).length > 0 ? tls : undefined;
}
/** A one-line description of the auth in use, safe to print (no secret, only where it came from). */
export function describeNatsAuth(auth) {
    switch (auth.kind) {
        case 'none':
            return 'no credentials';
        case 'user':
            return `user "${auth.user}" with a password from the ${auth.from === 'url' ? 'URL' : 'environment'}`;
        case 'token':
            return `a token from the ${auth.from === 'url' ? 'URL' : 'environment'}`;
        case 'creds':
            return `creds file ${auth.file}`;
    }
}
//# sourceMappingURL=nats-url.js.map