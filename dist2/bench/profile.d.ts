import { type SectionResult } from './table.js';
export interface HotSpot {
    name: string;
    where: string;
    selfMs: number;
    pct: number;
}
export declare function topSelf(file: string, k?: number): {
    total: number;
    top: HotSpot[];
};
export declare function benchProfile(): Promise<SectionResult>;
