export declare function parseSize(input: string | number): number;
