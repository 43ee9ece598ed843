import { INT64_MIN } from '../log/format.js';
/** First and last ts of a recording, or null when it holds no records. */
export function recordingSpan(rec) {
    const segs = rec.reader.segments();
    let firstTs = null;
    for (const s of segs) {
        if (s.footer && s.footer.recordCount > 0) {
            firstTs = s.footer.firstTs;
            break;
        }
        if (!s.footer) {
            // Unsealed: its first record is the first of the log from here on.
            const c = rec.reader.cursor({ fromSeq: s.firstSeq });
            try {
                const r = c.next();
                if (r)
                    firstTs = r.tsNs;
            }
            finally {
                c.close();
            }
            break;
        }
    }
    if (firstTs === null)
        return null;
    let lastTs = null;
    for (let i = segs.length - 1; i >= 0 && lastTs === null; i--) {
        const s = segs[i];
        if (s.footer) {
            if (s.footer.recordCount > 0)
                lastTs = s.footer.lastTs;
            else if (s.header.prevLastTs !== INT64_MIN)
                lastTs = s.header.prevLastTs;
            continue;
        }
        let last = null;
        rec.reader.scan({ fromSeq: s.firstSeq }, (r) => {
            last = r.tsNs;
        });
        if (last !== null)
            lastTs = last;
        else if (s.header.prevLastTs !== INT64_MIN)
            lastTs = s.header.prevLastTs;
    }
    return { firstTs, lastTs: lastTs ?? firstTs };
}
/** The span covering several recordings (null when none holds a record). */
export function recordingsSpan(recs) {
    let out = null;
    for (const r of recs) {
        const s = recordingSpan(r);
        if (!s)
            continue;
        out = out ? { firstTs: s.firstTs < out.firstTs ? s.firstTs : out.firstTs, lastTs: s.lastTs > out.lastTs ? s.lastTs : out.lastTs } : s;
    }
    return out;
}
//# sourceMappingURL=span.js.map