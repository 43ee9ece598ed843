/**
 * The digest cache (docs/FORMAT.md §3.2): the recording digest (and the JSONL size `info` reports)
 * computed once per recording state and kept in a sidecar file, DIGEST.cache, beside the segments.
 *
 * It is derived data: it never changes the recording's digest, nothing requires it, and deleting
 * it only costs the next reader a full read. `tapedeck verify` never reads it (verify is the check).
 *
 * The key: for every segment file, in log order, its name, size, footer (record count, last seq,
 * chain checksum), mtime and ctime in nanoseconds and inode; plus a SHA-256 of the MANIFEST. Any
 * append, repair, compaction or rewrite changes a size, a footer, the segment list or the
 * manifest; a byte flipped in place (size unchanged) changes the file's mtime and ctime.
 * Only a recording whose segments are all sealed is cached: an active segment's tail can grow.
 *
 * Racy entries are never written (as git does for its index): a file modified within the same
 * clock tick as its stat would keep its mtime, so an entry is only written when every segment's
 * mtime is at least RACY_MARGIN_NS older than the cache file's own mtime (the filesystem's clock,
 * read from the temporary file before it is renamed into place).
 *
 * What a cache cannot catch: bytes changed without going through the filesystem (media or raw
 * device corruption), or a clock set back while a segment is rewritten with its old size, footer
 * and timestamps restored and its ctime forged. verify re-reads every byte and is the authority.
 *
 * A missing, unreadable, malformed or stale cache file is ignored (a miss); failing to write one
 * (a read-only directory) is ignored too.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { threadId } from 'node:worker_threads';
import { openReader } from '../log/index.js';
import { MANIFEST_NAME, TMP_SUFFIX } from '../log/names.js';
import { DIGEST_VERSION, digestRecordingDetailed, type DigestResult } from './digest.js';

export const DIGEST_CACHE_NAME = 'DIGEST.cache';
export const DIGEST_CACHE_VERSION = 1;
/** Segments modified less than this before the cache write are "racy": no entry is written. */
export const RACY_MARGIN_NS = 2_000_000_000n;

export interface DigestCacheEntry extends DigestResult {
  /** Bytes of the recording's events as canonical JSONL (what `info` reports), when known. */
  jsonlBytes?: number;
}

interface CacheFile {
  version: number;
  key: string;
  digest: string;
  records: number;
  jsonlBytes?: number;
}

/** The current key of a recording's state, and the newest segment mtime; null when not cacheable. */
export interface DigestCacheKey {
  key: string;
  newestMtimeNs: bigint;
}

/** The key of the recording's current state; null when a segment is unsealed (or there are none). */
export function digestCacheKey(dir: string): DigestCacheKey | null {
  let metas;
  try {
    metas = openReader(dir, { policy: 'tolerate-tail' }).segments();
  } catch {
    return null;
  }
  if (metas.length === 0) return null;
  const parts: string[] = [`digest v${DIGEST_VERSION}`];
  let newest = 0n;
  for (const m of metas) {
    const f = m.footer;
    if (!f) return null;
    let st: fs.BigIntStats;
    try {
      st = fs.statSync(m.path, { bigint: true });
    } catch {
      return null;
    }
    if (st.mtimeNs > newest) newest = st.mtimeNs;
    parts.push([m.name, st.size, f.recordCount, f.lastSeq, f.chain, st.mtimeNs, st.ctimeNs, st.ino].join(' '));
  }
  let manifest = 'none';
  try {
    manifest = createHash('sha256').update(fs.readFileSync(path.join(dir, MANIFEST_NAME))).digest('hex');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return null;
  }
  parts.push(`manifest ${manifest}`);
  return { key: parts.join('\n'), newestMtimeNs: newest };
}

/** The cached entry for this key, or null (missing, corrupt, another version, or stale). */
export function readDigestCache(dir: string, key: DigestCacheKey): DigestCacheEntry | null {
  let c: CacheFile;
  try {
    c = JSON.parse(fs.readFileSync(path.join(dir, DIGEST_CACHE_NAME), 'utf8')) as CacheFile;
  } catch {
    return null;
  }
  if (c === null || typeof c !== 'object' || c.version !== DIGEST_CACHE_VERSION || c.key !== key.key) return null;
  if (typeof c.digest !== 'string' || !/^[0-9a-f]{64}$/.test(c.digest)) return null;
  if (!Number.isSafeInteger(c.records) || c.records < 0) return null;
  const e: DigestCacheEntry = { digest: c.digest, records: c.records };
  if (c.jsonlBytes !== undefined) {
    if (!Number.isSafeInteger(c.jsonlBytes) || c.jsonlBytes < 0) return null;
    e.jsonlBytes = c.jsonlBytes;
  }
  return e;
}

/**
 * Stores an entry computed from the state `key` was taken of, if the recording is still in that
 * state and not racy. Returns whether it was written; never throws.
 */
export function writeDigestCache(dir: string, key: DigestCacheKey, entry: DigestCacheEntry): boolean {
  const now = digestCacheKey(dir);
  if (now === null || now.key !== key.key) return false;
  const file: CacheFile = { version: DIGEST_CACHE_VERSION, key: key.key, digest: entry.digest, records: entry.records };
  if (entry.jsonlBytes !== undefined) file.jsonlBytes = entry.jsonlBytes;
  const target = path.join(dir, DIGEST_CACHE_NAME);
  // One temporary file per writer: sweep workers may cache the same input at the same time.
  const tmp = `${target}.${process.pid}-${threadId}${TMP_SUFFIX}`;
  try {
    fs.writeFileSync(tmp, JSON.stringify(file) + '\n');
    const written = fs.statSync(tmp, { bigint: true }).mtimeNs;
    if (key.newestMtimeNs > written - RACY_MARGIN_NS) {
      fs.unlinkSync(tmp);
      return false;
    }
    fs.renameSync(tmp, target);
    return true;
  } catch {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // nothing to clean up
    }
    return false;
  }
}

/**
 * The digest of the whole recording, from the cache when it holds this state, else computed (a
 * full read) and cached. Same result as digestRecordingDetailed(dir); use that (or verify) to
 * recompute regardless of the cache.
 */
export function cachedDigest(dir: string): DigestResult {
  const key = digestCacheKey(dir);
  const hit = key ? readDigestCache(dir, key) : null;
  if (hit) return { digest: hit.digest, records: hit.records };
  const d = digestRecordingDetailed(dir);
  if (key) writeDigestCache(dir, key, d);
  return d;
}
