import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Lab } from "../lab/lab.ts";
import type { OwnedProcess } from "../lab/process.ts";
import { assertPortFree } from "../lab/ports.ts";
import { until } from "../lab/ready.ts";
import { LabError } from "../lab/errors.ts";
import { mqttConnects, type BrokerFactory, type Protocol, type RunningBroker } from "./broker.ts";

export interface MosquittoOptions {
  /** Path of the mosquitto binary. */
  bin: string;
  /**
   * Save the in-memory database after every change (autosave_interval 1 with
   * autosave_on_changes), so a SIGKILL keeps sessions and queued messages. With the
   * default autosave (every 1800 s) a crash loses both: that is the non-durable kind.
   */
  durable?: boolean;
  /** Fixed port; by default a free one. */
  port?: number;
  /** Milliseconds to wait for the first CONNACK. */
  readyWithinMs?: number;
}

export function mosquitto(opts: MosquittoOptions): BrokerFactory {
  const durable = opts.durable ?? true;
  return {
    kind: "mosquitto",
    protocols: ["3.1.1", "5"],
    durable,
    async start(lab: Lab, { protocol }: { protocol: Protocol }): Promise<RunningBroker> {
      const port = opts.port ?? (await lab.port());
      await assertPortFree(port, "mosquitto");
      const dir = join(lab.dir, "mosquitto");
      mkdirSync(dir, { recursive: true });
      const conf = join(dir, "mosquitto.conf");
      writeFileSync(
        conf,
        [
          `listener ${port} 127.0.0.1`,
          "allow_anonymous true",
          "persistence true",
          `persistence_location ${dir}/`,
          durable ? "autosave_interval 1\nautosave_on_changes true" : "autosave_interval 1800",
          // Started as root, mosquitto drops to user "mosquitto" and then cannot write its
          // database in our sandbox: it only logs "Permission denied". Stay root instead.
          ...(process.getuid?.() === 0 ? ["user root"] : []),
          "log_dest stdout",
          "log_type error",
          "log_type warning",
          "log_type notice",
          "log_type information",
          "connection_messages true",
          "max_queued_messages 10000",
          "",
        ].join("\n"),
      );
      const tl = lab.timeline;
      let proc: OwnedProcess | undefined;
      const launch = async (): Promise<void> => {
        proc = lab.spawn({
          name: "mosquitto",
          cmd: opts.bin,
          args: ["-c", conf],
          cwd: dir,
          onLine: (line) => tl.record("broker", "log", { broker: "mosquitto", line }),
        });
        const p = proc;
        await until(`mosquitto on port ${port} answering CONNECT`, () => mqttConnects(port, protocol), {
          withinMs: opts.readyWithinMs ?? 5000,
          proc: p,
        });
        tl.record("broker", "ready", { broker: "mosquitto", port, pid: p.pid });
      };
      try {
        await launch();
      } catch (err) {
        await proc?.kill();
        throw err;
      }
      lab.defer("stop mosquitto", () => proc?.stop());
      const current = (): OwnedProcess => {
        if (!proc) throw new LabError("mosquitto was never started");
        return proc;
      };
      return {
        kind: "mosquitto",
        protocols: ["3.1.1", "5"],
        durable,
        host: "127.0.0.1",
        port,
        get running() {
          return proc?.running ?? false;
        },
        async start() {
          if (proc?.running) return;
          await launch();
        },
        async crash() {
          const p = current();
          p.signal("SIGKILL");
          await p.exited;
          tl.record("broker", "exit", { broker: "mosquitto", how: "SIGKILL" });
        },
        async shutdown() {
          const p = current();
          await p.stop(5000);
          tl.record("broker", "exit", { broker: "mosquitto", how: "SIGTERM", code: p.exitCode?.code ?? null });
        },
        freeze() {
          current().signal("SIGSTOP");
        },
        thaw() {
          current().signal("SIGCONT");
        },
      };
    },
  };
}
