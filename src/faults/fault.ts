import type { Lab } from "../lab/lab.ts";
import { LabError } from "../lab/errors.ts";
import type { RunningBroker } from "../brokers/broker.ts";
import type { DeviceLink } from "../lab/link.ts";
import type { Random } from "../lab/random.ts";
import type { ClientConfig } from "../devices/device.ts";
import type { PacketStage } from "../lab/packetStage.ts";

/**
 * What a fault may act on. Faults get their targets explicitly, so a fault file says in its
 * signature what it touches (a broker fault never reaches into the device).
 */
export interface FaultTargets {
  lab: Lab;
  broker: RunningBroker;
  /** The device's own Toxiproxy proxy: the wire between it and the broker. */
  link: DeviceLink;
  device: DeviceControl;
  /** Seeded from --seed: the only randomness a fault may use. */
  random: Random;
  /**
   * A fleet run (ScenarioContext.fleet): every device behind the one emulated access point,
   * each with its own proxy and controls, for whole-fleet faults (apReboot). Absent in a
   * one-device run: a whole-fleet fault then acts on `link` and `device`, a fleet of one.
   */
  fleet?: readonly FleetMemberTargets[];
  /** The wire tap's packet stage on the device's link, where packet faults act (absent without a tap: TLS). */
  packets?: PacketStage;
}

/** One device of a fleet, as a whole-fleet fault sees it. */
export interface FleetMemberTargets {
  /** The device's name in the lab ("dev7"). */
  name: string;
  link: DeviceLink;
  device: DeviceControl;
}

/** The device-side levers a fault may pull. */
export interface DeviceControl {
  /** Switch the emulated WLAN (the device-side half of an AP loss). */
  wifi(up: boolean): Promise<void>;
  /**
   * Bend the emulated WLAN driver (the agent's `wlan` op on the unix device's network shim):
   * the WiFi-stack faults' knobs, null taking one off.
   */
  wlan(set: Record<string, unknown>): Promise<void>;
  /**
   * Power off: kill the device process at once (RAM state is gone). `byHand`: a person switched
   * it off (a guided step: the board held in reset) — recorded as theirs, and the device's agent
   * let go as a dead device without anything written to the board (AgentTransport.powerLost).
   */
  powerOff(o?: { byHand?: boolean }): Promise<void>;
  /**
   * Power on: start the agent again and start the client with the run's settings, or with
   * some of them changed (a firmware that boots with clean_init=false, say).
   */
  powerOn(overrides?: Partial<ClientConfig>): Promise<void>;
}

/**
 * A fault is a package (as in Jepsen's nemesis): how to break something, how to heal it,
 * and the parameters that go on the timeline. Faults only break things; they never judge.
 */
export interface Fault {
  kind: string;
  params: Record<string, unknown>;
  inject(): Promise<void>;
  heal(): Promise<void>;
  /**
   * What teardown runs instead of heal() when the run ends with the fault still in place
   * (Ctrl-C, timeout): just enough that nothing is left broken. Default: heal().
   */
  restore?(): Promise<void>;
}

export interface ActiveFault {
  id: string;
  fault: Fault;
  healed: boolean;
}

/**
 * Injects faults, records `fault` start/end events, and heals whatever is still broken when
 * the lab tears down (a Ctrl-C must not leave a frozen broker or a blackholed proxy).
 */
export class Nemesis {
  private n = 0;
  readonly active: ActiveFault[] = [];

  constructor(private readonly lab: Lab) {
    lab.defer("heal open faults", () => this.healAll());
  }

  async inject(fault: Fault): Promise<ActiveFault> {
    // After teardown began, a fault would never be restored: refuse it.
    if (this.lab.tornDown) throw new LabError(`interrupted: not injecting ${fault.kind} during teardown`);
    const a: ActiveFault = { id: `${fault.kind}-${++this.n}`, fault, healed: false };
    this.lab.timeline.record("fault", "start", { id: a.id, fault: fault.kind, params: fault.params });
    this.active.push(a);
    await fault.inject();
    this.lab.timeline.record("fault", "injected", { id: a.id, fault: fault.kind });
    return a;
  }

  async heal(a: ActiveFault): Promise<void> {
    if (a.healed) return;
    this.lab.timeline.record("fault", "healing", { id: a.id, fault: a.fault.kind });
    await a.fault.heal();
    a.healed = true;
    this.lab.timeline.record("fault", "end", { id: a.id, fault: a.fault.kind });
  }

  /** The most recent fault of a kind that is still in effect. */
  open(kind: string): ActiveFault | undefined {
    return [...this.active].reverse().find((a) => a.fault.kind === kind && !a.healed);
  }

  /** At teardown: restore every fault still in place, and record that it ended there. */
  async healAll(): Promise<void> {
    for (const a of [...this.active].reverse()) {
      if (a.healed) continue;
      try {
        await (a.fault.restore ? a.fault.restore() : a.fault.heal());
      } finally {
        a.healed = true;
        this.lab.timeline.record("fault", "end", { id: a.id, fault: a.fault.kind, atTeardown: true });
      }
    }
  }
}

/**
 * What a fault file exports beside its factory, with `defineFault`: faults/index.ts finds every
 * one in this folder, and the README's fault table (scripts/readme.ts) is made from them.
 */
export interface FaultDescriptor {
  /** The fault's name: the `kind` of the faults it makes. */
  readonly name: string;
  /** What happens physically, in one line. */
  readonly help: string;
  /** How the lab makes it happen. */
  readonly how: string;
  /** Makes the fault from its targets and its parameters (typed in its file). */
  readonly make: (targets: FaultTargets, params: never) => Fault;
  /** Parameters to try it with, when it needs some. */
  readonly example?: Readonly<Record<string, unknown>>;
}

const faults = new WeakSet<object>();

/** Declare a fault (one line in its file, as Toxiproxy registers a toxic): faults/index.ts picks it up. */
export function defineFault<D extends FaultDescriptor>(d: D): D {
  faults.add(d);
  return d;
}

export function isFault(x: unknown): x is FaultDescriptor {
  return typeof x === "object" && x !== null && faults.has(x);
}
