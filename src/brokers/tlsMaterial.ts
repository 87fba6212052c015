// TLS material for a run, made with the openssl CLI: the throwaway CA and server certificate a
// broker's TLS listener proves itself with, and an unrelated CA that signed nothing the broker
// has — what a client that verifies must refuse (the compliance feature `tls-verify`).
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LabError } from "../lab/errors.ts";

/** Where the lab looks for the `openssl` CLI that makes a TLS run's throwaway CAs and server certificate. */
export const OPENSSL = "/usr/bin/openssl";

/** The PEM files of a TLS listener (mosquitto.conf(5): cafile, certfile, keyfile). */
export interface TlsFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** One openssl call in `dir`; its complaint, if any, becomes a LabError naming `what`. */
function openssl(bin: string, dir: string, what: string, args: string[]): void {
  try {
    execFileSync(bin, args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    throw new LabError(`openssl ${args[0]} failed making ${what}: ${stderr || String(err)}`);
  }
}

/** A self-signed CA (RSA 2048, valid for a day: nothing outlives the run) named `cn`, as `<name>.pem` and `<name>.key` in `dir`. */
function makeCa(bin: string, dir: string, name: string, cn: string, what: string): { pem: string; key: string } {
  const pem = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  openssl(bin, dir, what, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", pem, "-days", "1", "-subj", `/CN=${cn}`]);
  return { pem, key };
}

/**
 * A throwaway CA and a server certificate it signs for 127.0.0.1 and localhost (as IP and DNS
 * names: verifiers differ in which they match an address against), made with the openssl CLI
 * in `dir`. Valid for a day: nothing outlives the run.
 */
export function makeTlsFiles(dir: string, bin = OPENSSL): TlsFiles {
  const what = "the TLS listener's certificates";
  const ca = makeCa(bin, dir, "ca", "Faraday throwaway CA", what);
  const f: TlsFiles = { caFile: ca.pem, certFile: join(dir, "server.pem"), keyFile: join(dir, "server.key") };
  const csr = join(dir, "server.csr");
  const ext = join(dir, "server.ext");
  openssl(bin, dir, what, ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", f.keyFile, "-out", csr, "-subj", "/CN=localhost"]);
  writeFileSync(ext, ["basicConstraints=CA:FALSE", "keyUsage=digitalSignature,keyEncipherment", "extendedKeyUsage=serverAuth", "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:127.0.0.1", ""].join("\n"));
  openssl(bin, dir, what, ["x509", "-req", "-in", csr, "-CA", f.caFile, "-CAkey", ca.key, "-CAcreateserial", "-out", f.certFile, "-days", "1", "-extfile", ext]);
  return f;
}

/** What a scenario hands a client as its CA, and what the timeline says about it. */
export interface UntrustedCa {
  /** The CA's certificate, PEM text (what `cfg.tls.ca` carries). */
  pem: string;
  /** Its subject, e.g. "CN=Faraday unrelated CA". */
  subject: string;
  /** SHA-256 fingerprint, colon-separated hex. */
  fingerprint: string;
}

/**
 * A second CA, unrelated to any broker's: its own key and its own name, and it signs nothing.
 * A client given this CA and shown a server certificate the run's CA signed must refuse the
 * server (its certificate does not chain to a CA the client trusts). Made in `dir` (its own
 * folder: the file names are the same as the run's CA).
 */
export function makeUntrustedCa(dir: string, bin = OPENSSL): UntrustedCa {
  const ca = makeCa(bin, dir, "unrelated-ca", "Faraday unrelated CA", "an unrelated CA");
  const pem = readFileSync(ca.pem, "utf8");
  const x = new X509Certificate(pem);
  return { pem, subject: x.subject.replace(/\n/g, ", "), fingerprint: x.fingerprint256 };
}

/** Subject and fingerprint of a PEM certificate, for the record. */
export function describeCert(pem: string): { subject: string; issuer: string; fingerprint: string } {
  const x = new X509Certificate(pem);
  return { subject: x.subject.replace(/\n/g, ", "), issuer: x.issuer.replace(/\n/g, ", "), fingerprint: x.fingerprint256 };
}
