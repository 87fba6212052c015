import { idleDuringConnect } from "../../src/faults/idleDuringConnect.ts";
import { museumCase } from "./_museum.ts";

/**
 * peterhinch/micropython-mqtt#129: on MicroPython 1.21.1 an ESP32's good connect goes
 * CONNECTING (1001) → IDLE (1000) → GOT_IP (1010). mqtt_as's wifi_connect() broke out of its
 * wait on any status but CONNECTING, so the IDLE made it raise "Wi-Fi connect timed out",
 * disconnect, and try again — forever ("mqtt_as tries to reconnect forever but fails").
 * Fixed in 26e9750 ("Fix iss 132: firmware V1.22.1 incompatibility": IDLE is waited through);
 * fails at its parent 285cd3a.
 */
export default museumCase({
  id: "history-129-idle-during-connect",
  title: "#129: ESP32 (MicroPython 1.21.1) shows IDLE in the middle of a good connect after an AP outage",
  board: "esp32",
  faults: ["idleDuringConnect"],
  // The IDLE falls on mqtt_as's first 1 s poll: CONNECTING 800 ms, IDLE 1000 ms, then GOT_IP.
  fault: ({ targets }) => idleDuringConnect(targets, { idleMs: 1000, at: "middle" }),
});
