/**
 * How message contents are written on the timeline, the same way for every receiver (device
 * agents, peers, mosquitto's own clients): text as a string, bytes that are not UTF-8 as
 * {"hex": …}. Checkers then compare like with like.
 */
export type WireValue = string | number | boolean | null | { hex: string } | WireValue[] | { [k: string]: WireValue };

// ignoreBOM: a leading U+FEFF is part of the message, kept as Buffer#toString keeps it.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export function wireBytes(b: Uint8Array): string | { hex: string } {
  try {
    return utf8.decode(b);
  } catch {
    return { hex: Buffer.from(b).toString("hex") };
  }
}

/** Buffers (and their JSON form {type:"Buffer",data}) become text or hex; the rest is kept. */
export function toWire(v: unknown): WireValue {
  if (v instanceof Uint8Array) return wireBytes(v);
  if (Array.isArray(v)) return v.map(toWire);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (o.type === "Buffer" && Array.isArray(o.data)) return wireBytes(Uint8Array.from(o.data as number[]));
    const out: Record<string, WireValue> = {};
    for (const [k, x] of Object.entries(o)) if (x !== undefined) out[k] = toWire(x);
    return out;
  }
  return v as WireValue;
}

/** The inverse for what a scenario asks to send: {"hex": …} becomes bytes. */
export function fromWire(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fromWire);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (typeof o.hex === "string" && Object.keys(o).length === 1) return Buffer.from(o.hex, "hex");
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, fromWire(x)]));
  }
  return v;
}

/**
 * Deep equality on wire values, where a one-element array equals its element (a user
 * property sent once may come back as "v" or ["v"] depending on the receiver).
 */
export function sameWire(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && a.length === 1 && !Array.isArray(b)) return sameWire(a[0], b);
  if (Array.isArray(b) && b.length === 1 && !Array.isArray(a)) return sameWire(a, b[0]);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameWire(x, b[i]));
  if (a && b && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a as object).sort();
    const kb = Object.keys(b as object).sort();
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameWire((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}
