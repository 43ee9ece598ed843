/**
 * Recordings in the JetStream object store, addressed by digest (nats-wire.ts names the layout):
 * the files of a recording directory (its segments; not the lock, metrics or temp files) as
 * `rec/<digest>/<file>`, then a manifest `rec/<digest>` listing them, written last so that a
 * manifest present means every file is there. Whoever fetches a copy verifies it against the
 * digest before using it (a copy is only ever trusted by its digest, never by its name).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import type { ObjectStore } from '@nats-io/obj';
import { TapedeckError } from '../errors.js';
import { LOCK_NAME, METRICS_NAME, TMP_SUFFIX } from '../log/names.js';

interface RecordingManifest {
  v: 1;
  digest: string;
  files: { name: string; bytes: number }[];
}

const manifestName = (digest: string) => `rec/${digest}`;
const fileName = (digest: string, file: string) => `rec/${digest}/${file}`;

function recordingFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name !== LOCK_NAME && e.name !== METRICS_NAME && !e.name.endsWith(TMP_SUFFIX) && !e.name.includes('.tmp-'))
    .map((e) => e.name)
    .sort();
}

/** Is a recording with this digest stored? */
export async function hasRecording(os: ObjectStore, digest: string): Promise<boolean> {
  const info = await os.info(manifestName(digest));
  return info !== null && !info.deleted;
}

/** Stores a recording's files under its digest, unless it is there already; true when uploaded. */
export async function putRecording(os: ObjectStore, dir: string, digest: string): Promise<boolean> {
  if (await hasRecording(os, digest)) return false;
  const files: RecordingManifest['files'] = [];
  for (const name of recordingFiles(dir)) {
    const file = path.join(dir, name);
    const web = Readable.toWeb(fs.createReadStream(file)) as unknown as ReadableStream<Uint8Array>;
    const info = await os.put({ name: fileName(digest, name) }, web);
    files.push({ name, bytes: info.size });
  }
  const manifest: RecordingManifest = { v: 1, digest, files };
  await os.putBlob({ name: manifestName(digest) }, new TextEncoder().encode(JSON.stringify(manifest)));
  return true;
}

/**
 * Writes the stored recording `digest` into `dir` (created; must not exist). The object store
 * checks each object's own SHA-256 as it reads; the caller still verifies the recording's digest.
 */
export async function getRecording(os: ObjectStore, digest: string, dir: string): Promise<void> {
  const blob = await os.getBlob(manifestName(digest));
  if (blob === null) throw new TapedeckError('NOT_FOUND', `no recording with digest ${digest} in the object store`, { digest });
  const manifest = JSON.parse(new TextDecoder().decode(blob)) as RecordingManifest;
  fs.mkdirSync(dir, { recursive: false });
  for (const f of manifest.files) {
    if (f.name.includes('/') || f.name.includes('\\') || f.name.startsWith('.')) {
      throw new TapedeckError('BAD_INPUT', `object store manifest of ${digest} names a bad file "${f.name}"`, { digest });
    }
    const r = await os.get(fileName(digest, f.name));
    if (r === null) throw new TapedeckError('NOT_FOUND', `object store: ${fileName(digest, f.name)} is missing`, { digest });
    const out = fs.createWriteStream(path.join(dir, f.name));
    for await (const chunk of r.data as unknown as AsyncIterable<Uint8Array>) {
      if (!out.write(chunk)) await new Promise<void>((res) => out.once('drain', () => res()));
    }
    await new Promise<void>((res, rej) => out.end((e?: Error | null) => (e ? rej(e) : res())));
    const err = await r.error;
    if (err) throw new TapedeckError('DIGEST_MISMATCH', `object store: ${fileName(digest, f.name)}: ${err.message}`, { digest });
  }
}
