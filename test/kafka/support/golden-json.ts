/** JSON for message values holding bigints and Buffers: `{"$bigint":"…"}` and `{"$hex":"…"}`. */

/** Serialises a message value. */
export function toGoldenJson(value: unknown): string {
  return JSON.stringify(value, function replace(this: Record<string, unknown>, key) {
    const raw = this[key];
    if (typeof raw === 'bigint') return { $bigint: raw.toString() };
    if (Buffer.isBuffer(raw)) return { $hex: raw.toString('hex') };
    return raw;
  });
}

/** Parses what toGoldenJson wrote. */
export function fromGoldenJson(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && '$bigint' in v) return BigInt((v as { $bigint: string }).$bigint);
    if (v !== null && typeof v === 'object' && '$hex' in v) return Buffer.from((v as { $hex: string }).$hex, 'hex');
    return v;
  });
}
