/**
 * The NATS connection module: address parsing and masking, where credentials come from, TLS
 * passed through, and connecting to a real nats-server (plain, user/password, token, TLS), plus
 * the server helper's kill/restart keeping the JetStream store.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { encodeAccount, encodeOperator, encodeUser, fmtCreds } from '@nats-io/jwt';
import { createAccount, createOperator, createUser } from '@nats-io/nkeys';
import { connectNats, natsClientOptions, parseNatsUrl, resolveNatsAuth, resolveNatsTls, TapedeckError } from '../src/index.js';
import { natsServerBinary, startNatsServer } from './helpers/nats-server.js';
import { runScenario } from '../src/scenario/index.js';
import { runCli } from './helpers/cli.js';
import { rm, tmpDir } from './helpers/tmp.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as TapedeckError).code;
  }
  return undefined;
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

test('nats server - the binary is installed (the NATS tests never skip)', () => {
  assert.ok(fs.existsSync(natsServerBinary()));
});

test('nats url - servers, default port, prefix, scheme', () => {
  const e = parseNatsUrl('nats://127.0.0.1:4333/md.live');
  assert.equal(e.servers, ['127.0.0.1:4333']);
  assert.is(e.prefix, 'md.live');
  assert.is(e.tlsRequired, false);
  assert.is(e.display, 'nats://127.0.0.1:4333/md.live');
  assert.equal(parseNatsUrl('nats://localhost').servers, ['localhost:4222']);
  assert.is(parseNatsUrl('nats://h:1/a/b/').prefix, 'a.b');
  assert.equal(parseNatsUrl('tls://a:1,b:2').servers, ['a:1', 'b:2']);
  assert.is(parseNatsUrl('tls://a:1').tlsRequired, true);
  assert.equal(parseNatsUrl('nats://[::1]:5000').servers, ['[::1]:5000']);
});

test('nats url - user info is parsed, percent-decoded and masked in display and errors', () => {
  const e = parseNatsUrl('nats://alice:s%40cret@h:1/p');
  assert.is(e.user, 'alice');
  assert.is(e.pass, 's@cret');
  assert.is(e.display, 'nats://***@h:1/p');
  const t = parseNatsUrl('nats://tok123@h:1');
  assert.is(t.token, 'tok123');
  assert.is(t.display, 'nats://***@h:1');
  try {
    parseNatsUrl('nats://alice:hunter2@h:99999');
    assert.unreachable('port out of range must throw');
  } catch (err) {
    assert.is((err as TapedeckError).code, 'BAD_ARGUMENT');
    assert.not.match((err as Error).message, 'hunter2');
    assert.match((err as Error).message, '99999');
  }
});

test('nats url - bad addresses are usage errors', () => {
  for (const bad of ['localhost:4222', 'http://h:1', 'nats://', 'nats://h:0', 'nats://h:1?x=1', 'nats://h:1/a..b', 'nats://h:1/a*', 'nats://:pw@h:1']) {
    assert.is(codeOf(() => parseNatsUrl(bad)), 'BAD_ARGUMENT', bad);
  }
});

test('nats auth - URL first, then creds file, then user/password, then token from the environment', () => {
  const env = { NATS_USER: 'u', NATS_PASSWORD: 'p', NATS_TOKEN: 't', NATS_CREDS: '/x.creds' };
  assert.equal(resolveNatsAuth(parseNatsUrl('nats://a:b@h'), { env }), { kind: 'user', user: 'a', pass: 'b', from: 'url' });
  assert.equal(resolveNatsAuth(parseNatsUrl('nats://h'), { env, credsFile: '/y.creds' }), { kind: 'creds', file: '/y.creds', from: 'option' });
  assert.equal(resolveNatsAuth(parseNatsUrl('nats://h'), { env }), { kind: 'creds', file: '/x.creds', from: 'env' });
  assert.equal(resolveNatsAuth(parseNatsUrl('nats://h'), { env: { NATS_USER: 'u', NATS_PASSWORD: 'p', NATS_TOKEN: 't' } }), {
    kind: 'user',
    user: 'u',
    pass: 'p',
    from: 'env',
  });
  assert.equal(resolveNatsAuth(parseNatsUrl('nats://h'), { env: { NATS_TOKEN: 't' } }), { kind: 'token', token: 't', from: 'env' });
  assert.equal(resolveNatsAuth(parseNatsUrl('nats://h'), {}), { kind: 'none' });
});

test('nats tls - options and environment pass through; tls:// alone requires TLS; half a client cert is refused', () => {
  assert.is(resolveNatsTls(parseNatsUrl('nats://h')), undefined);
  assert.equal(resolveNatsTls(parseNatsUrl('tls://h')), {});
  assert.equal(resolveNatsTls(parseNatsUrl('nats://h'), { env: { NATS_CA: '/ca.pem' } }), { caFile: '/ca.pem' });
  assert.equal(resolveNatsTls(parseNatsUrl('nats://h'), { tls: { caFile: '/a', certFile: '/c', keyFile: '/k' }, env: { NATS_CA: '/b' } }), {
    caFile: '/a',
    certFile: '/c',
    keyFile: '/k',
  });
  assert.is(codeOf(() => resolveNatsTls(parseNatsUrl('nats://h'), { tls: { certFile: '/c' } })), 'BAD_ARGUMENT');
  const client = natsClientOptions(parseNatsUrl('nats://s3cret@h:1'), { tls: { caFile: '/ca', rejectUnauthorized: false } });
  assert.equal(client.servers, ['h:1']);
  assert.equal(client.tls, { caFile: '/ca', rejectUnauthorized: false });
  assert.not.match(JSON.stringify(client), 's3cret', 'the secret travels only inside the authenticator');
});

test('nats auth - a missing creds file is an I/O error naming the file', () => {
  try {
    natsClientOptions(parseNatsUrl('nats://h'), { credsFile: '/nonexistent/u.creds' });
    assert.unreachable('must throw');
  } catch (err) {
    assert.is((err as TapedeckError).code, 'IO');
    assert.match((err as Error).message, '/nonexistent/u.creds');
  }
});

test('nats connect - a real server: publish and receive; nothing listening is an I/O error', async () => {
  const server = await startNatsServer();
  try {
    const nc = await connectNats(server.url, { name: 'tapedeck test' });
    const sub = nc.subscribe('t.x', { max: 1 });
    nc.publish('t.x', 'hello');
    for await (const m of sub) assert.is(m.string(), 'hello');
    await nc.close();
    const port = server.port;
    await server.kill();
    const err = await rejection(connectNats(`nats://127.0.0.1:${port}`, { reconnectAttemptsMax: 0, connectTimeoutMs: 1000 }));
    assert.is((err as TapedeckError).code, 'IO');
    assert.match(err.message, `nats://127.0.0.1:${port}`);
  } finally {
    await server.stop();
  }
});

test('nats connect - user/password from the URL or the environment, token; a wrong password never appears in the error', async () => {
  const server = await startNatsServer({
    config: 'authorization { users = [ { user: "rec", password: "pw-right-1" } ] }',
  });
  try {
    const hostPort = server.url.slice('nats://'.length);
    const a = await connectNats(`nats://rec:pw-right-1@${hostPort}`);
    await a.flush();
    await a.close();
    const b = await connectNats(server.url, { env: { NATS_USER: 'rec', NATS_PASSWORD: 'pw-right-1' } });
    await b.flush();
    await b.close();
    const err = await rejection(connectNats(`nats://rec:pw-wrong-9@${hostPort}`, { reconnectAttemptsMax: 0 }));
    assert.is((err as TapedeckError).code, 'IO');
    assert.match(err.message, 'nats://***@');
    assert.not.match(err.message, 'pw-wrong-9');
    assert.not.match(String((err as Error & { cause?: Error }).cause?.message), 'pw-wrong-9');
  } finally {
    await server.stop();
  }
  const tokenServer = await startNatsServer({ config: 'authorization { token: "tok-abc" }' });
  try {
    const c = await connectNats(tokenServer.url, { env: { NATS_TOKEN: 'tok-abc' } });
    await c.flush();
    await c.close();
  } finally {
    await tokenServer.stop();
  }
});

/**
 * Operator mode (decentralised JWT auth, as nsc sets up) on a real server: an operator, an
 * account it signs (preloaded in the server's memory resolver) and users the account signs, each
 * user a creds file (its JWT and nkey seed), as nsc would write it. A user of an account the
 * operator never signed is refused.
 */
async function operatorSetup(dir: string): Promise<{ config: string; goodCreds: string; strangerCreds: string; seed: string }> {
  const operator = createOperator();
  const account = createAccount();
  const operatorJwt = await encodeOperator('tapedeck-test-op', operator);
  // Limits are explicit: a claim without them allows no connection at all (-1: unlimited).
  const limits = { subs: -1, data: -1, payload: -1 };
  const accountJwt = await encodeAccount('MARKET', account, { limits: { ...limits, conn: -1, imports: -1, exports: -1, leaf: -1, wildcards: true } }, { signer: operator });
  const user = createUser();
  const goodCreds = path.join(dir, 'recorder.creds');
  fs.writeFileSync(goodCreds, fmtCreds(await encodeUser('recorder', user, account, limits), user), { mode: 0o600 });
  const stranger = createUser();
  const strangerCreds = path.join(dir, 'stranger.creds');
  fs.writeFileSync(strangerCreds, fmtCreds(await encodeUser('stranger', stranger, createAccount(), limits), stranger), { mode: 0o600 });
  const config = `operator: ${operatorJwt}\nresolver: MEMORY\nresolver_preload: {\n  ${account.getPublicKey()}: ${accountJwt}\n}\n`;
  return { config, goodCreds, strangerCreds, seed: new TextDecoder().decode(user.getSeed()) };
}

test('nats connect - a creds file (user JWT + nkey seed) logs in to a server in operator mode; an unknown account is refused', async () => {
  const dir = tmpDir('tapedeck-creds-');
  const { config, goodCreds, strangerCreds, seed } = await operatorSetup(dir);
  const server = await startNatsServer({ jetstream: false, config });
  try {
    // Without credentials the server refuses: the login below is real.
    const anonymous = await rejection(connectNats(server.url, { reconnectAttemptsMax: 0 }));
    assert.is((anonymous as TapedeckError).code, 'IO');
    const nc = await connectNats(server.url, { credsFile: goodCreds });
    const viaEnv = await connectNats(server.url, { env: { NATS_CREDS: goodCreds } });
    try {
      const sub = nc.subscribe('creds.x', { max: 1 });
      await nc.flush();
      viaEnv.publish('creds.x', 'signed in');
      for await (const m of sub) assert.is(m.string(), 'signed in');
    } finally {
      await nc.close();
      await viaEnv.close();
    }
    const err = await rejection(connectNats(server.url, { credsFile: strangerCreds, reconnectAttemptsMax: 0 }));
    assert.is((err as TapedeckError).code, 'IO');
    assert.not.match(err.message, seed);
    // From the CLI: --creds names the file; nothing of its content is printed.
    const src = path.join(dir, 'rec');
    await runScenario('flash-crash', { out: src, seed: 3, backtest: false });
    const replay = await runCli(['replay', src, '--max', '--to', `${server.url}/md`, '--creds', goodCreds]);
    assert.is(replay.code, 0, replay.stderr);
    assert.match(replay.stderr, /published \d+ events to nats:\/\/127\.0\.0\.1:\d+\/md/);
    const refused = await runCli(['replay', src, '--max', '--to', `${server.url}/md`, '--creds', strangerCreds]);
    assert.is(refused.code, 74, refused.stderr);
    for (const out of [replay.stdout, replay.stderr, refused.stdout, refused.stderr]) {
      assert.not.match(out, seed);
      assert.not.match(out, 'BEGIN NATS USER JWT');
    }
  } finally {
    await server.stop();
    rm(dir);
  }
});

test('nats connect - TLS options reach the client: a private CA verifies, without it the handshake fails', async () => {
  const dir = tmpDir('tapedeck-tls-');
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', cert,
  ], { stdio: 'ignore' });
  const server = await startNatsServer({ jetstream: false, config: `tls { cert_file: "${cert}", key_file: "${key}" }` });
  try {
    const url = `tls://127.0.0.1:${server.port}`;
    const nc = await connectNats(url, { tls: { caFile: cert } });
    assert.ok(nc.info?.tls_required, 'the server requires TLS');
    await nc.flush();
    await nc.close();
    const viaEnv = await connectNats(url, { env: { NATS_CA: cert } });
    await viaEnv.close();
    const err = await rejection(connectNats(url, { reconnectAttemptsMax: 0 }));
    assert.is((err as TapedeckError).code, 'IO');
  } finally {
    await server.stop();
    rm(dir);
  }
  assert.ok(!fs.existsSync(dir));
});

test('nats server helper - SIGKILL and restart on the same port keeps the JetStream store', async () => {
  const server = await startNatsServer();
  try {
    let nc = await connectNats(server.url);
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'KEEP', subjects: ['keep.>'] });
    await jetstream(nc).publish('keep.a', 'one');
    await nc.close();
    const port = server.port;
    const pid = server.pid;
    await server.kill('SIGKILL');
    assert.is(server.pid, undefined);
    await server.restart();
    assert.is(server.port, port);
    assert.is.not(server.pid, pid);
    nc = await connectNats(server.url);
    const info = await (await jetstreamManager(nc)).streams.info('KEEP');
    assert.is(info.state.messages, 1);
    await nc.close();
  } finally {
    await server.stop();
  }
  assert.ok(!fs.existsSync(server.storeDir));
});

test.run();
