export interface SimResult {
    seed: number;
    ok: boolean;
    problem: string | null;
    steps: number;
    powerLosses: number;
    reopens: number;
    pointInTimeReopens: number;
    records: number;
}
export interface SimOptions {
    steps?: number;
    /** The canary: a disk whose fsync does nothing must make the check fail. */
    brokenSync?: boolean;
}
export declare function simulate(seed: number, opts?: SimOptions): Promise<SimResult>;
export declare function replayHint(seed: number, opts?: SimOptions): string;
