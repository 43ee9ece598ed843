export interface VerifyStatus {
    state: 'never' | 'running' | 'done' | 'failed';
    bytesDone: number;
    bytesTotal: number;
    /** verifyRecording's result (ts values as decimal strings) once done. */
    result: {
        ok: boolean;
        problems: {
            kind: string;
            file: string;
            offsetBytes: number;
            reason: string;
        }[];
        digest: string | null;
        records: number;
        tornTail: {
            file: string;
        } | null;
    } | null;
    /** Why the worker itself failed (not a verify finding). */
    error: string | null;
}
export declare class VerifyJob {
    readonly dir: string;
    private status;
    private worker;
    constructor(dir: string);
    get(): VerifyStatus;
    /** Starts a verify unless one is running; returns the status. */
    start(): VerifyStatus;
    close(): Promise<void>;
}
