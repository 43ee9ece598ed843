import { type SectionResult } from './table.js';
export declare const CHILD: string;
export declare function benchLog(): Promise<SectionResult>;
