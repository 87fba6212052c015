import { deliveredIntact } from "../../../src/checks/deliveredIntact.ts";
import { feature } from "../feature.ts";
import { must, subscribeGranted } from "./_support.ts";

/**
 * Payload size in bytes: 64 KiB + 64. Past 65 535, so a client that keeps a message length in
 * 16 bits (or reads the payload with one fixed-size read) breaks; a three-byte Remaining Length
 * (§2.2.3); and still a size a board with ~100 KB free heap (an ESP32 without PSRAM) can hold
 * once. 256 KB was left out on purpose: on such a board it fails for lack of RAM, which says
 * nothing about the protocol.
 */
const PAYLOAD_BYTES = 65_536 + 64;

/** A payload in which every 16-byte block says where it is, so a cut or a shift shows. */
function payload(tag: string): string {
  let s = "";
  for (let i = 0; s.length < PAYLOAD_BYTES; i += 16) s += `${tag}${i.toString(16).padStart(8, "0")}|`.padEnd(16, ".").slice(0, 16);
  return s.slice(0, PAYLOAD_BYTES);
}

/**
 * A message of 64 KiB + 64 bytes round trips (§3.3.3: the payload is whatever follows the
 * variable header, up to the Remaining Length's limit of 268 435 455 bytes): the device
 * subscribes and receives a peer's large message byte for byte, then publishes one the peer
 * receives byte for byte.
 */
export default feature({
  protocol: "3.1.1",
  id: "large-payload",
  spec: "3.3.3",
  claim: "a 65 600-byte payload round trips intact between the device and a peer (§3.3.3, §2.2.3)",
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const down = `${topics.base}/blob/down`;
    const up = `${topics.base}/blob/up`;
    await device.up({ within: bounds.connectMs });
    await subscribeGranted(ctx, down, 1, "the device subscribes");
    const other = await peer("other");
    await other.subscribe(up, { qos: 1 });
    await other.publish(down, payload("D"), { qos: 1 });
    await device.received({ topic: down }, { within: bounds.deliveryMs, what: "the device receives the large message" });
    await must(ctx, device.publish(up, payload("U"), { qos: 1 }), bounds.deliveryMs, "the device publishes a large message");
    await other.received({ topic: up }, { within: bounds.deliveryMs, what: "the peer receives the device's large message" });
  },
  checks: ({ topics }) => [
    deliveredIntact({ name: "toDevice", to: "device", topic: `${topics.base}/blob/down`, payload: payload("D"), count: 1 }),
    deliveredIntact({ name: "fromDevice", to: "peer:other", topic: `${topics.base}/blob/up`, payload: payload("U"), count: 1 }),
  ],
});
