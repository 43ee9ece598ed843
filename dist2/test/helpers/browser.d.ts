import { type BrowserContext } from 'playwright-core';
export declare const CHROMIUM: string;
export declare const CHROMIUM_FLAGS: string[];
export interface Browser {
    context: BrowserContext;
    close(): Promise<void>;
}
export declare function launchBrowser(): Promise<Browser>;
/** Where screenshots of a test run go (git-ignored): test-artifacts/ui/. */
export declare function artifactsDir(repoRoot: string): string;
