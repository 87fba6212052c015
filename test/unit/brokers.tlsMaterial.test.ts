import { describe, expect, it } from "vitest";
import { X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeCert, makeTlsFiles, makeUntrustedCa, OPENSSL } from "../../src/brokers/tlsMaterial.ts";

describe("TLS material for the tls-verify probe", () => {
  it.skipIf(!existsSync(OPENSSL))("makes a CA unrelated to the run's: another name, another key, and the server's certificate does not chain to it", () => {
    const dir = mkdtempSync(join(tmpdir(), "faraday-tls-"));
    try {
      const f = makeTlsFiles(dir);
      mkdirSync(join(dir, "other"));
      const u = makeUntrustedCa(join(dir, "other"));
      const server = new X509Certificate(readFileSync(f.certFile));
      const bad = new X509Certificate(u.pem);
      const run = describeCert(readFileSync(f.caFile, "utf8"));
      expect(bad.ca).toBe(true);
      expect(server.verify(bad.publicKey)).toBe(false);
      expect(server.checkIssued(bad)).toBe(false);
      expect(u.subject).toBe("CN=Faraday unrelated CA");
      expect(run.subject).toBe("CN=Faraday throwaway CA");
      expect(u.fingerprint).not.toBe(run.fingerprint);
      expect(u.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
