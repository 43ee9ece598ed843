/**
 * The segment catalogue (docs/FORMAT.md §3.1.1): a reader finds the segments it needs from the
 * MANIFEST's sealed list — each entry carries the segment's seq range and, since the catalogue,
 * its first and last ts — instead of opening every segment for its header and footer. Only the
 * segments after the last listed one (the unsealed tail of a live or crashed writer) are inspected
 * up front; a listed segment is inspected, and checked against its entry and its predecessor,
 * when a cursor opens it (reader.ts). A manifest without the ts fields, or one that does not
 * describe the directory exactly, gives no catalogue: the reader then inspects every segment as
 * before, and gets the exact diagnostics of that path.
 */
import * as path from 'node:path';
import { IoError } from '../errors.js';
import type { SegmentEnd } from './chain.js';
import type { FileOps } from './file-ops.js';
import { hasCatalogue, parseManifest, type Manifest, type ManifestSegment } from './manifest.js';
import { MANIFEST_NAME, segmentName } from './names.js';
import type { SegmentMeta } from './segment-file.js';

/** A segment as a cursor knows it before reading it. */
export interface SegmentRef {
  name: string;
  path: string;
  segmentNo: number;
  firstSeq: number;
  /** Its manifest entry when the catalogue lists it: not opened until a cursor reads it. */
  entry: ManifestSegment | null;
  /** Its header and footer once inspected (at once for a segment the catalogue does not list). */
  meta: SegmentMeta | null;
}

/** A ref of an inspected segment (a cursor's own). */
export function refOf(meta: SegmentMeta): SegmentRef {
  return { name: meta.name, path: meta.path, segmentNo: meta.segmentNo, firstSeq: meta.firstSeq, entry: null, meta };
}

/** A manifest read for its catalogue: shared between readers, never modified. */
export interface Catalogue {
  readonly manifest: Manifest;
  /** The listed segments continue each other (numbers and seqs); false: not usable as a catalogue. */
  readonly usable: boolean;
  /**
   * The listed segments as refs, built once per parse and never modified: a cursor copies the
   * array (pointers only) and replaces the refs it inspects with its own.
   */
  readonly listed: readonly SegmentRef[];
}

/**
 * The last manifests parsed for their catalogue, by directory, with the bytes they were parsed
 * from: a reader that opens a recording again pays one read and one compare, not a JSON parse
 * (~1 µs per listed segment). Keyed by content, so a manifest replaced in between is parsed anew.
 */
const parsed = new Map<string, { bytes: Buffer; cat: Catalogue }>();
const PARSED_MAX = 16;

/** The catalogue of `dir` (null: no MANIFEST). */
export function readCatalogue(ops: FileOps, dir: string): Catalogue | null {
  const p = path.join(dir, MANIFEST_NAME);
  let bytes: Buffer;
  try {
    bytes = ops.readFileSync(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new IoError(p, 'cannot read the manifest', err);
  }
  const hit = parsed.get(dir);
  if (hit && hit.bytes.equals(bytes)) return hit.cat;
  const manifest = parseManifest(bytes);
  const usable = hasCatalogue(manifest) && continuous(manifest.sealed);
  const listed = usable ? manifest.sealed.map((e): SegmentRef => Object.freeze({ name: e.name, path: path.join(dir, e.name), segmentNo: e.no, firstSeq: e.firstSeq, entry: e, meta: null })) : [];
  const cat: Catalogue = { manifest, usable, listed };
  parsed.delete(dir);
  if (parsed.size >= PARSED_MAX) parsed.delete(parsed.keys().next().value!);
  parsed.set(dir, { bytes, cat });
  return cat;
}

function continuous(listed: readonly ManifestSegment[]): boolean {
  for (let i = 1; i < listed.length; i++) {
    const a = listed[i - 1]!;
    const b = listed[i]!;
    if (b.no !== a.no + 1 || b.firstSeq !== a.lastSeq + 1) return false;
  }
  return true;
}

/**
 * The segments of a recording from its catalogue: the listed ones uninspected, then the ones after
 * them, found by name (segment `no + 1` from seq `lastSeq + 1`, §3) and inspected: at most the
 * segment a writer sealed after the manifest was read and the unsealed tail. No directory listing:
 * a listed segment missing from disk is found when a cursor opens it. Null when the catalogue is
 * unusable or lists nothing (the caller then inspects everything). `inspect` returns null for a
 * name that is not on disk.
 */
export function catalogueRefs(cat: Catalogue, inspect: (name: string) => SegmentMeta | null): SegmentRef[] | null {
  const listed = cat.manifest.sealed;
  if (!cat.usable || listed.length === 0) return null;
  const refs = cat.listed.slice();
  const last = listed[listed.length - 1]!;
  let no = last.no + 1;
  let firstSeq = last.lastSeq + 1;
  for (;;) {
    const meta = inspect(segmentName(no, firstSeq));
    if (!meta) break;
    refs.push(refOf(meta));
    if (!meta.footer) break;
    no++;
    firstSeq = meta.footer.lastSeq + 1;
  }
  return refs;
}

/** How a listed segment ended, from its entry (§9.3), for the link check of the segment after it. */
export function endOfListed(e: ManifestSegment): SegmentEnd {
  return { name: e.name, segmentNo: e.no, nextSeq: e.lastSeq + 1, lastTs: BigInt(e.lastTs!), chain: e.chain, trusted: true };
}

/** A segment's extent for seeking by ts: from its entry, or from its footer (null: unsealed). */
export function sealedExtent(ref: SegmentRef): { records: number; lastTs: bigint } | null {
  if (ref.entry) return { records: ref.entry.records, lastTs: BigInt(ref.entry.lastTs!) };
  const f = ref.meta!.footer;
  return f ? { records: f.recordCount, lastTs: f.lastTs } : null;
}
