import { type SectionResult } from './table.js';
export declare function benchBacktest(): Promise<SectionResult>;
