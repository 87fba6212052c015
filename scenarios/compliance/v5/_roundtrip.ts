// One property value, both ways: device → subscriber and subscriber → device, each read back
// exactly. No default export: the registry skips this file.
import type { Check } from "../../../src/checks/check.ts";
import { delivered } from "../../../src/checks/delivered.ts";
import type { ScenarioContext } from "../../../src/scenario/dsl.ts";
import { mustOk } from "./_steps.ts";

export interface RoundTrip {
  payload: string | { hex: string };
  props: Record<string, unknown>;
}

export async function roundTrip(ctx: ScenarioContext, r: RoundTrip): Promise<void> {
  const { device, peer, topics, bounds } = ctx;
  await device.up({ within: bounds.connectMs });
  const p = await peer("peer");
  await p.subscribe(`${topics.base}/up`, { qos: 1 });
  mustOk(ctx, await device.subscribe(`${topics.base}/down`, 1), "client subscribes");
  await device.publish(`${topics.base}/up`, r.payload, { qos: 1, props: r.props });
  await p.publish(`${topics.base}/down`, typeof r.payload === "string" ? r.payload : Buffer.from(r.payload.hex, "hex"), { qos: 1, props: r.props });
  await p.received({ topic: `${topics.base}/up` }, { within: bounds.deliveryMs });
  await device.received({ topic: `${topics.base}/down` }, { within: bounds.deliveryMs });
}

export function roundTripChecks(base: string, r: RoundTrip, what: string, extra: (dir: "up" | "down") => Check[] = () => []): Check[] {
  return [
    delivered({ to: "peer:peer", topic: `${base}/up`, payload: r.payload, props: r.props, name: "deviceSends", guarantee: `${what}: the device encodes it, the subscriber reads it back exactly` }),
    ...extra("up"),
    delivered({ to: "device", topic: `${base}/down`, payload: r.payload, props: r.props, name: "deviceReceives", guarantee: `${what}: the device decodes it exactly as the peer sent it` }),
    ...extra("down"),
  ];
}
