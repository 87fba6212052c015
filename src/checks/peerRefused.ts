import type { Check } from "./check.ts";
import { defineChecker } from "./check.ts";
import { isPeer } from "../timeline/is.ts";

export const peerRefusedChecker = defineChecker({
  name: "peerRefused",
  group: "compliance",
  guarantee: "the broker refuses a peer's CONNECT with a return code (3.1.1) or reason code (5) the spec allows for the case, e.g. 3.1.1 §3.2.2.3: 4 bad user name or password, 5 not authorized; a socket closed without CONNACK only where the spec requires it (MQTT-3.1.4-1)",
  bound: "—",
  factory: peerRefused,
  example: () => peerRefused({ peer: "p", codes: [5] }),
});

/**
 * The broker refused a peer's CONNECT (ctx.refusedPeer) with one of the return codes (3.1.1)
 * or reason codes (5) the spec allows for the case — e.g. 3.1.1 §3.2.2.3: 4 "bad user name or
 * password", 5 "not authorized". Closing the socket without a CONNACK passes only with
 * `closedOk` (the spec requires it for a CONNECT that does not conform, MQTT-3.1.4-1).
 */
export function peerRefused(p: { peer: string; codes: number[]; closedOk?: boolean; guarantee?: string; name?: string }): Check {
  const codes = p.codes.join(" or ");
  return {
    name: p.name ?? peerRefusedChecker.name,
    guarantee: p.guarantee ?? `the broker refuses peer ${p.peer} with return code ${codes}`,
    judge(events) {
      const mine = events.filter((e) => isPeer(e, "up", "refused") && e.peer === p.peer);
      if (!mine.length) return { verdict: "unknown", summary: `peer ${p.peer} never tried to connect`, evidence: [] };
      const e = mine[0]!;
      if (e.kind === "up") return { verdict: "fail", summary: `the broker accepted peer ${p.peer}`, evidence: [{ t: e.t, text: `CONNACK return code ${String(e.reasonCode ?? 0)}, Session Present ${String(e.sessionPresent)}` }] };
      const rc = typeof e.reasonCode === "number" ? e.reasonCode : undefined;
      const text = rc !== undefined ? `refused with return code ${rc}: ${String(e.msg ?? "")}` : e.closed ? "the broker closed the connection without a CONNACK" : `refused: ${String(e.msg ?? "")}`;
      if (rc !== undefined && p.codes.includes(rc)) return { verdict: "pass", summary: `peer ${p.peer} ${text}`, evidence: [{ t: e.t, text }] };
      if (rc === undefined && e.closed && p.closedOk) return { verdict: "pass", summary: `peer ${p.peer}: ${text}`, evidence: [{ t: e.t, text }] };
      return { verdict: "fail", summary: `peer ${p.peer}: ${text}, wanted return code ${codes}`, evidence: [{ t: e.t, text }] };
    },
  };
}
