import { describe, expect, it } from "vitest";
import { UNIX_64_HEAP_SCALE, boardHeapKb, unixHeapKb, boardProfiles, checkBoardProfile, loadBoardProfile, profileProblem, statusCode, type BoardProfile } from "../../src/boards/profile.ts";

describe("board profiles (fixtures/boards/)", () => {
  it("lists the four boards, each valid against its schema and its own names", () => {
    expect(boardProfiles()).toEqual(["esp32", "esp8266", "generic", "rp2-pico-w"]);
    for (const name of boardProfiles()) expect(loadBoardProfile(name).name).toBe(name);
  });

  it("carries each port's own status numbering", () => {
    const esp32 = loadBoardProfile("esp32");
    expect([statusCode(esp32, "IDLE"), statusCode(esp32, "CONNECTING"), statusCode(esp32, "GOT_IP")]).toEqual([1000, 1001, 1010]);
    expect(statusCode(esp32, "WRONG_PASSWORD")).toBe(202);
    const esp8266 = loadBoardProfile("esp8266");
    expect(Object.values(esp8266.wlan.constants).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    const pico = loadBoardProfile("rp2-pico-w");
    expect([statusCode(pico, "WRONG_PASSWORD"), statusCode(pico, "GOT_IP"), statusCode(pico, "NOIP")]).toEqual([-3, 3, 2]);
    expect(pico.wlan.constants.NOIP).toBeUndefined(); // not exported by the port
  });

  it("gives the unix device its heap and precompile settings", () => {
    const esp8266 = loadBoardProfile("esp8266");
    expect(boardHeapKb(esp8266)).toBe(40); // 40000 bytes, rounded up
    expect(boardHeapKb(esp8266, UNIX_64_HEAP_SCALE)).toBe(63); // on the 64-bit unix port
    expect(unixHeapKb(esp8266)).toBe(79); // and what emulating the board costs, 16 KB
    expect(esp8266.needsMpy).toBe(true);
    expect(boardHeapKb(loadBoardProfile("generic"))).toBeUndefined();
  });

  it("refuses an unknown board naming the known ones", () => {
    expect(() => loadBoardProfile("esp33")).toThrow(/unknown board "esp33" \(boards: esp32, esp8266, generic, rp2-pico-w\)/);
    expect(() => loadBoardProfile("../clients/mqtt_as")).toThrow(/unknown board/);
  });

  it("finds what the schema cannot: a status a sequence names but the board lacks, a step that should hold", () => {
    const p = structuredClone(loadBoardProfile("esp32")) as BoardProfile;
    p.wlan.sequences.connect = [{ status: "CONNECTING" }, { status: "GOT_IP" }];
    expect(profileProblem(p)).toBe('/wlan/sequences/connect/0 needs "ms": only the last step holds');
    p.wlan.sequences.connect = [{ status: "NOIP", ms: 5 }, { status: "GOT_IP" }];
    expect(profileProblem(p)).toMatch(/connect\/0 names NOIP, which is not in/);
    expect(() => checkBoardProfile(p, "x.json")).toThrow(/^x\.json: \/wlan\/sequences\/connect\/0 names NOIP/);
    expect(profileProblem(loadBoardProfile("esp32"), "esp8266")).toMatch(/but the file is esp8266\.json/);
    expect(() => checkBoardProfile({ ...loadBoardProfile("esp32"), baud: "fast" }, "y.json")).toThrow(/^y\.json: \/baud must be integer/);
  });
});
