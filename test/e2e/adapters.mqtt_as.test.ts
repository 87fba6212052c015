// The mqtt_as adapter drives mqtt_as exactly as its README says (issue 10 item 5): the one-byte
// v5 properties — 0x01 Payload Format Indicator ("byte", 0=binary 1=utf8), 0x17 Request Problem
// Information and 0x19 Request Response Information ("byte 0/1") — reach the client as the int
// 0 or 1, a received one is reported as the int mqtt_as hands back, and an exception the client
// raises comes out as the client's error (ack `err` and an `error` event), not converted away.
//
// This tests our adapter, not the client: the real agent (harness/device/agent.py) and the
// real adapter run on the real MicroPython unix port, with a stub `mqtt_as` module on the path
// whose only job is to record the arguments it is called with. No checkout of mqtt_as is
// needed (CI has none); the stub holds no code of mqtt_as, only its documented interface.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { find as findMicroPython } from "../../src/tools/micropython.ts";
import { repoRoot } from "../../src/tools/paths.ts";

/** The documented interface of mqtt_as, recording every call on stdout as `STUB {json}`. */
const STUB = String.raw`
import asyncio
import json

VERSION = (0, 8, 3)
config = {}


def _typed(p):
    # {id: value} -> {"id": [type name, value]}: bool and int must stay apart.
    if p is None:
        return None
    out = {}
    for k in p:
        v = p[k]
        out[str(k)] = [type(v).__name__, v if isinstance(v, (bool, int, str)) else repr(v)]
    return out


def _say(**d):
    print("STUB " + json.dumps(d))


class _Queue:
    def __init__(self):
        self.items = []
        self.ev = asyncio.Event()
        self.discards = 0

    def __aiter__(self):
        return self

    async def __anext__(self):
        while not self.items:
            self.ev.clear()
            await self.ev.wait()
        return self.items.pop(0)


class MQTTClient:
    DEBUG = False
    REPUB_COUNT = 0

    def __init__(self, cfg):
        _say(call="init", mqttv5=cfg.get("mqttv5"), con_props=_typed(cfg.get("mqttv5_con_props")))
        self.up = asyncio.Event()
        self.down = asyncio.Event()
        self.queue = _Queue()
        self.topic_alias_maximum = 0

    async def connect(self, *, quick=False):
        self.up.set()
        # A v5 message whose properties are as mqtt_as decodes them: 0x01 is a byte -> int.
        self.queue.items.append((b"lab/in", b"caf\xc3\xa9", False, {0x01: 1, 0x03: "text/plain"}))
        self.queue.ev.set()

    async def publish(self, topic, msg, retain=False, qos=0, properties=None):
        _say(call="publish", topic=topic.decode(), props=_typed(properties))
        if topic == b"lab/raise":
            raise TypeError("object of type 'int' has no len()")

    async def subscribe(self, topic, qos=0, properties=None):
        _say(call="subscribe", topic=topic.decode(), props=_typed(properties))

    async def unsubscribe(self, topic, properties=None):
        pass

    def isconnected(self):
        return True

    async def disconnect(self):
        pass
`;

interface Line {
  raw: string;
  json?: Record<string, unknown>;
  stub?: Record<string, unknown>;
}

let dir: string;
let lines: Line[] = [];
let exitCode: number | null = null;

beforeAll(async () => {
  const mp = await findMicroPython();
  if (!mp.ok) throw new Error(`MicroPython not found (${mp.why}) — run: ${mp.fix}`);
  dir = mkdtempSync(join(tmpdir(), "faraday-adapter-mqtt_as-"));
  const lib = join(dir, "lib");
  const stub = join(dir, "stub");
  mkdirSync(lib);
  mkdirSync(stub);
  // As the host launches it: the adapter copied as faraday_adapter.py, the client's package dir after it.
  copyFileSync(join(repoRoot, "harness", "device", "adapters", "mqtt_as.py"), join(lib, "faraday_adapter.py"));
  writeFileSync(join(stub, "mqtt_as.py"), STUB);
  const ops = [
    {
      id: 1,
      op: "start",
      cfg: {
        client_id: "adapter-test",
        server: "127.0.0.1",
        port: 1883,
        keepalive: 6,
        clean: true,
        clean_init: true,
        protocol: "5",
        session_expiry: 0,
        response_time: 3,
        subs: [],
        debug: false,
        connect_props: { requestProblemInformation: true, requestResponseInformation: false, receiveMaximum: 10 },
      },
    },
    { id: 2, op: "publish", topic: "lab/one", payload: "café", qos: 1, retain: false, props: { payloadFormatIndicator: true } },
    { id: 3, op: "publish", topic: "lab/zero", payload: { hex: "00ff" }, qos: 1, retain: false, props: { payloadFormatIndicator: false } },
    { id: 4, op: "publish", topic: "lab/raise", payload: "x", qos: 1, retain: false, props: { payloadFormatIndicator: true } },
  ];
  const [cmd, ...pre] = mp.argv;
  const child = spawn(cmd!, [...pre, join(repoRoot, "harness", "device", "agent.py")], {
    cwd: dir,
    env: { ...process.env, MICROPYPATH: [".frozen", lib, stub].join(":") },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
  const rl = createInterface({ input: child.stdout });
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the agent did not answer every op within 20 s; stderr: ${stderr}; stdout: ${lines.map((l) => l.raw).join("\n")}`));
    }, 20_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      exitCode = code;
      resolve();
    });
  });
  let sentOps = false;
  rl.on("line", (raw) => {
    const l: Line = { raw };
    if (raw.startsWith('{"ev":')) l.json = JSON.parse(raw) as Record<string, unknown>;
    else if (raw.startsWith("STUB ")) l.stub = JSON.parse(raw.slice(5)) as Record<string, unknown>;
    lines.push(l);
    if (l.json?.ev === "hello" && !sentOps) {
      sentOps = true;
      child.stdin.write(JSON.stringify(ops[0]) + "\n");
    }
    // The rest once the client is up and its message delivered; stop once every op is answered.
    if (l.json?.ev === "msg") for (const o of ops.slice(1)) child.stdin.write(JSON.stringify(o) + "\n");
    const answered = new Set(lines.filter((x) => x.json?.ev === "ack").map((x) => x.json!.id));
    if (l.json?.ev === "ack" && ops.every((o) => answered.has(o.id)) && !answered.has(99)) child.stdin.write(JSON.stringify({ id: 99, op: "stop" }) + "\n");
  });
  await done;
}, 30_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const stub = (call: string, topic?: string) => lines.find((l) => l.stub?.call === call && (topic === undefined || l.stub.topic === topic))?.stub;
const ack = (id: number) => lines.find((l) => l.json?.ev === "ack" && l.json.id === id)?.json;

describe("mqtt_as adapter: the documented one-byte property path (README §3.6.2)", () => {
  it("the agent ran every op and stopped cleanly", () => {
    expect(exitCode).toBe(0);
    expect(ack(1)?.ok).toBe(true);
    expect(ack(99)?.ok).toBe(true);
  });

  it("CONNECT: Request Problem / Response Information reach mqtt_as as the int 1 / 0 (\"byte 0/1\"), not a bool or bytes", () => {
    const init = stub("init");
    expect(init?.mqttv5).toBe(true);
    const p = init?.con_props as Record<string, [string, unknown]>;
    expect(p[String(0x17)]).toEqual(["int", 1]);
    expect(p[String(0x19)]).toEqual(["int", 0]);
    expect(p[String(0x21)]).toEqual(["int", 10]); // Receive Maximum: "int"
    expect(p[String(0x11)]).toEqual(["int", 0]); // Session Expiry Interval from session_expiry
  });

  it("PUBLISH: payloadFormatIndicator true/false reaches mqtt_as as {1: 1} / {1: 0}, ints", () => {
    expect(stub("publish", "lab/one")?.props).toEqual({ "1": ["int", 1] });
    expect(stub("publish", "lab/zero")?.props).toEqual({ "1": ["int", 0] });
    expect(ack(2)?.ok).toBe(true);
    expect(ack(3)?.ok).toBe(true);
  });

  it("a received Payload Format Indicator is reported as the int mqtt_as hands back (not rewritten to a bool)", () => {
    const msg = lines.find((l) => l.json?.ev === "msg")?.json;
    expect(msg?.topic).toBe("lab/in");
    expect(msg?.payload).toBe("café");
    expect(msg?.props).toEqual({ payloadFormatIndicator: 1, contentType: "text/plain" });
    // JSON keeps the difference: the line says 1, not true.
    expect(lines.find((l) => l.json?.ev === "msg")?.raw).toContain('"payloadFormatIndicator": 1');
  });

  it("an exception the client raises is the client's error: ack ok false with its message, and an error event with the traceback", () => {
    expect(stub("publish", "lab/raise")).toBeDefined(); // the adapter called the client: nothing guarded it
    const a = ack(4);
    expect(a?.ok).toBe(false);
    expect(String(a?.err)).toContain("TypeError");
    expect(String(a?.err)).toContain("object of type 'int' has no len()");
    const err = lines.find((l) => l.json?.ev === "error")?.json;
    expect(String(err?.msg)).toBe(String(a?.err));
    expect(String(err?.tb)).toMatch(/mqtt_as\.py", line \d+, in publish/);
  });
});
