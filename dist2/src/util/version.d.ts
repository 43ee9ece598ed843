export declare const TAPEDECK_VERSION: string;
