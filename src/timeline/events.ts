/**
 * What each event on the timeline carries, per `src` and `kind`, as the code that records it
 * writes it today. Recorders: device — src/devices/channel.ts (the agent's own events,
 * docs/agent-protocol.md, plus `op`, `exit` and synthesized `log`); observer —
 * src/observer/observer.ts; peer — src/scenario/peer.ts, mosquittoPeer.ts; broker —
 * src/brokers/*; fault — src/faults/fault.ts and the fault files; wire — src/lab/wiretap.ts;
 * lab — src/lab/*.ts, src/scenario/runner.ts, context.ts and a few scenarios.
 *
 * The union narrows, it never rejects: a timeline is read as it was written, by whatever
 * version wrote it, so `TimelineEvent` also admits any other `kind`, and a field a recorder
 * added later may be missing from an older run. A device's fields are its agent's word (JSON
 * from the device, unchecked): checkers still test what they rely on (`typeof e.free === "number"`).
 * Narrow with the guards (`isDevice(e, "up")`, `isDeviceUp(e)`, src/timeline/is.ts).
 */

import type { Base, Source } from "./events/base.ts";
import type { DeviceEvents, ObserverEvents, PeerEvents } from "./events/clients.ts";
import type { BrokerEvents, FaultEvents, LabEvents, WireEvents } from "./events/lab.ts";

export type * from "./events/base.ts";
export type * from "./events/clients.ts";
export type * from "./events/lab.ts";

/** Every event this version records. */
export type KnownEvent = DeviceEvents | ObserverEvents | PeerEvents | BrokerEvents | FaultEvents | WireEvents | LabEvents;

/** An event of `src` whose kind this version does not know (an older or newer run's). */
export type OtherEvent<S extends Source = Source> = Base<S, string>;

/** One line of timeline.jsonl: a known event, or any other with `t`, `src` and `kind`. */
export type TimelineEvent = KnownEvent | OtherEvent;

/** The kinds this version records for `src`. */
export type KindOf<S extends Source> = Extract<KnownEvent, { src: S }>["kind"];

/** The known event of `src` and `kind` (`kind` may be a union). */
export type EventOf<S extends Source, K extends string> = Extract<KnownEvent, { src: S; kind: K }>;
