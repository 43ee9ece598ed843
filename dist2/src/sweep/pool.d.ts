import { type PoolTask, type PoolTaskResult } from './tasks.js';
export interface PoolOptions {
    /** Threads; default the number of cores (os.availableParallelism()). */
    workers?: number;
    /** Heap cap per thread (old generation), MiB. Default 1024. */
    memoryMbMax?: number;
}
export declare const POOL_MEMORY_MB_DEFAULT = 1024;
export declare function defaultWorkers(): number;
export declare class WorkerPool {
    readonly workers: number;
    readonly memoryMbMax: number;
    private readonly slots;
    private readonly queue;
    private nextId;
    private closed;
    /** Threads that died (crash, out of memory) and were replaced. */
    deaths: number;
    constructor(options?: PoolOptions);
    run(task: PoolTask): Promise<PoolTaskResult>;
    /** Stops every thread; queued tasks are rejected. */
    close(): Promise<void>;
    private dispatch;
    private spawn;
}
