/**
 * Type guards over the timeline: each says what `src === … && kind === …` said, and narrows
 * the event to what that kind carries (src/timeline/events.ts). With kinds, `isDevice(e, "down",
 * "exit")` is a device event of one of them; without, any device event, the kinds this version
 * does not know included.
 */
import type { DeviceAck, DeviceDown, DeviceMsg, DeviceOp, DeviceUp, EventOf, KindOf, LabErrorEvent, ObserverRecv, OtherEvent, Source, TimelineEvent, WirePacket } from "./events.ts";

/** Any event of `src`: a known one, or one of a kind this version does not know. */
export type AnyOf<S extends Source> = Extract<TimelineEvent, { src: S }> | OtherEvent<S>;

/** `e` was recorded by `src`, as one of `kinds` when any are given. */
const recordedBy = (e: TimelineEvent, src: Source, kinds: string[]): boolean => e.src === src && (kinds.length === 0 || kinds.includes(e.kind));

export function isDevice(e: TimelineEvent): e is AnyOf<"device">;
export function isDevice<K extends KindOf<"device">>(e: TimelineEvent, ...kinds: [K, ...K[]]): e is EventOf<"device", K>;
export function isDevice(e: TimelineEvent, ...kinds: string[]): boolean {
  return recordedBy(e, "device", kinds);
}

export function isObserver(e: TimelineEvent): e is AnyOf<"observer">;
export function isObserver<K extends KindOf<"observer">>(e: TimelineEvent, ...kinds: [K, ...K[]]): e is EventOf<"observer", K>;
export function isObserver(e: TimelineEvent, ...kinds: string[]): boolean {
  return recordedBy(e, "observer", kinds);
}

export function isPeer(e: TimelineEvent): e is AnyOf<"peer">;
export function isPeer<K extends KindOf<"peer">>(e: TimelineEvent, ...kinds: [K, ...K[]]): e is EventOf<"peer", K>;
export function isPeer(e: TimelineEvent, ...kinds: string[]): boolean {
  return recordedBy(e, "peer", kinds);
}

export function isBroker(e: TimelineEvent): e is AnyOf<"broker">;
export function isBroker<K extends KindOf<"broker">>(e: TimelineEvent, ...kinds: [K, ...K[]]): e is EventOf<"broker", K>;
export function isBroker(e: TimelineEvent, ...kinds: string[]): boolean {
  return recordedBy(e, "broker", kinds);
}

export function isFault(e: TimelineEvent): e is AnyOf<"fault">;
export function isFault<K extends KindOf<"fault">>(e: TimelineEvent, ...kinds: [K, ...K[]]): e is EventOf<"fault", K>;
export function isFault(e: TimelineEvent, ...kinds: string[]): boolean {
  return recordedBy(e, "fault", kinds);
}

export function isWire(e: TimelineEvent): e is AnyOf<"wire">;
export function isWire<K extends KindOf<"wire">>(e: TimelineEvent, ...kinds: [K, ...K[]]): e is EventOf<"wire", K>;
export function isWire(e: TimelineEvent, ...kinds: string[]): boolean {
  return recordedBy(e, "wire", kinds);
}

export function isLab(e: TimelineEvent): e is AnyOf<"lab">;
export function isLab<K extends KindOf<"lab">>(e: TimelineEvent, ...kinds: [K, ...K[]]): e is EventOf<"lab", K>;
export function isLab(e: TimelineEvent, ...kinds: string[]): boolean {
  return recordedBy(e, "lab", kinds);
}

// The ones most code asks about, by name.

/** The client's own "connected". */
export const isDeviceUp = (e: TimelineEvent): e is DeviceUp => isDevice(e, "up");
/** The client's own "outage" (not the process's exit: see isDevice(e, "down", "exit")). */
export const isDeviceDown = (e: TimelineEvent): e is DeviceDown => isDevice(e, "down");
/** A message the client delivered to the application. */
export const isDeviceMsg = (e: TimelineEvent): e is DeviceMsg => isDevice(e, "msg");
/** A message the observer received from the broker. */
export const isObserverRecv = (e: TimelineEvent): e is ObserverRecv => isObserver(e, "recv");
/** The lab broke or was interrupted. */
export const isLabError = (e: TimelineEvent): e is LabErrorEvent => isLab(e, "error");
/** An MQTT packet on the device's own connection (the wire tap). */
export const isWirePacket = (e: TimelineEvent): e is WirePacket => isWire(e, "packet");

/** An operation the host sent the device; of kind `op` when given ("publish", "start"…). */
export function isDeviceOp(e: TimelineEvent, op?: string): e is DeviceOp {
  return isDevice(e, "op") && (op === undefined || e.op === op);
}

/** The device's answer to operation `op`: its ack with the same id, from the same device. */
export function isAckOf(e: TimelineEvent, op: TimelineEvent): e is DeviceAck {
  return isDevice(e, "ack") && e.id === op.id && e.device === op.device;
}
