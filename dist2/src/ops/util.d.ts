/** JSON with bigints as decimal strings (int64 does not fit a JSON number). */
export declare function toJson(v: unknown, indent?: number): string;
/** 1536 → "1.5 KiB". */
export declare function formatBytes(n: number): string;
export declare function formatCount(n: number): string;
/** ISO-8601 UTC for a ts ≥ 0, else null. */
export declare function isoOrNull(ts: bigint | null): string | null;
/** Throws NOT_FOUND (exit 74) when `dir` is not an existing directory. */
export declare function requireDir(dir: string): void;
/** Rows of [label, value] as aligned text, indented by `indent`. */
export declare function alignRows(rows: readonly (readonly [string, string])[], indent?: string): string[];
/** A table: columns right-aligned when `right[i]`, left otherwise. */
export declare function table(rows: readonly (readonly string[])[], right: readonly boolean[], indent?: string): string[];
