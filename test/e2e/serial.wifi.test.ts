// The board's WiFi (--wifi-ssid, the password from FARADAY_WIFI_PASSWORD) on the whole serial
// path, with real processes: a virtual board (`faraday board virtual --flash <dir>`), a real
// mosquitto through a real Toxiproxy. The client joins the AP it was given and an AP loss comes
// back to the same AP, and the password is nowhere the lab writes: not in the run folder, not
// on the CLI's output, not left on the board's flash.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { faraday, faradayAsync, privateTmp, readResults } from "./lab.ts";
import { virtualBoard } from "./virtualBoard.ts";

type Ev = { t: number; src: string; kind: string; [k: string]: unknown };

const SECRET = "s3cret";

/** Every file under `dir`, with its bytes as text. */
function filesUnder(dir: string): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else if (s.isFile()) out.push({ path: p, text: readFileSync(p).toString("latin1") });
    }
  };
  walk(dir);
  return out;
}

describe("the board's WiFi: --wifi-ssid and FARADAY_WIFI_PASSWORD", () => {
  let board: Awaited<ReturnType<typeof virtualBoard>> & { flash: string };
  beforeAll(async () => {
    const flash = join(privateTmp(), "flash");
    mkdirSync(flash);
    // Its one AP in reach is lab-ap, with that password: anything else never associates.
    board = { ...(await virtualBoard(["--flash", flash, "--ap", "lab-ap", "--ap-password", SECRET])), flash };
  });
  afterAll(async () => {
    board.child.kill("SIGTERM");
    expect((await board.done).code).toBe(0);
  });

  it("aiomqttc joins the AP named, an AP loss comes back to it, and the password is nowhere the lab writes", () => {
    const tmp = privateTmp();
    const out = join(tmp, "reports");
    // --board generic: the shim's WLAN events go on the timeline, and its driver reassociates by itself when the AP is back.
    const r = faraday(["run", "ap-loss-short", "--device", `serial:${board.port}`, "--board", "generic", "--wifi-ssid", "lab-ap", "--protocol", "3.1.1", "--out", out], {
      tmp,
      env: { FARADAY_WIFI_PASSWORD: SECRET },
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const res = readResults(out).runs[0]! as unknown as { verdict: string; dir: string; reproduce: string };
    expect(res.verdict).toBe("pass");
    expect(res.reproduce).toMatch(/ --device serial:\S+ --wifi-ssid lab-ap /);

    const tl = readFileSync(join(out, "latest", res.dir, "timeline.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Ev);
    expect(tl.find((e) => e.kind === "device.deploy")).toMatchObject({ wifiSsid: "lab-ap", wifiJoinMs: expect.any(Number) });
    // The start the host sent carries no credentials: the agent added them on the board.
    const start = tl.find((e) => e.src === "device" && e.kind === "op" && e.op === "start")!;
    expect(start.cfg).not.toHaveProperty("ssid");
    expect(start.cfg).not.toHaveProperty("wifi_pw");
    const wlan = tl.filter((e) => e.src === "device" && e.kind === "wlan");
    const faultStart = tl.find((e) => e.src === "fault" && e.kind === "start" && e.fault === "apLoss")!;
    // The heal's device half: the `wifi` up op (the fault's `end` is recorded once it was acked, after the shim's event).
    const upOp = tl.find((e) => e.src === "device" && e.kind === "op" && e.op === "wifi" && e.up === true)!;
    expect(upOp.t).toBeGreaterThan(faultStart.t);
    // The application (aiomqttc's example main.py, which the adapter plays) joined lab-ap before the fault...
    expect(wlan.find((e) => e.why === "connect()" && e.t < faultStart.t)).toMatchObject({ ssid: "lab-ap", status: 5 });
    // ...and with the AP back the station is on lab-ap again (GOT_IP), and the client back up after it.
    const back = wlan.find((e) => e.t >= upOp.t && e.status === 5)!;
    expect(back).toMatchObject({ ssid: "lab-ap" });
    expect(tl.some((e) => e.src === "device" && e.kind === "up" && e.t > back.t)).toBe(true);
    expect(wlan.every((e) => e.ssid === undefined || e.ssid === "lab-ap")).toBe(true);

    // The password: in no file of the run folder, not on stdout or stderr.
    const files = filesUnder(out);
    expect(files.map((f) => f.path)).toEqual(expect.arrayContaining([expect.stringMatching(/timeline\.jsonl$/), expect.stringMatching(/results\.json$/), expect.stringMatching(/report\.html$/)]));
    expect(files.filter((f) => f.text.includes(SECRET)).map((f) => f.path)).toEqual([]);
    expect(r.stdout).not.toContain(SECRET);
    expect(r.stderr).not.toContain(SECRET);
    // Nor on the board once the run is over: the WiFi file is gone, and it never was in the hash manifest.
    expect(existsSync(join(board.flash, "faraday_wifi.py"))).toBe(false);
    expect(readFileSync(join(board.flash, "faraday.hashes"), "utf8")).not.toMatch(/faraday_wifi/);
    expect(filesUnder(board.flash).filter((f) => f.text.includes(SECRET)).map((f) => f.path)).toEqual([]);
  });

  it("a WiFi the board cannot join (a wrong password) is the bench's error before anything runs, never the client's fail", () => {
    const tmp = privateTmp();
    const out = join(tmp, "reports");
    const WRONG = "not-the-key";
    // The board is already on lab-ap at boot (its boot.py, as an ESP8266 rejoins its saved AP):
    // the check must still refuse the wrong key. (The shim judges anew at each connect(), so
    // this does not reproduce a real chip holding its old link; the leave-first step in the
    // check is for that, reasoned from the firmware.)
    writeFileSync(join(board.flash, "boot.py"), `import network\nw = network.WLAN(network.STA_IF)\nw.active(True)\nw.connect("lab-ap", "${SECRET}")\n`);
    const r = faraday(["run", "broker-crash", "--device", `serial:${board.port}`, "--board", "esp32", "--wifi-ssid", "lab-ap", "--protocol", "3.1.1", "--out", out], {
      tmp,
      env: { FARADAY_WIFI_PASSWORD: WRONG },
    });
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toMatch(/ERROR .*the board did not join the WiFi "lab-ap" \(after \d+ s its status\(\) was 202 STAT_WRONG_PASSWORD\) — check --wifi-ssid and FARADAY_WIFI_PASSWORD/);
    const res = readResults(out).runs[0]!;
    expect(res.verdict).toBe("error");
    expect(res.checks.filter((c) => c.verdict === "fail")).toEqual([]);
    expect(filesUnder(out).filter((f) => f.text.includes(WRONG)).map((f) => f.path)).toEqual([]);
    expect(r.stdout + r.stderr).not.toContain(WRONG);
    expect(existsSync(join(board.flash, "faraday_wifi.py"))).toBe(false);
    rmSync(join(board.flash, "boot.py"));
  });

  it("Ctrl-C while the lab checks the board's WiFi: the run is an error and the WiFi file is gone from the board", async () => {
    const tmp = privateTmp();
    const out = join(tmp, "reports");
    // No such AP in the board's reach: the check waits its 30 s — and is interrupted.
    const runner = faradayAsync(["run", "broker-crash", "--device", `serial:${board.port}`, "--wifi-ssid", "far-ap", "--protocol", "3.1.1", "--out", out], tmp, { FARADAY_WIFI_PASSWORD: SECRET });
    const file = join(board.flash, "faraday_wifi.py");
    for (let i = 0; i < 200 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(file), "the WiFi file was written").toBe(true);
    await new Promise((r) => setTimeout(r, 500)); // the check is under way
    runner.child.kill("SIGINT");
    const r = await runner.done;
    expect(r.code).toBe(2);
    expect(readResults(out).runs[0]!.verdict).toBe("error");
    expect(existsSync(file)).toBe(false);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  it("--wifi-ssid without the password in the environment, or with a device that has no WiFi of its own, is one line and exit 2", () => {
    // (An undefined value leaves the variable out of the child's environment.)
    const noPw = faraday(["run", "broker-crash", "--device", `serial:${board.port}`, "--wifi-ssid", "lab-ap"], { env: { FARADAY_WIFI_PASSWORD: undefined } });
    expect(noPw.code).toBe(2);
    expect(noPw.stderr.trim()).toBe("faraday: --wifi-ssid wants the WiFi's password in the environment: FARADAY_WIFI_PASSWORD=… (empty for an open network); it is never taken on the command line");
    const unix = faraday(["run", "broker-crash", "--wifi-ssid", "lab-ap"], { env: { FARADAY_WIFI_PASSWORD: SECRET } });
    expect(unix.code).toBe(2);
    expect(unix.stderr.trim()).toBe("faraday: --wifi-ssid is the WiFi of a board on the bench: give it with --device serial:<port> (not --device unix)");
  });
});
