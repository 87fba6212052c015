import { describe, expect, it } from "vitest";
import { wlanRecovers } from "../../src/checks/wlanRecovers.ts";
import { ctx, ev } from "./helpers.ts";

const ESP32 = { IDLE: 1000, CONNECTING: 1001, GOT_IP: 1010, WRONG_PASSWORD: 202 };
const board = ev(0, "lab", "board", { name: "esp32", statuses: ESP32 });
const wlan = (t: number, status: number, why = "status()") => ev(t, "device", "wlan", { device: "dev1", status, why });
const boot = [ev(100, "device", "hello"), wlan(200, 1001, "connect()"), wlan(1700, 1010)];

describe("wlanRecovers", () => {
  it("passes when the station is back after the boot and after the AP's return, each within its bound", () => {
    const r = wlanRecovers().judge([board, ...boot, wlan(5000, 1001, "AP gone"), wlan(9000, 1001, "AP back"), wlan(9500, 1000, "disconnect()"), wlan(10_500, 1001, "connect()"), wlan(12_000, 1010)], ctx());
    expect(r.verdict).toBe("pass");
    expect(r.evidence.map((e) => e.text)).toEqual([
      "boot at 0.200 s: station back (GOT_IP) after 1500 ms ≤ 10000 ms; status() went 1001 CONNECTING after connect() → 1010 GOT_IP",
      "AP back at 9.000 s: station back (GOT_IP) after 3000 ms ≤ 12000 ms; status() went 1001 CONNECTING → 1000 IDLE → 1001 CONNECTING after connect() → 1010 GOT_IP",
    ]);
  });

  it("fails a client that keeps failing on a status it misreads, with the values it was shown and its connect() calls", () => {
    const loop = [0, 1, 2, 3, 4, 5].flatMap((k) => [wlan(10_000 + k * 4000, 1001, "connect()"), wlan(10_800 + k * 4000, 202), wlan(11_000 + k * 4000, 1000, "disconnect()")]);
    const r = wlanRecovers().judge([board, ...boot, wlan(5000, 1001, "AP gone"), wlan(9000, 1001, "AP back"), ...loop, ev(36_000, "lab", "device.stopping")], ctx());
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.charged).toBe("client");
    expect(r.evidence[0]!.text).toMatch(/^AP back at 9\.000 s: the station was back not within 12000 ms \(nor by 36\.000 s\); the client called connect\(\) 6 time\(s\) and was shown status\(\) 1001 CONNECTING → 1001 CONNECTING after connect\(\) → 202 WRONG_PASSWORD → 1000 IDLE → /);
    expect(r.evidence[0]!.text).toMatch(/its last connect\(\) was at 30\.000 s: it kept trying and failing$/);
    expect(r.summary).toMatch(/^the client did not bring the WLAN back: AP back at 9\.000 s/);
  });

  it("fails a client that gives up at boot (its one connect() failed and it never tried again)", () => {
    const r = wlanRecovers().judge([board, ev(100, "device", "hello"), wlan(200, 1001, "connect() (fails)"), wlan(3300, -1), ev(40_000, "lab", "device.stopping")], ctx());
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.text).toMatch(/^boot at 0\.200 s: .* called connect\(\) 1 time\(s\) .*its last connect\(\) was at 0\.200 s: it gave up$/);
  });

  it("does not hold the client to a return the AP cut short, and cannot judge without an emulated WLAN", () => {
    expect(wlanRecovers().judge([board, ...boot, wlan(5000, 1001, "AP gone"), wlan(6000, 1001, "AP back"), wlan(7000, 1001, "AP gone")], ctx()).verdict).toBe("pass");
    expect(wlanRecovers().judge([board, ev(100, "device", "hello")], ctx()).verdict).toBe("unknown");
  });
});
