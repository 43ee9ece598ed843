export declare function recordPayload(seq: number, batchStart: number, batchSize: number): Buffer;
