// Version arithmetic the tool modules share. Dotted numeric versions only; a
// suffix such as "+ds-1" or ".post2" is ignored for comparison.

export function versionParts(v: string): number[] {
  const m = /^v?(\d+(?:\.\d+)*)/.exec(v.trim());
  return m?.[1] ? m[1].split(".").map(Number) : [];
}

/** <0, 0, >0 like a sort comparator; missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = versionParts(a);
  const pb = versionParts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function atLeast(v: string, min: string): boolean {
  return versionParts(v).length > 0 && compareVersions(v, min) >= 0;
}

/** Same major.minor ("1.25.0" and "1.25.3" match "1.25"). */
export function sameMinor(v: string, want: string): boolean {
  const a = versionParts(v);
  const b = versionParts(want);
  return a.length >= 2 && a[0] === b[0] && a[1] === b[1];
}
