/**
 * Splits one CSV record; null when a quoted cell is still open at the end (needs the next line).
 * `quoted`, when given, receives which cells were quoted (so "" can mean an empty string).
 */
export declare function splitCsvRecord(text: string, quoted?: boolean[]): string[] | null;
export declare class CsvEvents {
    readonly columns: string[];
    private pendingText;
    private pendingPosition;
    /** `header` is the first record (already split). */
    constructor(header: string[], position?: string);
    /**
     * Feeds one physical line. Returns the event object of a complete record, 'more' while a quoted
     * cell spans lines, or null for a blank line. Throws ValidationError for a bad row.
     */
    push(line: string, position?: string): Record<string, unknown> | 'more' | null;
    /** Text of a record left open at end of input, if any. */
    unfinished(): {
        text: string;
        position: string | undefined;
    } | null;
    toEvent(cells: string[], position?: string, quoted?: boolean[]): Record<string, unknown>;
}
