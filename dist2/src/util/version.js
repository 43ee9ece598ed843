/** tapedeck's own version, read from the package.json above this module (src/ or dist/src/): a file read, no clock. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
function findVersion() {
    let dir = path.dirname(fileURLToPath(import.meta.url));
    for (let i = 0; i < 6; i++) {
        try {
            const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
            if (pkg.name === 'tapedeck' && typeof pkg.version === 'string')
                return pkg.version;
        }
        catch {
            // Not here: keep walking up.
        }
        dir = path.dirname(dir);
    }
    return '0.0.0-unknown';
}
export const TAPEDECK_VERSION = findVersion();
//# sourceMappingURL=version.js.map