import { at, type TimelineEvent } from "../timeline/event.ts";
import type { Check } from "./check.ts";
import { defineChecker } from "./check.ts";
import { samePropValue } from "./receipts.ts";
import { isDeviceUp, isPeer } from "../timeline/is.ts";

export const connackAgreesChecker = defineChecker({
  name: "connackAgrees",
  group: "compliance",
  guarantee: "the device reads the CONNACK's properties exactly as an independent peer on the same broker and listener read them: a client that decodes a property of one type wrongly (byte order, width) fails",
  bound: "—",
  factory: connackAgrees,
  example: () => connackAgrees({ like: "peer:p", props: ["receiveMaximum"] }),
});

/**
 * The device read CONNACK properties exactly as an independent peer on the same broker and
 * listener read them (the broker announces the same limits to both): the reference is the
 * peer's CONNACK, not a number the scenario assumes about the broker. Catches a client that
 * decodes a property of one type wrongly (byte order, width).
 */
export function connackAgrees(p: { like: `peer:${string}`; props: string[]; guarantee?: string; name?: string }): Check {
  const peer = p.like.slice(5);
  return {
    name: p.name ?? connackAgreesChecker.name,
    guarantee: p.guarantee ?? `the device reads the CONNACK's ${p.props.join(", ")} exactly as peer ${peer} does`,
    judge(events) {
      const dev = events.findLast(isDeviceUp);
      const ref = events.findLast((e: TimelineEvent) => isPeer(e, "up") && e.peer === peer);
      if (!ref) return { verdict: "unknown", summary: `peer ${peer} never connected`, evidence: [] };
      const refProps = (ref.props as Record<string, unknown> | undefined) ?? {};
      if (!dev) return { verdict: "fail", summary: "the device never reported a CONNACK", evidence: [] };
      const devProps = (dev.props as Record<string, unknown> | undefined) ?? {};
      const ev = [
        { t: ref.t, text: `peer ${peer} at ${at(ref.t)}: ${JSON.stringify(refProps)}` },
        { t: dev.t, text: `device at ${at(dev.t)}: ${JSON.stringify(devProps)}` },
      ];
      const d: string[] = [];
      for (const k of p.props) {
        if (!(k in refProps)) d.push(`the broker did not send ${k} to the peer either`);
        else if (!(k in devProps)) d.push(`${k} missing (peer read ${JSON.stringify(refProps[k])})`);
        else if (!samePropValue(k, devProps[k], refProps[k])) d.push(`${k} ${JSON.stringify(devProps[k])}, peer read ${JSON.stringify(refProps[k])}`);
      }
      const refMissing = p.props.filter((k) => !(k in refProps));
      if (refMissing.length === p.props.length) return { verdict: "unknown", summary: `the broker sent none of ${p.props.join(", ")}`, evidence: ev };
      if (d.length) return { verdict: "fail", summary: `device's CONNACK: ${d.join("; ")}`, evidence: ev };
      return { verdict: "pass", summary: `the device read ${p.props.join(", ")} as the peer did`, evidence: ev };
    },
  };
}
