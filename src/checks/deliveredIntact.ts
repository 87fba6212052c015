import { createHash } from "node:crypto";
import { at } from "../timeline/event.ts";
import type { Check, Evidence } from "./check.ts";
import { defineChecker, firstN } from "./check.ts";
import { receiptsOf, receiverName, type Receiver } from "./receipts.ts";

function text(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (v && typeof v === "object" && typeof (v as { hex?: unknown }).hex === "string") return Buffer.from((v as { hex: string }).hex, "hex").toString("latin1");
  return undefined;
}

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest("hex").slice(0, 16);

export const deliveredIntactChecker = defineChecker({
  name: "deliveredIntact",
  group: "compliance",
  guarantee: "a large payload or a long topic reaches the receiver byte for byte, compared exactly and quoted by length, SHA-256 and the first differing offset",
  bound: "judged after the drain",
  factory: deliveredIntact,
  example: () => deliveredIntact({ to: "device", topic: "t", payload: "x" }),
});

/**
 * A large payload (or a long topic) reached `to` byte for byte — compared exactly, but quoted
 * by length, SHA-256 and the first differing offset rather than in full, so a 64 KB message
 * does not fill the report. The topic is compared exactly too, and shortened in the evidence
 * (for topics of thousands of bytes).
 */
export function deliveredIntact(want: { to: Receiver; topic: string; payload: string; count?: number; guarantee?: string; name?: string }): Check {
  const who = receiverName(want.to);
  const short = (t: string) => (t.length > 60 ? `${t.slice(0, 40)}…(${Buffer.byteLength(t)} bytes)` : t);
  const wantLen = Buffer.byteLength(want.payload);
  return {
    name: want.name ?? deliveredIntactChecker.name,
    guarantee: want.guarantee ?? `${who} receives the ${wantLen}-byte message on ${short(want.topic)} byte for byte`,
    judge(events) {
      const all = receiptsOf(events, want.to);
      const onTopic = all.filter((r) => r.topic === want.topic);
      const describe = (p: string | undefined) => (p === undefined ? "a payload of unknown form" : `${Buffer.byteLength(p)} bytes, sha256 ${digest(p)}…`);
      const intact = onTopic.filter((r) => text(r.payload) === want.payload);
      const ok = want.count === undefined ? intact.length > 0 : intact.length === want.count;
      const what = `${who} receives ${short(want.topic)} (${wantLen} bytes, sha256 ${digest(want.payload)}…)`;
      if (ok) return { verdict: "pass", summary: `${what}: ${intact.length} intact deliver${intact.length === 1 ? "y" : "ies"}`, evidence: intact.slice(0, 3).map((r) => ({ t: r.t, text: `${at(r.t)} ${describe(text(r.payload))}` })) };
      const evidence: Evidence[] = onTopic.map((r) => {
        const got = text(r.payload);
        if (got === undefined) return { t: r.t, text: `${at(r.t)} ${describe(got)}` };
        if (got === want.payload) return { t: r.t, text: `${at(r.t)} ${describe(got)} — intact` };
        let i = 0;
        while (i < got.length && i < want.payload.length && got[i] === want.payload[i]) i++;
        return { t: r.t, text: `${at(r.t)} ${describe(got)} — differs from character ${i} on (${got.length} characters received, ${want.payload.length} sent)` };
      });
      if (!onTopic.length) evidence.push({ text: `${who} received nothing on ${short(want.topic)} (${all.length} message(s) on other topics)` });
      const summary = want.count !== undefined && intact.length > 0 ? `${what}: ${intact.length} intact, wanted exactly ${want.count}` : onTopic.length ? `${what}: ${onTopic.length} message(s), none intact` : `${what}: never arrived`;
      return { verdict: "fail", summary, evidence: firstN(evidence) };
    },
  };
}
