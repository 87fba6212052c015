import { at, type TimelineEvent } from "../timeline/event.ts";
import type { Check, Evidence } from "./check.ts";
import { defineChecker, firstN } from "./check.ts";
import { buildLedger, nameOf } from "./ledger.ts";
import { topicMatches } from "./subscriptionsSurvive.ts";
import { isDevice, isDeviceOp, isDeviceUp } from "../timeline/is.ts";

export const subscriptionRequestedWorksChecker = defineChecker({
  name: "subscriptionRequestedWorks",
  group: "resilience",
  guarantee: "MQTT §3.8/§3.9: once the client tells the application its subscribe succeeded, the broker routes the topic to it, whatever the link did meanwhile",
  bound: "observer publishes later than one response time after the subscribe's answer and the latest up",
  factory: subscriptionRequestedWorks,
});

/**
 * Client promise (MQTT §3.8/§3.9: a subscription exists once the SUBACK granted it): when the
 * client tells the application its subscribe succeeded, the broker routes the topic to it from
 * then on, on the connection it is using. Judged for the application's own subscribe
 * operations on topics matching `filter`, whatever happened to the link while they were in
 * flight: the latest one answered ok must be followed by delivery of every acknowledged observer
 * publish on the topic sent later than one response time after both that answer and the
 * client's latest `up` (the renewed SUBACK may still be under way before). A subscribe
 * reported as failed obliges nothing; no subscribe ever answered ok is a failure (the
 * application was never able to subscribe).
 */
export function subscriptionRequestedWorks(filter = "#"): Check {
  return {
    name: subscriptionRequestedWorksChecker.name,
    guarantee: subscriptionRequestedWorksChecker.guarantee,
    judge(events, ctx) {
      const graceMs = ctx.client.response_time * 1000;
      const ops = new Map<unknown, TimelineEvent>();
      const answers: { op: TimelineEvent; ack: TimelineEvent | undefined }[] = [];
      for (const e of events) {
        if (isDeviceOp(e, "subscribe") && topicMatches(filter, String(e.topic))) {
          ops.set(e.id, e);
          answers.push({ op: e, ack: undefined });
        } else if (isDevice(e, "ack") && ops.has(e.id)) {
          const a = answers.find((x) => x.op.id === e.id);
          if (a) a.ack = e;
        }
      }
      if (answers.length === 0) return { verdict: "unknown", summary: `the application never subscribed to ${filter}`, evidence: [] };
      const history: Evidence[] = answers.map(({ op, ack }) => ({
        t: ack?.t ?? op.t,
        text: `subscribe to ${String(op.topic)} issued at ${at(op.t)}: ${ack ? (ack.ok === true ? `answered ok at ${at(ack.t)}` : `reported failed at ${at(ack.t)} ("${String(ack.err ?? "failed")}")`) : "never answered"}`,
      }));
      const lastOk = [...answers].reverse().find((a) => a.ack?.ok === true);
      if (!lastOk) {
        return { verdict: "fail", summary: `no subscribe to ${filter} was ever answered ok`, evidence: firstN(history.map((h) => ({ ...h, charged: "client" as const }))) };
      }
      const okAt = lastOk.ack!.t;
      const ups = events.filter(isDeviceUp).map((e) => e.t);
      const sent = buildLedger(events).filter((m) => m.dir === "down" && m.ackedAt !== undefined && topicMatches(filter, m.topic) && m.sentAt > okAt + graceMs);
      // Each message counts once the client's connection at its send was up for a response time.
      const judged = sent.filter((m) => {
        const up = ups.filter((u) => u <= m.sentAt).pop();
        return up !== undefined && m.sentAt > up + graceMs;
      });
      if (judged.length === 0) return { verdict: "unknown", summary: `the observer published nothing to ${filter} later than one response time after the subscribe was answered ok (${at(okAt)}) and the client was up`, evidence: firstN(history) };
      const lost = judged.filter((m) => m.deliveries.length === 0);
      if (lost.length) {
        const names = lost.slice(0, 5).map(nameOf).join(", ") + (lost.length > 5 ? ` and ${lost.length - 5} more` : "");
        return {
          verdict: "fail",
          summary: `${lost.length} of ${judged.length} messages to ${filter} published after the client confirmed its subscription never arrived`,
          evidence: firstN([{ t: lost[0]!.sentAt, charged: "client", text: `subscribe answered ok at ${at(okAt)}, yet ${names} published to ${lost[0]!.topic} from ${at(lost[0]!.sentAt)} on (PUBACKed to the observer) never reached the client` }, ...history]),
        };
      }
      return { verdict: "pass", summary: `all ${judged.length} messages to ${filter} published after the subscribe was answered ok (${at(okAt)}) arrived`, evidence: firstN(history) };
    },
  };
}
