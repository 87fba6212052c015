import { sharedOnce } from "../../../src/checks/sharedOnce.ts";
import { feature } from "../feature.ts";
import { firstOf, mustOk } from "./_steps.ts";

const N = 10;
const JOBS = Array.from({ length: N }, (_, i) => `job=${i + 1}`);

export default feature({
  protocol: "5",
  id: "shared-subscription",
  spec: "4.8.2",
  claim: "the device and a peer in one shared subscription ($share/group/topic) split a burst: every message reaches one of them once, on the real topic",
  requires: ["shared-subscriptions"],
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const t = `${topics.base}/work`;
    const share = `$share/workers/${t}`;
    await device.up({ within: bounds.connectMs });
    mustOk(ctx, await device.subscribe(share, 1), `client subscribes ${share}`);
    const w2 = await peer("w2");
    await w2.subscribe(share, { qos: 1 });
    const pub = await peer("pub");
    for (const j of JOBS) await pub.publish(t, j, { qos: 1 });
    // Each job reaches one member or the other: wait for every one.
    for (const j of JOBS)
      await firstOf(ctx, [device.received({ topic: t, payload: j }, { within: bounds.deliveryMs }), w2.received({ topic: t, payload: j }, { within: bounds.deliveryMs })], `a member of the share receives ${j}`, bounds.deliveryMs);
  },
  checks: ({ topics }) => [sharedOnce({ members: ["device", "peer:w2"], topic: `${topics.base}/work`, payloads: JOBS })],
});
