// The board's WiFi credentials (--wifi-ssid, FARADAY_WIFI_PASSWORD): checked before anything
// starts, written to the board as a plain-ASCII Python file, and the ssid alone in the
// reproduce line.
import { describe, expect, it } from "vitest";
import { WIFI_PASSWORD_ENV, wifiBoardFile, wifiCredentials, wifiSsidOption } from "../../src/serial/wifi.ts";
import { serialBoard } from "../../src/devices/serial.ts";
import { InputError } from "../../src/lab/errors.ts";

const refused = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error("not refused");
};

describe("wifiCredentials: --wifi-ssid and the password from the environment", () => {
  it("no --wifi-ssid: none, whatever the environment holds (the board's WiFi as boot.py left it)", () => {
    expect(wifiCredentials(undefined, { [WIFI_PASSWORD_ENV]: "s3cret" })).toBeUndefined();
  });
  it("an ssid and the variable: both", () => {
    expect(wifiCredentials("lab-ap", { [WIFI_PASSWORD_ENV]: "s3cret" })).toEqual({ ssid: "lab-ap", password: "s3cret" });
  });
  it("an empty variable is an open network", () => {
    expect(wifiCredentials("cafe", { [WIFI_PASSWORD_ENV]: "" })).toEqual({ ssid: "cafe", password: "" });
  });
  it("an ssid without the variable is refused, saying where the password comes from", () => {
    expect(refused(() => wifiCredentials("lab-ap", {}))).toBe(
      "--wifi-ssid wants the WiFi's password in the environment: FARADAY_WIFI_PASSWORD=… (empty for an open network); it is never taken on the command line",
    );
  });
  it("an SSID is at most 32 bytes (UTF-8), without control characters", () => {
    expect(wifiCredentials("x".repeat(32), { [WIFI_PASSWORD_ENV]: "" })?.ssid).toHaveLength(32);
    expect(refused(() => wifiCredentials("ü".repeat(17), { [WIFI_PASSWORD_ENV]: "" }))).toMatch(/at most 32 bytes .*not 34$/);
    expect(refused(() => wifiCredentials("lab\u001b[2Jap", { [WIFI_PASSWORD_ENV]: "" }))).toMatch(/control character/);
  });
  it("a password that cannot be one is refused without quoting it", () => {
    const long = "hunter2".repeat(10);
    const m = refused(() => wifiCredentials("lab-ap", { [WIFI_PASSWORD_ENV]: long }));
    expect(m).toMatch(/longer than a WiFi password can be/);
    expect(m).not.toContain("hunter2");
    const nl = refused(() => wifiCredentials("lab-ap", { [WIFI_PASSWORD_ENV]: "s3cret\n" }));
    expect(nl).toMatch(/control character \(a newline at its end\?\)/);
    expect(nl).not.toContain("s3cret");
  });
});

describe("wifiBoardFile: faraday_wifi.py", () => {
  it("SSID and PW as bytes literals of their UTF-8, decoded on the board: any text, one ASCII file", () => {
    const f = wifiBoardFile({ ssid: 'Café "AP"', password: "p\\a'ss" });
    expect(f.split("\n").slice(1)).toEqual(['SSID = b"Caf\\xc3\\xa9 \\x22AP\\x22".decode()', "PW = b\"p\\x5ca'ss\".decode()", ""]);
    expect(/^[\x20-\x7e\n]*$/.test(f)).toBe(true);
  });
});

describe("the reproduce line carries the ssid, never the password", () => {
  it("quoted for a shell when it must be", () => {
    expect(wifiSsidOption("lab-ap")).toBe("--wifi-ssid lab-ap");
    expect(wifiSsidOption("Bob's AP")).toBe("--wifi-ssid 'Bob'\\''s AP'");
    expect(wifiSsidOption("$(reboot)")).toBe("--wifi-ssid '$(reboot)'");
  });
  it("the serial device's descriptor (what reproduce lines carry) names the ssid, never the password", () => {
    const d = serialBoard({ port: "/dev/ttyUSB0", hostAddress: "192.168.1.20", baud: 115_200, needsMpy: false, wifi: { ssid: "lab-ap", password: "s3cret" } });
    expect(d.descriptor).toBe("serial:/dev/ttyUSB0 --host-address 192.168.1.20 --wifi-ssid lab-ap");
  });
});
