// A minimal zip reader for wheels (.whl files are zips). Node has inflate but no
// unzip; this avoids both a new npm dependency and a dependency on `unzip`.
// Enough for wheels: stored/deflated entries, no zip64, no encryption.
import { inflateRawSync, crc32 } from "node:zlib";

export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  /** Unix permission bits when the archive recorded them (0 otherwise). */
  mode: number;
}

const EOCD_SIG = 0x06054b50;
const CEN_SIG = 0x02014b50;
const LOC_SIG = 0x04034b50;

export function listZip(buf: Buffer): ZipEntry[] {
  // End-of-central-directory record: 22 bytes plus an optional comment of up to 64 KiB.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD_SIG) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error("not a zip file (no end-of-central-directory record)");
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  if (p === 0xffffffff) throw new Error("zip64 archives are not supported");
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== CEN_SIG) throw new Error(`corrupt zip: bad central directory entry ${n}`);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const madeBy = buf.readUInt16LE(p + 4) >> 8;
    const ext = buf.readUInt32LE(p + 38);
    entries.push({
      method: buf.readUInt16LE(p + 10),
      crc: buf.readUInt32LE(p + 16),
      compressedSize: buf.readUInt32LE(p + 20),
      size: buf.readUInt32LE(p + 24),
      localOffset: buf.readUInt32LE(p + 42),
      name: buf.toString("utf8", p + 46, p + 46 + nameLen),
      mode: madeBy === 3 ? (ext >>> 16) & 0o7777 : 0, // 3 = Unix
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

export function readZipEntry(buf: Buffer, e: ZipEntry): Buffer {
  const p = e.localOffset;
  if (buf.readUInt32LE(p) !== LOC_SIG) throw new Error(`corrupt zip: bad local header for ${e.name}`);
  const start = p + 30 + buf.readUInt16LE(p + 26) + buf.readUInt16LE(p + 28);
  const raw = buf.subarray(start, start + e.compressedSize);
  let data: Buffer;
  if (e.method === 0) data = Buffer.from(raw);
  else if (e.method === 8) data = inflateRawSync(raw);
  else throw new Error(`${e.name}: unsupported zip compression method ${e.method}`);
  if (data.length !== e.size) throw new Error(`${e.name}: size mismatch after unzip`);
  // zlib.crc32 exists from Node 20.15; skip the check on older 20.x rather than fail.
  if (typeof crc32 === "function" && crc32(data) >>> 0 !== e.crc >>> 0) throw new Error(`${e.name}: CRC mismatch`);
  return data;
}
