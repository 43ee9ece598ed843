export interface NatsServerOptions {
    /** JetStream on (default true). */
    jetstream?: boolean;
    /** Extra server configuration (nats-server config syntax), e.g. an `authorization { … }` block. */
    config?: string;
    /** Lines of server output kept for error messages (default 60). */
    logLinesMax?: number;
}
export interface NatsServer {
    /** `nats://127.0.0.1:<port>` (no credentials). */
    readonly url: string;
    readonly port: number;
    /** The JetStream store directory; it survives kill() and restart(). */
    readonly storeDir: string;
    /** The pid of the running server (undefined while it is down). */
    readonly pid: number | undefined;
    /** Stop the server with a signal (default SIGKILL) and wait until it has exited. */
    kill(signal?: NodeJS.Signals): Promise<void>;
    /** Start it again on the same port with the same store; resolves when it is ready. */
    restart(): Promise<void>;
    /** The last lines the server printed (for failure messages). */
    log(): string;
    /** Kill the server and remove its store directory. */
    stop(): Promise<void>;
}
/** The nats-server binary: `NATS_SERVER_BIN`, then PATH, then Debian's install paths. Throws loudly when absent. */
export declare function natsServerBinary(): string;
export declare function startNatsServer(options?: NatsServerOptions): Promise<NatsServer>;
