/**
 * Headless Chromium for the UI tests: Debian's `chromium` (which .ci/run installs) driven by
 * playwright-core, in a fresh profile per launch. Fails loudly when the browser is missing: a UI
 * test that cannot run is a failure, never a skip.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
export const CHROMIUM = process.env.TAPEDECK_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
];
export async function launchBrowser() {
    if (!fs.existsSync(CHROMIUM)) {
        throw new Error(`${CHROMIUM} not found: the UI tests need Debian's chromium (apt-get install -y chromium; .ci/run installs it)`);
    }
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'tapedeck-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_FLAGS,
        viewport: { width: 1280, height: 900 },
    });
    return {
        context,
        async close() {
            await context.close();
            fs.rmSync(profile, { recursive: true, force: true });
        },
    };
}
/** Where screenshots of a test run go (git-ignored): test-artifacts/ui/. */
export function artifactsDir(repoRoot) {
    const d = path.join(repoRoot, 'test-artifacts', 'ui');
    fs.mkdirSync(d, { recursive: true });
    return d;
}
//# sourceMappingURL=browser.js.map