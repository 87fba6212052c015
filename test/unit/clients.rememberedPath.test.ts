// FARADAY_CLIENT_PATH names the folder of a client that needs one (mqtt_as lives only on
// GitHub); it must not redirect a client that comes from PyPI (the default, aiomqttc): with
// it set, `faraday run` on the default client failed with "--client-path … does not hold the
// aiomqttc package". Found by running the device contract suite with mqtt_as included.
import { afterEach, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveClient } from "../../src/devices/clients.ts";

const saved = process.env.FARADAY_CLIENT_PATH;
const dirs: string[] = [];
afterEach(() => {
  if (saved === undefined) delete process.env.FARADAY_CLIENT_PATH;
  else process.env.FARADAY_CLIENT_PATH = saved;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A folder holding `<module>/__init__.py`, as a checkout does. */
function checkout(module: string): string {
  const dir = mkdtempSync(join(tmpdir(), "faraday-unit-client-"));
  dirs.push(dir);
  mkdirSync(join(dir, module));
  writeFileSync(join(dir, module, "__init__.py"), "");
  return dir;
}

describe("FARADAY_CLIENT_PATH", () => {
  it("names the folder of a client that needs one (mqtt_as)", () => {
    const dir = checkout("mqtt_as");
    process.env.FARADAY_CLIENT_PATH = dir;
    const c = resolveClient("mqtt_as", undefined, () => undefined);
    expect(c.packageDir).toBe(dir);
  });

  it("leaves a PyPI client (aiomqttc) where setup put it", () => {
    process.env.FARADAY_CLIENT_PATH = checkout("mqtt_as");
    const pypi = checkout("aiomqttc");
    const c = resolveClient("aiomqttc", undefined, (m) => (m === "aiomqttc" ? { dir: pypi, version: "1.0.7" } : undefined));
    expect(c.packageDir).toBe(pypi);
    expect(c.revision).toBe("PyPI 1.0.7");
  });

  it("still yields to --client-path", () => {
    process.env.FARADAY_CLIENT_PATH = checkout("mqtt_as");
    const own = checkout("aiomqttc");
    expect(resolveClient("aiomqttc", own, () => undefined).packageDir).toBe(own);
  });
});
