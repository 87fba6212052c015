import { describe, expect, it } from "vitest";
import { aptFix, aptInstallArgs, needsAptUpdate } from "../../src/tools/aptPackage.ts";
import { parseMosquittoVersion } from "../../src/tools/mosquitto.ts";
import { parseSocatVersion } from "../../src/tools/socat.ts";

describe("mosquitto and socat versions", () => {
  it("reads the first line of mosquitto -h", () => {
    expect(parseMosquittoVersion("mosquitto version 2.0.11\n\nmosquitto is an MQTT v5.0/v3.1.1/v3.1 broker.\n")).toBe("2.0.11");
    expect(parseMosquittoVersion("Error: Unknown option '-h'.")).toBeUndefined();
  });
  it("reads socat -V", () => {
    const out = "socat by Gerhard Rieger and contributors - see www.dest-unreach.org\nsocat version 1.7.4.4 on 06 Nov 2022 08:15:51\n";
    expect(parseSocatVersion(out)).toBe("1.7.4.4");
    expect(parseSocatVersion("socat version 1.8.0.3 on Jan 1 2025")).toBe("1.8.0.3");
  });
});

describe("apt install of system packages", () => {
  it("is non-interactive and waits for a busy dpkg lock", () => {
    expect(aptInstallArgs("mosquitto")).toEqual(["-o", "DPkg::Lock::Timeout=120", "install", "-y", "mosquitto"]);
  });
  it("tells a non-root user the sudo command instead of trying", () => {
    expect(aptFix("mosquitto", false, true)).toBe("sudo apt-get install -y mosquitto");
    expect(aptFix("mosquitto", true, true)).toBe("npx faraday setup");
    expect(aptFix("mosquitto", false, false)).toMatch(/package manager/);
  });
  it("runs apt-get update only when lists are missing", () => {
    expect(needsAptUpdate("E: Unable to locate package mosquitto")).toBe(true);
    expect(needsAptUpdate("E: Package 'socat' has no installation candidate")).toBe(true);
    expect(needsAptUpdate("E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)")).toBe(false);
  });
});
