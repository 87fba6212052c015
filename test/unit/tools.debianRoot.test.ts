import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  aptDownloadArgs,
  aptUpdateArgs,
  parseAptMirror,
  privateAptOptions,
  ROOT_PACKAGES,
  rootArgv,
  rootLayout,
  sourcesListLine,
} from "../../src/tools/debianRoot.ts";

const BOOKWORM_DEB822 = `Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
# http://snapshot.debian.org/archive/debian-security/20250520T000000Z
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`;

describe("apt mirror from the machine's sources", () => {
  it("takes the main archive from deb822 sources", () => {
    expect(parseAptMirror([BOOKWORM_DEB822])).toBe("http://deb.debian.org/debian");
  });
  it("skips a security-only stanza even when it comes first", () => {
    const sec = BOOKWORM_DEB822.split("\n\n").reverse().join("\n\n");
    expect(parseAptMirror([sec])).toBe("http://deb.debian.org/debian");
  });
  it("reads the one-line format, with options and trailing slash", () => {
    const text = "# comment\ndeb-src http://src.example/debian bookworm main\ndeb http://security.debian.org/debian-security bookworm-security main\ndeb [arch=amd64] http://mirror.example/debian/ bookworm main\n";
    expect(parseAptMirror([text])).toBe("http://mirror.example/debian");
  });
  it("ignores disabled stanzas and non-http URIs", () => {
    const text = "Types: deb\nURIs: http://off.example/debian\nSuites: bookworm\nEnabled: no\n\nTypes: deb\nURIs: cdrom:/media/\nSuites: bookworm\n";
    expect(parseAptMirror([text])).toBeUndefined();
  });
  it("returns undefined when nothing is configured (caller falls back to deb.debian.org)", () => {
    expect(parseAptMirror([])).toBeUndefined();
    expect(parseAptMirror([""])).toBeUndefined();
  });
});

describe("private apt command lines", () => {
  const state = "/x/.tools/apt-trixie";
  it("names trixie main on the chosen mirror", () => {
    expect(sourcesListLine("http://deb.debian.org/debian", undefined)).toBe("deb http://deb.debian.org/debian trixie main\n");
    expect(sourcesListLine("http://m/debian", "/k.gpg")).toBe("deb [signed-by=/k.gpg] http://m/debian trixie main\n");
  });
  it("points every apt directory at the private state folder", () => {
    const o = privateAptOptions(state);
    expect(o.filter((_, i) => i % 2 === 0).every((x) => x === "-o")).toBe(true);
    expect(o).toContain(`Dir::Etc::SourceList=${state}/sources.list`);
    expect(o).toContain("Dir::Etc::SourceParts=/dev/null");
    expect(o).toContain(`Dir::State::Lists=${state}/lists`);
    expect(o).toContain(`Dir::State::status=${state}/status`);
    expect(o).toContain(`Dir::Cache=${state}/cache`);
    expect(o.some((x) => x.startsWith("Dir::") && !x.includes(state) && !x.endsWith("/dev/null"))).toBe(false);
  });
  it("builds update and download", () => {
    expect(aptUpdateArgs(state).at(-1)).toBe("update");
    const d = aptDownloadArgs(state);
    expect(d.slice(-ROOT_PACKAGES.length - 1)).toEqual(["download", "micropython", "libc6", "libffi8", "libmbedcrypto16", "libmbedtls21", "libmbedx509-7"]);
  });
});

describe("root layout", () => {
  it("starts MicroPython through the root's own loader on x64", () => {
    expect(rootArgv("/r", "x64")).toEqual([
      path.join("/r", "usr/lib64/ld-linux-x86-64.so.2"),
      "--library-path",
      path.join("/r", "usr/lib/x86_64-linux-gnu"),
      path.join("/r", "usr/bin/micropython"),
    ]);
  });
  it("knows arm64 and refuses unknown CPUs", () => {
    expect(rootLayout("arm64")?.debArch).toBe("arm64");
    expect(rootLayout("ia32")).toBeUndefined();
    expect(() => rootArgv("/r", "ia32")).toThrow(/ia32/);
  });
});
