import { type SectionResult } from './table.js';
export declare function benchRecord(): Promise<SectionResult>;
