import { createServer, connect, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { Timeline } from "../../src/timeline/timeline.ts";

/** Block the event loop, as a starved lab process is blocked (seen: 11 s on a loaded machine). */
function stall(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    /* the process gets no turn */
  }
}

describe("Timeline waits after the lab's own process stalled", () => {
  it("reads what already arrived before a deadline that passed during the stall decides", async () => {
    const tl = new Timeline();
    const server = createServer((s) => s.on("data", () => tl.record("device", "ack", { device: "dev1" })));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const client: Socket = connect(port, "127.0.0.1");
    await new Promise((r) => client.on("connect", r));
    try {
      const waiting = tl.next((e) => e.kind === "ack", 50);
      client.write("{\"ev\":\"ack\"}\n");
      stall(300); // the answer arrives during the stall; the deadline passes during it too
      expect(await waiting).toMatchObject({ kind: "ack" });
    } finally {
      client.destroy();
      await new Promise((r) => server.close(r));
    }
  });
});
