/**
 * The sweep's JSON with bigints: a bigint is written as {"$bigint": "<decimal>"} and read back as
 * a bigint, so plans (ns times, latencies) survive a file or a NATS message exactly. One codec for
 * the sweep directory and the wire.
 */
export function toTaggedJson(value: unknown, space?: number): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? { $bigint: v.toString() } : v), space);
}

export function fromTaggedJson(text: string): unknown {
  return JSON.parse(text, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { $bigint?: unknown }).$bigint === 'string'
      ? BigInt((v as { $bigint: string }).$bigint)
      : v,
  );
}
