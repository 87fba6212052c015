import { at } from "../timeline/event.ts";
import type { Check } from "./check.ts";
import { defineChecker } from "./check.ts";
import { isLab } from "../timeline/is.ts";

export const expectationsMetChecker = defineChecker({
  name: "expectationsMet",
  group: "resilience",
  guarantee: "every expectation the scenario waited on (up again, publishes flowing) happened in time; part of every run",
  bound: "the bound the scenario names",
  factory: expectationsMet,
});

/**
 * What the scenario itself waited for (the client up again, publishes flowing) happened.
 * Always part of every run: a scenario that had to stop early never passes silently.
 */
export function expectationsMet(): Check {
  return {
    name: expectationsMetChecker.name,
    guarantee: expectationsMetChecker.guarantee,
    judge(events) {
      const failed = events.filter((e) => isLab(e, "expectation.failed"));
      if (failed.length === 0) return { verdict: "pass", summary: "the scenario ran to its end", evidence: [] };
      return {
        verdict: "fail",
        summary: `scenario stopped early: ${String(failed[0]!.what)}`,
        evidence: failed.map((e) => ({
          t: e.t,
          charged: "client" as const,
          text: `${String(e.what)}: not within ${String(e.withinMs)} ms of ${at(Number(e.since))}`,
        })),
      };
    },
  };
}
