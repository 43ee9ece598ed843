/**
 * A CPU profile (node --cpu-prof) of the log's append and scan paths, in child processes; the top
 * self-time functions of each go into a short "Profile" note in bench/README.md.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CHILD } from './log.js';
import { CONFIG, fmtCount, log, ROOT, rmrf, scratch } from './table.js';
export function topSelf(file, k = 5) {
    const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
    const byId = new Map(prof.nodes.map((n) => [n.id, n]));
    const self = new Map();
    let total = 0;
    for (let i = 0; i < prof.samples.length; i++) {
        const node = byId.get(prof.samples[i]);
        const dt = prof.timeDeltas[i + 1] ?? 0; // a sample's time runs until the next sample
        if (!node)
            continue;
        const cf = node.callFrame;
        if (cf.functionName === '(idle)')
            continue;
        total += dt;
        let url = cf.url.replace(/^file:\/\//, '');
        if (url.startsWith(ROOT))
            url = path.relative(ROOT, url);
        url = url.replace(/^.*node_modules\//, '');
        const where = url ? `${url}:${cf.lineNumber + 1}` : '';
        const name = cf.functionName || '(anonymous)';
        const key = `${name}@${where}`;
        const e = self.get(key) ?? { name, where, us: 0 };
        e.us += dt;
        self.set(key, e);
    }
    const top = [...self.values()]
        .sort((a, b) => b.us - a.us)
        .slice(0, k)
        .map((e) => ({ name: e.name, where: e.where, selfMs: e.us / 1000, pct: (e.us / total) * 100 }));
    return { total: total / 1000, top };
}
function profileRun(args, profDir) {
    fs.mkdirSync(profDir, { recursive: true });
    const r = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profDir}`, CHILD, ...args], { encoding: 'utf8' });
    if (r.status !== 0)
        throw new Error(`profiled child failed (${r.status}): ${r.stderr}`);
    const files = fs.readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile'));
    if (files.length !== 1)
        throw new Error(`expected one .cpuprofile in ${profDir}, found ${files.length}`);
    return path.join(profDir, files[0]);
}
export async function benchProfile() {
    const N = Math.max(CONFIG.records, 1_000_000);
    const work = scratch('profile');
    const dir = path.join(work, 'log');
    const tables = [];
    log(`profile: append ${fmtCount(N)} (batched write())`);
    const appendProf = profileRun(['append', dir, String(N)], path.join(work, 'append'));
    log('profile: scan ×3');
    const scanProf = profileRun(['scan', dir], path.join(work, 'scan'));
    for (const [what, file] of [
        [`append path: ${fmtCount(N)} × batched \`write()\` in chunks of 1000, then close`, appendProf],
        [`scan path: 3 × full \`openReader(dir).scan()\` of those ${fmtCount(N)} records`, scanProf],
    ]) {
        const { total, top } = topSelf(file);
        tables.push({
            caption: `${what} (${(total / 1000).toFixed(2)} s of samples)`,
            header: ['#', 'function (self time)', 'where', 'self ms', '% of samples'],
            rows: top.map((h, i) => [`${i + 1}`, `\`${h.name}\``, h.where || '(native / VM)', h.selfMs.toFixed(0), `${h.pct.toFixed(1)}%`]),
        });
    }
    // Keep the raw profiles for a closer look (bench/out is git-ignored); drop the log itself.
    const keep = path.join(ROOT, 'bench', 'out', 'profiles');
    fs.mkdirSync(keep, { recursive: true });
    fs.copyFileSync(appendProf, path.join(keep, 'append.cpuprofile'));
    fs.copyFileSync(scanProf, path.join(keep, 'scan.cpuprofile'));
    rmrf(work);
    return {
        id: 'profile',
        title: 'Profile: where the log spends its time',
        intro: `Line numbers are of the compiled JavaScript under dist/ (tsc keeps it close to src/…ts; the .js.map files map it back). One run each under \`node --cpu-prof\` (child processes; the profiles are kept in bench/out/profiles/ for Chrome DevTools or speedscope). Top 5 functions by self time; \`(garbage collector)\` and \`(program)\` are V8's own buckets.`,
        tables,
    };
}
//# sourceMappingURL=profile.js.map