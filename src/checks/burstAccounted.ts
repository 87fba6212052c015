import { at, type TimelineEvent } from "../timeline/event.ts";
import type { Check, Evidence } from "./check.ts";
import { defineChecker, firstN } from "./check.ts";
import { buildLedger } from "./ledger.ts";
import { owedToDevice } from "./owed.ts";
import { isDevice, isLab } from "../timeline/is.ts";

export const burstAccountedChecker = defineChecker({
  name: "burstAccounted",
  group: "resilience",
  guarantee: "a burst that arrives while the application is blocked reaches it as distinct messages in publish order; what the client dropped it reports by its own counter (mqtt_as: queue.discards) — nothing silently lost, nothing duplicated",
  bound: "judged after the drain: lost ≤ the client's own drop count over the burst",
  factory: burstAccounted,
});

/** The client counters that count messages a client dropped on purpose (an overflowing queue). */
export const DROP_COUNTERS = ["discards", "dropped"] as const;

/** The client's own drop count in a `mem` event, by the first counter it has; undefined when it has none. */
export function dropCount(e: TimelineEvent): { name: string; n: number } | undefined {
  const c = e.client as Record<string, unknown> | undefined;
  for (const name of DROP_COUNTERS) if (c && typeof c[name] === "number") return { name, n: c[name] };
  return undefined;
}

/**
 * Client promise (an application's, not MQTT's: the broker delivered every message and the
 * client acknowledged it): while the device's main loop is blocked, a burst of QoS 1 messages
 * piles up in the socket; when the loop resumes, the client reads them all at once. What the
 * application finally gets on the down topic after the burst began (the `burst` phase) must be
 * distinct messages in publish order, and the messages it never gets must be no more than the
 * drops the client reports itself (its `mem` counters before and after). A client with no
 * such counter may drop nothing.
 */
export function burstAccounted(): Check {
  return {
    name: burstAccountedChecker.name,
    guarantee: burstAccountedChecker.guarantee,
    judge(events, ctx) {
      const from = events.find((e) => isLab(e, "activity") && e.name === "burst")?.t;
      if (from === undefined) return { verdict: "unknown", summary: "no burst phase in this run", evidence: [] };
      const burst = buildLedger(events).filter((m) => m.dir === "down" && m.topic === ctx.topics.down && m.sentAt >= from && m.ackedAt !== undefined);
      // Only what the broker owed the device counts: a message it took before the device's
      // subscription was in place (a client that says "subscribed" before its SUBACK) was never
      // the client's to lose.
      const notOwed = burst.flatMap((m) => {
        const o = owedToDevice(m, events, ctx);
        return o.owed ? [] : [{ m, why: o.why }];
      });
      const sent = burst.filter((m) => !notOwed.some((n) => n.m === m));
      if (sent.length === 0) return { verdict: "unknown", summary: `nothing the broker owed the device was published in the burst${notOwed.length ? ` (${notOwed.length} not owed: ${notOwed[0]!.why})` : ""}`, evidence: [] };
      const mems = events.filter((e) => isDevice(e, "mem"));
      const before = mems.filter((e) => e.t <= from).at(-1);
      const after = mems.at(-1);
      const counter = after ? dropCount(after) : undefined;
      const reported = counter ? counter.n - ((before && dropCount(before)?.n) ?? 0) : 0;
      const evidence: Evidence[] = [];
      // Arrival order of the burst's messages at the application.
      const arrivals = sent.flatMap((m) => m.deliveries.map((t) => ({ t, m }))).sort((a, b) => a.t - b.t);
      const twice = sent.filter((m) => m.deliveries.length > 1);
      const lost = sent.filter((m) => m.deliveries.length === 0);
      const inversions: string[] = [];
      for (let i = 1; i < arrivals.length; i++) if (arrivals[i]!.m.sentAt < arrivals[i - 1]!.m.sentAt) inversions.push(`${arrivals[i]!.m.payload} at ${at(arrivals[i]!.t)} after ${arrivals[i - 1]!.m.payload}`);
      const how = counter ? `its own counter ${counter.name} went up by ${reported}` : "it has no drop counter of its own (mem.client)";
      const tally = `${sent.length} published in the burst (from ${at(from)})${notOwed.length ? ` and owed (${notOwed.length} more not owed)` : ""}, ${sent.length - lost.length} delivered, ${lost.length} never delivered; ${how}`;
      const unowed: Evidence[] = notOwed.slice(0, 3).map((n) => ({ t: n.m.sentAt, text: `${n.m.payload} not owed: ${n.why}` }));
      for (const m of twice) evidence.push({ t: m.deliveries[1], charged: "client", text: `${m.payload} reached the application ${m.deliveries.length} times (${m.deliveries.map(at).join(", ")})` });
      for (const x of inversions.slice(0, 5)) evidence.push({ charged: "client", text: `out of order: ${x}` });
      if (lost.length > reported) {
        const silent = lost.length - reported;
        evidence.push({
          t: lost[0]!.ackedAt,
          charged: "client",
          text: `${silent} message(s) silently lost: ${tally}; never delivered: ${lost.slice(0, 12).map((m) => m.payload).join(", ")}${lost.length > 12 ? ", …" : ""}`,
        });
      }
      if (evidence.length) return { verdict: "fail", summary: `the burst did not reach the application whole: ${evidence[0]!.text}`, evidence: firstN([...evidence, ...unowed]) };
      return { verdict: "pass", summary: `the burst reached the application in order, each once; ${tally}`, evidence: [{ t: from, text: tally }, ...unowed] };
    },
  };
}
