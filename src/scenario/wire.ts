// The wire values moved to the MQTT vocabulary (src/mqtt/values.ts); this keeps scenario code's import working.
export { fromWire, sameWire, toWire, wireBytes, type WireValue } from "../mqtt/values.ts";
