/**
 * `tapedeck verify <dir>`: integrity of every byte, the canonical check, the digest; optionally
 * a regression check against an expected digest or another recording.
 *
 * Three verdicts, never confused: OK (exit 0); INTACT WITH RECORDED GAPS (exit 3, or 0 with
 * --allow-gaps or when --digest/--against compare it and find it the same): every byte checks out
 * but the recorder wrote gap events where its source did not deliver the data whole, listed;
 * FAILED (exit 1): the log itself is damaged, or a check failed.
 */
import type { Argv, CommandModule } from 'yargs';
import { TapedeckError } from '../../errors.js';
import { formatTsIso } from '../../events/ts.js';
import type { VerifyProblem, VerifyProgress, VerifyResult } from '../../verify/integrity.js';
import { EXIT, ExitError } from '../exit.js';
import { recordingArg } from '../args.js';
import type { CliIo, CliOutput } from '../io.js';
import { FILTER_OPTION_NAMES, withFilterOptions, type FilterArgs } from './diff.js';

interface VerifyArgs extends FilterArgs {
  dir: string;
  all?: boolean;
  digest?: string;
  against?: string;
  json?: boolean;
  book?: boolean;
  'allow-gaps'?: boolean;
}

/** A one-line progress bar on stderr, redrawn at most every 100 ms. */
function progressBar(enabled: boolean, stderr: CliOutput): { update: (p: VerifyProgress) => void; done: () => void } {
  if (!enabled) return { update: () => {}, done: () => {} };
  // Nothing is drawn for a recording verified within the first redraw interval.
  let last = Date.now();
  let drawn = false;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      const frac = p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : 1;
      const width = 30;
      const full = Math.round(frac * width);
      stderr.write(`\rverifying [${'#'.repeat(full)}${'.'.repeat(width - full)}] ${(frac * 100).toFixed(0).padStart(3)}%  ${p.file}`);
      drawn = true;
    },
    done() {
      if (drawn) stderr.write('\r\x1b[K');
    },
  };
}

function problemLine(p: VerifyProblem): string {
  return `${p.file}  byte ${p.offsetBytes}${p.seq === undefined ? '' : `  seq ${p.seq}`}  [${p.kind}]  ${p.reason}`;
}

/** The verdict of the walk alone: the log's integrity, then whether the captured data is whole. */
function statusOf(r: VerifyResult): 'ok' | 'gaps' | 'failed' {
  return !r.ok ? 'failed' : r.recordedGaps.count > 0 ? 'gaps' : 'ok';
}

function summaryJson(r: VerifyResult): Record<string, unknown> {
  return {
    ok: r.ok,
    status: statusOf(r),
    dir: r.dir,
    segments: r.segments,
    records: r.records,
    bytes: r.bytes,
    firstTs: r.firstTs?.toString() ?? null,
    firstTsIso: r.firstTs !== null && r.firstTs >= 0n ? formatTsIso(r.firstTs) : null,
    lastTs: r.lastTs?.toString() ?? null,
    lastTsIso: r.lastTs !== null && r.lastTs >= 0n ? formatTsIso(r.lastTs) : null,
    digest: r.digest,
    problems: r.problems,
    tornTail: r.tornTail,
    uncheckedRecords: r.uncheckedRecords,
    recordedGaps: {
      count: r.recordedGaps.count,
      first: r.recordedGaps.first.map((g) => ({ ...g, ts: g.ts.toString(), tsIso: g.ts >= 0n ? formatTsIso(g.ts) : null })),
    },
  };
}

function formatResult(r: VerifyResult, all: boolean, tsText: (ts: bigint) => string): string {
  if (!r.ok) {
    const lines = [`FAILED  ${r.dir}`];
    for (const p of r.problems) lines.push(`  ${problemLine(p)}`);
    if (!all) lines.push('  (stopped at the first problem; --all lists every one)');
    else lines.push(`  ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}`);
    return lines.join('\n') + '\n';
  }
  const gaps = r.recordedGaps;
  const lines = [
    `${gaps.count > 0 ? 'INTACT WITH RECORDED GAPS' : 'OK'}  ${r.dir}`,
    `  segments   ${r.segments}`,
    `  records    ${r.records}`,
    `  bytes      ${r.bytes}`,
    `  first ts   ${r.firstTs === null ? '-' : tsText(r.firstTs)}`,
    `  last ts    ${r.lastTs === null ? '-' : tsText(r.lastTs)}`,
    `  digest     ${r.digest}`,
  ];
  if (r.uncheckedRecords > 0) lines.push(`  unchecked  ${r.uncheckedRecords} records of a type or schema version this tapedeck does not know`);
  const t = r.tornTail;
  if (t) lines.push(`  torn tail  ${t.file} at byte ${t.offsetBytes}: ${t.bytes} bytes the next writer will drop (${t.reason}); not corruption`);
  if (gaps.count > 0) {
    lines.push(
      `  recorded gaps  ${gaps.count}: the log is intact, but the source did not deliver the data whole at capture time (sequence breaks, failed venue checksums, lost connections)`,
    );
    for (const g of gaps.first) lines.push(`    seq ${g.seq}  ${tsText(g.ts)}  ${g.file} byte ${g.offsetBytes}  ${g.message.replace(/\s+/g, ' ').slice(0, 160)}`);
    if (gaps.count > gaps.first.length) lines.push(`    … ${gaps.count - gaps.first.length} more (tapedeck info lists them)`);
  }
  return lines.join('\n') + '\n';
}

export default function verifyCommand(io: CliIo): CommandModule<object, VerifyArgs> {
  return {
    builder: (y) =>
      withFilterOptions(
        y
          .positional('dir', { type: 'string', demandOption: true, describe: 'Recording directory' })
          .option('all', { type: 'boolean', default: false, describe: 'Report every problem instead of stopping at the first' })
          .option('digest', { type: 'string', describe: 'Expected digest (64 hex digits): exit 1 when the recording digests differently' })
          .option('against', { type: 'string', describe: 'Another recording that must hold the same events (verified too)' })
          .option('json', { type: 'boolean', default: false, describe: 'Print the result as one JSON object' })
          .option('book', {
            type: 'boolean',
            default: false,
            describe: 'Also replay the venue checks per symbol: update-id continuity, venue checksums, rebuilt top of book against the venue quotes',
          })
          .option('allow-gaps', {
            type: 'boolean',
            default: false,
            describe:
              'Exit 0, not 3, when the log is intact but holds gaps recorded at capture time (still listed). Exit status: 0 OK; 1 FAILED (damage, or --digest/--against/--book found a difference); ' +
              '3 INTACT WITH RECORDED GAPS (sequence breaks, failed venue checksums, lost connections the recorder wrote down; with --digest/--against the exit answers the comparison)',
          }),
        'With --against:',
      )
        .example('$0 verify rec/2024-06-01', 'Check a recording and print its digest')
        .example('$0 verify rec/x --digest 3f5a…', 'CI regression check against a known digest')
        .example('$0 verify rec/source --against rec/copy', 'A replay reproduced its source event for event')
        .example('$0 verify rec/x --all --json', 'Every problem, for tools')
        .example('$0 verify rec/kraken --book', 'Every Kraken checksum and Binance update id of the recorded books, again') as Argv<VerifyArgs>,
    handler: async (args) => {
      const { diffRecordings } = await import('../../verify/diff.js');
      const { digestRecording, normalizeDigest } = await import('../../verify/digest.js');
      const { verifyRecording } = await import('../../verify/integrity.js');
      const { diffJson, diffOptionsFrom, formatDiff, tsText } = await import('./diff-text.js');
      const dir = recordingArg(io, args.dir);
      const againstDir = args.against === undefined ? undefined : recordingArg(io, args.against);
      const json = args.json === true;
      const usedFilters = FILTER_OPTION_NAMES.filter((n) => args[n] !== undefined);
      if (usedFilters.length > 0 && args.against === undefined) {
        throw new TapedeckError('BAD_ARGUMENT', `--${usedFilters.join(', --')} only apply with --against`);
      }
      let expected: string | null = null;
      if (args.digest !== undefined) {
        expected = normalizeDigest(args.digest);
        if (expected === null) throw new TapedeckError('BAD_ARGUMENT', `--digest "${args.digest}" is not a SHA-256 digest (64 hex digits)`);
      }
      const bar = progressBar(!json && io.isTTY.stderr, io.stderr);
      let r: VerifyResult;
      try {
        r = verifyRecording(dir, { all: args.all === true, onProgress: bar.update });
      } finally {
        bar.done();
      }
      const out: Record<string, unknown> = summaryJson(r);
      let failed = !r.ok;
      let gapsRecorded = r.ok && r.recordedGaps.count > 0;
      let text = formatResult(r, args.all === true, tsText);

      if (r.ok && expected !== null) {
        const match = r.digest === expected;
        out.expectedDigest = expected;
        out.digestMatches = match;
        text += match ? `  digest matches the expected value\n` : `DIGEST MISMATCH\n  expected  ${expected}\n  actual    ${r.digest}\n`;
        if (!match) failed = true;
      }

      if (r.ok && args.against !== undefined) {
        const bar2 = progressBar(!json && io.isTTY.stderr, io.stderr);
        let rb: VerifyResult;
        try {
          rb = verifyRecording(againstDir!, { all: args.all === true, onProgress: bar2.update });
        } finally {
          bar2.done();
        }
        if (rb.recordedGaps.count > 0) gapsRecorded = true;
        const against: Record<string, unknown> = { verify: summaryJson(rb) };
        text += '\nagainst:\n' + formatResult(rb, args.all === true, tsText);
        if (!rb.ok) failed = true;
        else {
          const opts = diffOptionsFrom(args, dir);
          const diff = diffRecordings(dir, againstDir!, opts);
          against.diff = diffJson(diff, args.dir, args.against);
          text += '\n' + formatDiff(diff, args.dir, args.against);
          if (!diff.identical) failed = true;
          // The digests compared are always of what the events were compared over, so the two
          // answers never disagree: whole recordings unfiltered, the same ts range / run with
          // --from/--to/--run. Equal events then mean equal digests; a mismatch is a difference the
          // decoded comparison cannot see (records of unknown types), so it fails too. --types and
          // --ignore-fields compare part of each stream, which no digest covers: the events decide.
          const partial = args.types !== undefined || args['ignore-fields'] !== undefined;
          if (partial) {
            against.digestsEqual = null;
            text += `digests not compared: --types/--ignore-fields compare part of each event stream; the event comparison above decides\n`;
          } else {
            const ranged = usedFilters.length > 0;
            const dOpts = { fromTs: opts.from, toTs: opts.to, runId: opts.runId };
            const da = ranged ? digestRecording(dir, dOpts) : r.digest;
            const db = ranged ? digestRecording(againstDir!, dOpts) : rb.digest;
            const digestsEqual = da === db;
            against.digestsEqual = digestsEqual;
            against.digestScope = ranged ? 'filtered' : 'whole';
            text += `digests${ranged ? ' of the compared range' : ''} ${digestsEqual ? 'equal' : 'differ'}: ${da} ${digestsEqual ? '=' : '!='} ${db}\n`;
            if (!digestsEqual) failed = true;
          }
        }
        out.against = against;
      }

      if (r.ok && args.book === true) {
        const { checkBooks } = await import('../../book/verify-book.js');
        const { openRecording } = await import('../../events/recording.js');
        const reports = checkBooks(openRecording(dir).events({ types: ['book', 'system', 'tick'] }));
        const bad = reports.filter((b) => b.checks.continuity.failed + b.checks.checksum.failed + b.checks['top-of-book'].failed > 0);
        if (bad.length > 0) failed = true;
        out.book = reports.map((b) => ({ ...b, firstFailure: b.firstFailure && { ...b.firstFailure, ts: b.firstFailure.ts.toString() } }));
        text += `\nbook checks: ${reports.length} book${reports.length === 1 ? '' : 's'}, ${bad.length === 0 ? 'all passed' : `${bad.length} with failures`}\n`;
        for (const b of reports) {
          const c = b.checks;
          const part = (name: string, k: keyof typeof c) => (c[k].checked === 0 ? `${name} -` : `${name} ${c[k].passed}/${c[k].checked}${c[k].failed > 0 ? ` (${c[k].failed} FAILED)` : ''}`);
          const untrusted = b.untrusted === 0 ? '' : ` (${b.untrusted === b.messages ? 'all' : b.untrusted} untrusted: no snapshot yet or after a gap)`;
          text += `  ${b.venue} ${b.symbol}  ${b.messages} messages${untrusted}  ${part('continuity', 'continuity')}  ${part('checksum', 'checksum')}  ${part('top-of-book', 'top-of-book')}\n`;
          if (b.firstFailure) text += `    first failure: ${b.firstFailure.check} at seq ${b.firstFailure.seq} ts ${tsText(b.firstFailure.ts)}: ${b.firstFailure.detail}\n`;
        }
      }

      // The verdict of the whole command: a failed check outranks recorded gaps.
      out.status = failed ? 'failed' : gapsRecorded ? 'gaps' : 'ok';
      io.stdout.write(json ? JSON.stringify(out) + '\n' : text);
      if (failed) throw new ExitError(EXIT.CHECK_FAILED);
      // Exit 3 answers "is this recording whole?", asked alone: with --digest or --against the exit
      // answers the comparison (a copy holding the same recorded gaps is the same), and the gaps are
      // still listed.
      const comparing = expected !== null || args.against !== undefined;
      if (gapsRecorded && !comparing && args['allow-gaps'] !== true) throw new ExitError(EXIT.GAPS_RECORDED);
    },
  };
}
