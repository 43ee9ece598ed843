/**
 * `tapedeck ui [dir...]`: a local web server with the recordings view, the live dashboard, the
 * replay deck and backtest reports (src/ui). Prints the URL, with this run's access token, as
 * the first line of stdout, and serves until SIGINT/SIGTERM.
 */
import { spawn } from 'node:child_process';
import { TapedeckError } from '../../errors.js';
import { resolvePath } from '../io.js';
/** Opens a URL in the desktop's browser, best effort. */
function openBrowser(io, url) {
    const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
    const failed = () => io.stderr.write(`tapedeck: could not run ${cmd} to open the browser; open the URL yourself\n`);
    try {
        const child = spawn(cmd, [url], { stdio: 'ignore', detached: true });
        child.on('error', failed);
        child.unref();
    }
    catch {
        failed();
    }
}
export default function uiCommand(io) {
    return {
        builder: (y) => y
            .positional('dirs', { type: 'string', array: true, default: [], describe: 'Recording directories (default: every recording under recordings/)' })
            .option('port', { type: 'number', default: 0, describe: 'Port to listen on (0: a free one)' })
            .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to bind; anything but loopback exposes your recordings to the network (a warning is printed)' })
            .option('open', { type: 'boolean', default: false, describe: 'Open the URL in the default browser' })
            .option('json', { type: 'boolean', default: false, describe: 'Print {url, host, port, recordings} as one JSON line instead of the URL' })
            .example('$0 ui', 'Serve every recording under recordings/ on a free loopback port')
            .example('$0 ui rec/live rec/backtest-1 --port 8080 --open', 'Two recordings on a fixed port, and open the browser'),
        handler: async (argv) => {
            if (!Number.isInteger(argv.port) || argv.port < 0 || argv.port > 65535) {
                throw new TapedeckError('BAD_ARGUMENT', `--port must be a whole number 0..65535, got ${argv.port}`);
            }
            const { findRecordings, startUiServer } = await import('../../ui/index.js');
            const { isLoopback } = await import('../../ui/security.js');
            const dirs = argv.dirs.length > 0 ? argv.dirs.map((d) => resolvePath(io, d)) : findRecordings(resolvePath(io, 'recordings'));
            if (dirs.length === 0)
                throw new TapedeckError('BAD_ARGUMENT', 'no recordings given and none found under recordings/: name at least one recording directory');
            if (!isLoopback(argv.host)) {
                io.stderr.write(`tapedeck: warning: listening on ${argv.host}, not loopback: anyone who can reach this address and has the token can read these recordings\n`);
            }
            const server = await startUiServer(dirs, { host: argv.host, port: argv.port });
            try {
                const recordings = server.catalog.entries.map((e) => ({ id: e.id, dir: e.name }));
                if (argv.json)
                    io.stdout.write(`${JSON.stringify({ url: server.url, host: server.host, port: server.port, recordings })}\n`);
                else {
                    io.stdout.write(`${server.url}\n`);
                    io.stderr.write(`tapedeck ui: serving ${recordings.length} recording${recordings.length === 1 ? '' : 's'} (${recordings.map((r) => r.dir).join(', ')}); Ctrl-C to stop\n`);
                }
                if (argv.open)
                    openBrowser(io, server.url);
                await new Promise((resolve) => {
                    const stop = () => {
                        io.signals.off('SIGINT', stop);
                        io.signals.off('SIGTERM', stop);
                        resolve();
                    };
                    io.signals.on('SIGINT', stop);
                    io.signals.on('SIGTERM', stop);
                });
            }
            finally {
                await server.close();
            }
        },
    };
}
//# sourceMappingURL=ui.js.map