import { type SectionResult } from './table.js';
export declare function benchRoundtrip(): Promise<SectionResult>;
