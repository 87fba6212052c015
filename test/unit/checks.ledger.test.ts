import { describe, expect, it } from "vitest";
import { buildLedger, inversions, messageStatuses } from "../../src/checks/ledger.ts";
import { devicePublish, ev, observerRecv, sortByT } from "./helpers.ts";

describe("ledger statuses", () => {
  it("gives each message one status: delivered, duplicated, lost-after-ack, lost-unacked, reordered", () => {
    const ledger = buildLedger(
      sortByT([
        ...devicePublish(1, 100, 150),
        observerRecv(140, 1),
        ...devicePublish(2, 200, 250),
        observerRecv(240, 2),
        observerRecv(900, 2),
        ...devicePublish(3, 300, 350),
        ...devicePublish(4, 400, undefined),
        ...devicePublish(5, 500, 550),
        ...devicePublish(6, 600, 650),
        observerRecv(640, 6),
        observerRecv(700, 5),
      ]),
    );
    const status = messageStatuses(ledger);
    expect(ledger.map((m) => `${m.seq}:${status.get(m)}`)).toEqual(["1:delivered", "2:duplicated", "3:lost-after-ack", "4:lost-unacked", "5:reordered", "6:delivered"]);
  });

  it("keeps the shape buildLedger always had", () => {
    const [m] = buildLedger([...devicePublish(1, 100, 150), observerRecv(140, 1)]);
    expect(m).toEqual({ dir: "up", topic: "f/up", payload: "seq=1", seq: 1, qos: 1, sentAt: 100, ackedAt: 150, failedAt: undefined, failure: undefined, deliveries: [140] });
  });

  it("matches a binary payload by its bytes: the observer records {hex} as the device's op does; the old lossy text stays unmatched", () => {
    const pub = (id: number, t: number, hex: string) => ev(t, "device", "op", { id, op: "publish", topic: "f/up", payload: { hex }, qos: 1 });
    const recv = (t: number, payload: unknown) => ev(t, "observer", "recv", { topic: "f/up", payload, qos: 1 });
    const ledger = buildLedger([pub(1, 100, "00ff80"), pub(2, 200, "00ff81"), recv(210, { hex: "00ff81" }), recv(220, "\u0000\ufffd\ufffd")]);
    expect(ledger.map((m) => [m.payload, m.deliveries])).toEqual([
      ['{"hex":"00ff80"}', []],
      ['{"hex":"00ff81"}', [210]],
    ]);
  });

  it("shares the deliveries of a payload sent twice between its copies, in time order", () => {
    const pub = (id: number, t: number) => ev(t, "device", "op", { id, op: "publish", topic: "f/up", payload: "hello", qos: 1 });
    const recv = (t: number) => ev(t, "observer", "recv", { topic: "f/up", payload: "hello", qos: 1 });
    const both = buildLedger([pub(1, 100), recv(110), pub(2, 200), recv(210)]);
    expect(both.map((m) => m.deliveries)).toEqual([[110], [210]]);
    // A copy cannot be delivered before it was sent: the early surplus is the first copy's duplicate.
    const dupThenLost = buildLedger([pub(1, 100), recv(110), recv(120), pub(2, 200)]);
    expect(dupThenLost.map((m) => m.deliveries)).toEqual([[110, 120], []]);
  });

  it("marks a repeated older delivery as a repeat, not a first arrival out of order", () => {
    const ledger = buildLedger(sortByT([...devicePublish(1, 100, 150), ...devicePublish(2, 200, 250), observerRecv(140, 1), observerRecv(240, 2), observerRecv(900, 1)]));
    const [inv] = inversions(ledger);
    expect(inv).toMatchObject({ lateAt: 900, newerAt: 240, repeat: true });
    expect(messageStatuses(ledger).get(ledger[0]!)).toBe("duplicated");
  });
});
