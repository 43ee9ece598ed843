export declare const MA_JS: string;
export declare const MA_TS: string;
/** A 20-second one-symbol scenario file named `name` (about 800 ticks). */
export declare function writeScenarioFile(dir: string, name: string, symbol?: string): string;
/** A recording of the short scenario with another symbol and seed. */
export declare function writeRecording(dir: string, name: string): Promise<string>;
/**
 * ma-crossover with two switches: `boom` throws from onTick at the 50th tick; `hog` allocates
 * until the thread runs out of memory.
 */
export declare function writeFaultyStrategy(dir: string): string;
