import { connackReceived } from "../../../src/checks/connackReceived.ts";
import { delivered } from "../../../src/checks/delivered.ts";
import { peerRefused } from "../../../src/checks/peerRefused.ts";
import { feature } from "../feature.ts";
import { must } from "./_support.ts";

const USERS = { alice: "secret" };

/**
 * User name and password (§3.1.3.4, §3.1.3.5, flags §3.1.2.8/9 [MQTT-3.1.2-19, MQTT-3.1.2-21]):
 * the broker admits only alice/secret. The device connects with them and is accepted (return
 * code 0) and its publish reaches an authenticated peer; a peer with a wrong password and an
 * anonymous peer are refused — return code 4 (bad user name or password) or 5 (not
 * authorized), §3.2.2.3 — which shows the broker really checks, so the device's acceptance
 * means its credentials went out right.
 */
export default feature({
  protocol: "3.1.1",
  id: "user-password",
  spec: "3.1.3.4",
  requires: ["broker-settings"],
  claim: "a client with the right user name and password is accepted; wrong or missing credentials are refused with return code 4 or 5 (§3.1.3.4, §3.1.3.5, §3.2.2.3)",
  client: { user: "alice", password: USERS.alice },
  broker: { settings: { users: USERS } },
  async run(ctx) {
    const { device, peer, refusedPeer, topics, bounds } = ctx;
    await refusedPeer("intruder", { username: "alice", password: "wrong" });
    await refusedPeer("anonymous", {});
    await device.up({ within: bounds.connectMs });
    const sub = await peer("sub", { username: "alice", password: USERS.alice });
    await sub.subscribe(`${topics.base}/auth`, { qos: 1 });
    await must(ctx, device.publish(`${topics.base}/auth`, "authenticated", { qos: 1 }), bounds.deliveryMs, "the authenticated device publishes");
    await sub.received({ topic: `${topics.base}/auth` }, { within: bounds.deliveryMs, what: "the peer receives the device's message" });
  },
  checks: ({ topics }) => [
    peerRefused({ name: "wrongPassword", peer: "intruder", codes: [4, 5] }),
    peerRefused({ name: "anonymous", peer: "anonymous", codes: [4, 5] }),
    connackReceived({ nth: 1, reason: 0 }),
    delivered({ to: "peer:sub", topic: `${topics.base}/auth`, payload: "authenticated" }),
  ],
});
