import { type SectionResult } from './table.js';
export declare function benchCodec(): Promise<SectionResult>;
