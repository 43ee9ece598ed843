/** Byte sizes as people write them: 1048576, 512k, 64M, 64MiB, 1.5GB (k/M/G are binary, 1024-based). */
import { TapedeckError } from '../errors.js';
const SIZE = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)?$/i;
const UNITS = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
export function parseSize(input) {
    if (typeof input === 'number') {
        if (Number.isSafeInteger(input) && input > 0)
            return input;
    }
    else {
        const m = SIZE.exec(input.trim());
        if (m) {
            const unit = UNITS[(m[2] ?? 'b')[0].toLowerCase()];
            const n = Math.floor(Number(m[1]) * unit);
            if (Number.isSafeInteger(n) && n > 0)
                return n;
        }
    }
    throw new TapedeckError('BAD_ARGUMENT', `size "${input}" is not a byte count like 1048576, 512k, 64MiB or 1GiB`, { size: input });
}
//# sourceMappingURL=size.js.map