import { brokerRestart } from "../../src/faults/brokerRestart.ts";
import { outage } from "./_templates.ts";

/**
 * A broker without persistence (autosave every 1800 s, never reached) is SIGKILLed and
 * started again at once: every session and every queued message is gone. The client asks to
 * keep its session (clean=false) and finds none (session present 0): it must cope with "no
 * session" — come back, subscribe again, and carry on publishing and receiving. Messages
 * lost with the broker's memory are the broker's (noLostAcknowledged attributes them: a
 * non-durable broker's crash after the acknowledgement, or its CONNACK with session present 0);
 * anything acknowledged after the restart and then lost is the client's.
 */
export default outage({
  id: "broker-restart-without-persistence",
  title: "Non-durable broker crash-restarted (SIGKILL, sessions lost); the client must renew its subscriptions",
  faults: ["brokerRestart"],
  // clean=false (first connection clean, as mqtt_as's clean_init) so the client expects a session it will not find.
  client: { clean: false, clean_init: true },
  broker: { durable: false },
  fault: ({ targets }) => brokerRestart(targets, { signal: "SIGKILL" }),
  // inject() returns once the broker answers again: the restart is the whole fault. What the
  // observer publishes from the crash to the device's renewed SUBACK is routed to no one (the
  // restarted broker holds no subscription of the device): owed to nobody, so it pauses.
  holdMs: "none",
  reconnects: "client reconnects after the restart",
  // The session is gone: only the application's own renewal brings the subscription back.
  resubscribes: "client subscribes again on the new session",
  checks: { detectsOutageWithin: false },
});
