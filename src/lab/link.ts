import { Toxiproxy, type Proxy } from "toxiproxy-node-client";
import type { Lab } from "./lab.ts";
import { until, portOpen } from "./ready.ts";
import { LabError, oneLine } from "./errors.ts";

/**
 * The wire between a device and the broker: one Toxiproxy server per lab and one proxy per
 * device. Faults (latency, blackhole, reset…) are toxics on the proxy; the device only ever
 * knows the proxy's address.
 */
export interface Link {
  readonly apiPort: number;
  readonly client: Toxiproxy;
  /** Create a proxy for one device; returns the port the device must connect to. */
  proxyFor(device: string, upstreamPort: number): Promise<DeviceLink>;
}

export interface DeviceLink {
  readonly name: string;
  readonly listenPort: number;
  readonly proxy: Proxy;
}

/** `listenHost`: where the device's proxies listen — 127.0.0.1, or the host address a board on the bench was told (--host-address). */
export async function startLink(lab: Lab, toxiproxyBin: string, listenHost = "127.0.0.1"): Promise<Link> {
  const apiPort = await lab.port();
  const proc = lab.spawn({
    name: "toxiproxy",
    vital: true,
    cmd: toxiproxyBin,
    args: ["-host", "127.0.0.1", "-port", String(apiPort)],
    cwd: lab.dir,
    env: { ...process.env, LOG_LEVEL: "warn" },
    onLine: (line) => lab.timeline.record("lab", "toxiproxy.log", { line }),
  });
  lab.defer("stop toxiproxy", () => proc.stop());
  const client = new Toxiproxy(`http://127.0.0.1:${apiPort}`);
  await until(`toxiproxy API on port ${apiPort}`, async () => (await portOpen(apiPort)) && !!(await client.getVersion()), {
    withinMs: 5000,
    proc,
  });
  lab.timeline.record("lab", "toxiproxy.ready", { port: apiPort, pid: proc.pid });
  return {
    apiPort,
    client,
    async proxyFor(device, upstreamPort) {
      const listenPort = await lab.port();
      try {
        const proxy = await client.createProxy({
          name: `dev-${device}`,
          listen: `${listenHost.includes(":") ? `[${listenHost}]` : listenHost}:${listenPort}`,
          upstream: `127.0.0.1:${upstreamPort}`,
        });
        lab.timeline.record("lab", "link.proxy", { device, listen: listenPort, upstream: upstreamPort });
        return { name: proxy.name, listenPort, proxy };
      } catch (err) {
        throw new LabError(`could not create the toxiproxy proxy for ${device} on port ${listenPort}: ${oneLine(err)}`);
      }
    },
  };
}
