import { describe, expect, it } from "vitest";
import { sessionClean, sessionResumed } from "../../src/checks/session.ts";
import { ctx, ev, sortByT } from "./helpers.ts";
import type { CheckContext } from "../../src/checks/context.ts";

const client = (over: Partial<CheckContext["client"]>) => ctx({ client: { ...ctx().client, ...over } });
const kept = client({ clean: false });
const clean = client({ clean: true });
const reconnect = (sp: boolean | undefined, at = 14_000) => [
  ev(100, "device", "up", { session_present: false }),
  ev(1_010, "device", "down"),
  ev(at, "device", "up", sp === undefined ? {} : { session_present: sp }),
];
const crash = [ev(1_000, "broker", "exit", { how: "SIGKILL" }), ev(11_000, "broker", "ready")];

describe("sessionResumed", () => {
  const judge = (events: ReturnType<typeof ev>[], c = kept) => sessionResumed().judge(sortByT(events), c);

  it("passes when a reconnect finds the kept session, across a durable broker's crash", () => {
    const r = judge([...reconnect(true), ...crash]);
    expect(r.verdict).toBe("pass");
    expect(r.evidence[0]!.text).toBe("client up at 14.000 s with its session (session_present=true)");
  });

  it("fails a reconnect without the session a durable broker kept", () => {
    const r = judge([...reconnect(false), ...crash]);
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.text).toContain("client up at 14.000 s without its session (session_present=false) though it asks to keep it (clean false, 3.1.1) and the durable broker restarted (exited at 1.000 s)");
    expect(r.evidence[0]!.charged).toBe("client");
  });

  it("charges a session lost in a non-durable broker's crash to the broker", () => {
    const r = judge([...reconnect(false), ...crash], ctx({ client: kept.client, broker: { kind: "mosquitto", durable: false } }));
    expect(r.verdict).toBe("unknown");
    expect(r.evidence[0]!.charged).toBe("broker");
    expect(r.evidence[0]!.text).toContain("the broker (not durable) exited at 1.000 s (SIGKILL) and lost it");
  });

  it("v5: allows a missing session once its expiry may have run out", () => {
    const v5 = client({ clean: false, protocol: "5", session_expiry: 5 });
    expect(judge(reconnect(false), v5).verdict).toBe("unknown");
    expect(judge(reconnect(false, 3_000), v5).verdict).toBe("fail");
  });

  it("takes Session Present from the broker's own CONNACK when the adapter does not report it", () => {
    const events = [
      ev(90, "broker", "connack", { client: "dev", cleanStart: false, sessionPresent: false }),
      ev(100, "device", "up"),
      ev(1000, "broker", "exit", { how: "SIGKILL" }),
      ev(5000, "broker", "ready"),
      ev(13_990, "broker", "connack", { client: "dev", cleanStart: false, sessionPresent: true }),
      ev(14_000, "device", "up"),
    ];
    const r = judge(events);
    expect(r.verdict).toBe("pass");
  });

  it("cannot decide when not asked to keep a session, without a reconnect, or without session_present", () => {
    expect(judge(reconnect(true), clean).verdict).toBe("unknown");
    expect(judge(reconnect(true), client({ clean: false, protocol: "5", session_expiry: 0 })).verdict).toBe("unknown");
    expect(judge([]).verdict).toBe("unknown");
    expect(judge([ev(100, "device", "up", { session_present: false })]).verdict).toBe("unknown");
    const r = judge(reconnect(undefined));
    expect(r.verdict).toBe("unknown");
    expect(r.summary).toContain("neither the client's adapter nor the broker reported Session Present");
  });
});

describe("sessions across a device restart", () => {
  // Power cycle: the old process dies, a new one starts the client again (a first connection).
  const restart = (sp: boolean) => [
    ev(100, "device", "op", { id: 1, op: "start" }),
    ev(200, "device", "up", { session_present: false }),
    ev(5_000, "lab", "device.power", { on: false }),
    ev(5_010, "device", "exit", { signal: "SIGKILL" }),
    ev(6_000, "lab", "device.power", { on: true }),
    ev(6_500, "device", "op", { id: 1, op: "start" }),
    ev(8_000, "device", "up", { session_present: sp }),
  ];

  it("judges the first connection after a restart by clean_init", () => {
    const keepAll = client({ clean: false, clean_init: false });
    expect(sessionResumed().judge(restart(false), keepAll).verdict).toBe("fail");
    expect(sessionResumed().judge(restart(false), keepAll).evidence[0]!.text).toContain("client up at 8.000 s after a device restart without its session");
    expect(sessionResumed().judge(restart(true), keepAll).verdict).toBe("pass");
    // clean_init=true: the restarted client starts clean on purpose.
    expect(sessionResumed().judge(restart(false), kept).verdict).toBe("unknown");
  });

  it("sessionClean judges a restarted first connection only when clean_init asks for a clean one too", () => {
    expect(sessionClean().judge(restart(true), client({ clean: true, clean_init: true })).verdict).toBe("fail");
    expect(sessionClean().judge(restart(true), client({ clean: true, clean_init: false })).verdict).toBe("unknown");
  });
});

describe("sessionClean", () => {
  const judge = (events: ReturnType<typeof ev>[], c = clean) => sessionClean().judge(sortByT(events), c);

  it("passes when every reconnect starts clean", () => {
    expect(judge(reconnect(false)).verdict).toBe("pass");
  });

  it("fails a clean reconnect that found an old session", () => {
    const r = judge(reconnect(true));
    expect(r.verdict).toBe("fail");
    expect(r.evidence[0]!.text).toBe(
      "client up at 14.000 s with an old session (session_present=true) though it asks for a clean one (clean true, 3.1.1): its CONNECT did not set the clean flag",
    );
  });

  it("cannot decide for a client keeping its session, or without session_present", () => {
    expect(judge(reconnect(false), kept).verdict).toBe("unknown");
    expect(judge(reconnect(undefined)).verdict).toBe("unknown");
  });
});

describe("sessionResumed after a clean first connection (3.1.1)", () => {
  it("does not charge the client for a missing session when the broker's log shows the previous connection began with Clean Session 1", async () => {
    const { sessionResumed } = await import("../../src/checks/session.ts");
    const { ctx } = await import("./helpers.ts");
    const c = ctx({ client: { ...ctx().client, clean: false, clean_init: true, client_id: "dev" } });
    const tl = [
      { t: 5, src: "broker", kind: "connack", client: "dev", cleanStart: true, sessionPresent: false },
      { t: 10, src: "device", kind: "up", session_present: false },
      { t: 1000, src: "device", kind: "down" },
      { t: 1995, src: "broker", kind: "connack", client: "dev", cleanStart: false, sessionPresent: false },
      { t: 2000, src: "device", kind: "up", session_present: false },
    ] as never[];
    const r = sessionResumed().judge(tl, c);
    expect(r.verdict).not.toBe("fail");
    expect(r.evidence[0]!.text).toContain("began with Clean Session 1");
  });
});
