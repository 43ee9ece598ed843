/**
 * The DBN metadata header, per version (`decode/dbn/fsm.rs` decode_metadata_impl and
 * `encode/dbn/sync.rs` MetadataEncoder in Databento's `dbn` crate):
 *
 *   "DBN" u8 version, u32 length (bytes after these 8)
 *   dataset     cstr[16]
 *   schema      u16 (0xFFFF: none, a mix)
 *   start       u64 ns          end u64 ns (UNDEF_TIMESTAMP: none)     limit u64 (0: none)
 *   v1 only:    record_count u64 (deprecated)
 *   stype_in    u8 (0xFF: none)    stype_out u8    ts_out u8 (bool)
 *   v2, v3:     symbol_cstr_len u16     (v1: 22)
 *   reserved    v1: 47 bytes, v2/v3: 53 bytes
 *   schema_definition_length u32 (must be 0)
 *   symbols, partial, not_found:  u32 count, then count × cstr[symbol_cstr_len]
 *   mappings:   u32 count, then per mapping: raw_symbol cstr, u32 interval count, then per interval
 *               start_date u32 (YYYYMMDD), end_date u32, symbol cstr
 *   v3: zero padding up to a multiple of 8 of the length.
 */
import { TapedeckError } from '../../errors.js';
import { SCHEMAS, STYPES, UNDEF_TIMESTAMP } from './layout.js';
export const DBN_MAGIC = [0x44, 0x42, 0x4e]; // "DBN"
export const PRELUDE_BYTES = 8;
const DATASET_CSTR_LEN = 16;
const FIXED_BYTES = 100;
/** A metadata header longer than this is refused before anything is allocated for it. */
export const METADATA_BYTES_MAX = 256 * 1024 * 1024;
function bad(source, offsetBytes, reason) {
    return new TapedeckError('BAD_INPUT', `${source}: DBN metadata at byte ${offsetBytes}: ${reason}`, { path: source, offsetBytes, reason });
}
/** The version and metadata length from the first 8 bytes, or an error naming what is wrong. */
export function decodePrelude(b, source) {
    if (b[0] !== DBN_MAGIC[0] || b[1] !== DBN_MAGIC[1] || b[2] !== DBN_MAGIC[2])
        throw bad(source, 0, 'not a DBN file (no "DBN" magic)');
    const version = b[3];
    if (version === 0)
        throw bad(source, 3, 'version 0 (legacy DBZ) is not supported');
    if (version > 3)
        throw bad(source, 3, `version ${version} is newer than the versions tapedeck reads (1, 2, 3)`);
    const lengthBytes = new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(4, true);
    if (lengthBytes < FIXED_BYTES)
        throw bad(source, 4, `metadata length ${lengthBytes} is shorter than the fixed part (${FIXED_BYTES})`);
    if (lengthBytes > METADATA_BYTES_MAX)
        throw bad(source, 4, `metadata length ${lengthBytes} exceeds the limit of ${METADATA_BYTES_MAX} bytes`);
    return { version: version, lengthBytes };
}
/** Decodes the metadata body (the `lengthBytes` after the prelude). Offsets in errors are file offsets. */
export function decodeMetadata(version, body, source) {
    const v = new DataView(body.buffer, body.byteOffset, body.byteLength);
    let pos = 0;
    const at = () => PRELUDE_BYTES + pos;
    const need = (n, what) => {
        if (pos + n > body.length)
            throw bad(source, at(), `ends inside ${what}`);
    };
    const cstr = (len, what) => {
        need(len, what);
        let end = pos;
        while (end < pos + len && body[end] !== 0)
            end++;
        const s = Buffer.from(body.buffer, body.byteOffset + pos, end - pos).toString('utf8');
        pos += len;
        return s;
    };
    const u32 = (what) => {
        need(4, what);
        const x = v.getUint32(pos, true);
        pos += 4;
        return x;
    };
    const dataset = cstr(DATASET_CSTR_LEN, 'dataset');
    const rawSchema = v.getUint16(pos, true);
    if (rawSchema !== 0xffff && SCHEMAS[rawSchema] === undefined)
        throw bad(source, at(), `unknown schema ${rawSchema}`);
    pos += 2;
    const start = v.getBigUint64(pos, true);
    const end = v.getBigUint64(pos + 8, true);
    const limit = v.getBigUint64(pos + 16, true);
    pos += 24;
    if (version === 1)
        pos += 8; // record_count, deprecated
    const rawIn = body[pos];
    const rawOut = body[pos + 1];
    if (rawIn !== 0xff && STYPES[rawIn] === undefined)
        throw bad(source, at(), `unknown stype_in ${rawIn}`);
    if (STYPES[rawOut] === undefined)
        throw bad(source, at() + 1, `unknown stype_out ${rawOut}`);
    const tsOut = body[pos + 2] !== 0;
    pos += 3;
    let symbolCstrLen = 22;
    if (version > 1) {
        symbolCstrLen = v.getUint16(pos, true);
        pos += 2;
        if (symbolCstrLen === 0 || symbolCstrLen > 1024)
            throw bad(source, at() - 2, `implausible symbol_cstr_len ${symbolCstrLen}`);
    }
    pos += version === 1 ? 47 : 53;
    const schemaDefinitionLength = u32('schema_definition_length');
    if (schemaDefinitionLength !== 0)
        throw bad(source, at() - 4, 'schema definitions are not supported (schema_definition_length is not 0)');
    const repeated = (what) => {
        const n = u32(`${what} count`);
        need(n * symbolCstrLen, what);
        const out = [];
        for (let i = 0; i < n; i++)
            out.push(cstr(symbolCstrLen, what));
        return out;
    };
    const symbols = repeated('symbols');
    const partial = repeated('partial');
    const notFound = repeated('not_found');
    const nMappings = u32('mappings count');
    const mappings = [];
    for (let i = 0; i < nMappings; i++) {
        const rawSymbol = cstr(symbolCstrLen, `mapping ${i}`);
        const nIntervals = u32(`mapping ${i} interval count`);
        need(nIntervals * (8 + symbolCstrLen), `mapping ${i} intervals`);
        const intervals = [];
        for (let j = 0; j < nIntervals; j++) {
            const startDate = u32('start_date');
            const endDate = u32('end_date');
            intervals.push({ startDate, endDate, symbol: cstr(symbolCstrLen, 'interval symbol') });
        }
        mappings.push({ rawSymbol, intervals });
    }
    return {
        version,
        dataset,
        schema: rawSchema === 0xffff ? null : SCHEMAS[rawSchema],
        start,
        end: end === UNDEF_TIMESTAMP ? null : end,
        limit: limit === 0n ? null : limit,
        stypeIn: rawIn === 0xff ? null : STYPES[rawIn],
        stypeOut: STYPES[rawOut],
        tsOut,
        symbolCstrLen,
        symbols,
        partial,
        notFound,
        mappings,
    };
}
/** The metadata header bytes (prelude included) of `m` as DBN version `m.version` writes it. */
export function encodeMetadata(m) {
    const L = m.symbolCstrLen;
    const cstrCount = m.symbols.length + m.partial.length + m.notFound.length;
    const needed = FIXED_BYTES + 20 + cstrCount * L + m.mappings.reduce((n, mp) => n + L + 4 + mp.intervals.length * (8 + L), 0);
    const pad = m.version >= 3 && needed % 8 !== 0 ? 8 - (needed % 8) : 0;
    const length = needed + pad;
    const b = Buffer.alloc(PRELUDE_BYTES + length);
    b.set(DBN_MAGIC, 0);
    b[3] = m.version;
    b.writeUInt32LE(length, 4);
    let pos = PRELUDE_BYTES;
    const cstr = (s, len) => {
        const x = Buffer.from(s, 'utf8');
        if (x.length >= len)
            throw new RangeError(`DBN metadata: "${s}" does not fit ${len - 1} bytes`);
        b.set(x, pos);
        pos += len;
    };
    cstr(m.dataset, DATASET_CSTR_LEN);
    b.writeUInt16LE(m.schema === null ? 0xffff : SCHEMAS.indexOf(m.schema), pos);
    pos += 2;
    b.writeBigUInt64LE(m.start, pos);
    b.writeBigUInt64LE(m.end ?? UNDEF_TIMESTAMP, pos + 8);
    b.writeBigUInt64LE(m.limit ?? 0n, pos + 16);
    pos += 24;
    if (m.version === 1) {
        b.writeBigUInt64LE(UNDEF_TIMESTAMP, pos);
        pos += 8;
    }
    b[pos] = m.stypeIn === null ? 0xff : STYPES.indexOf(m.stypeIn);
    b[pos + 1] = STYPES.indexOf(m.stypeOut);
    b[pos + 2] = m.tsOut ? 1 : 0;
    pos += 3;
    if (m.version > 1) {
        b.writeUInt16LE(L, pos);
        pos += 2;
    }
    pos += m.version === 1 ? 47 : 53;
    b.writeUInt32LE(0, pos);
    pos += 4;
    for (const list of [m.symbols, m.partial, m.notFound]) {
        b.writeUInt32LE(list.length, pos);
        pos += 4;
        for (const s of list)
            cstr(s, L);
    }
    b.writeUInt32LE(m.mappings.length, pos);
    pos += 4;
    for (const mp of m.mappings) {
        cstr(mp.rawSymbol, L);
        b.writeUInt32LE(mp.intervals.length, pos);
        pos += 4;
        for (const iv of mp.intervals) {
            b.writeUInt32LE(iv.startDate, pos);
            b.writeUInt32LE(iv.endDate, pos + 4);
            pos += 8;
            cstr(iv.symbol, L);
        }
    }
    return b;
}
//# sourceMappingURL=metadata.js.map