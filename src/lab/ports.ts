import { createServer } from "node:net";
import { LabError } from "./errors.ts";

/** A free loopback TCP port, picked by the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new LabError("no free port"))));
    });
  });
}

/** Fails with a clear sentence when something else already listens on `port`. */
export function assertPortFree(port: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", (e: NodeJS.ErrnoException) =>
      reject(new LabError(`port ${port} for ${what} is busy (${e.code ?? e.message}): stop what uses it or pick another`)),
    );
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve()));
  });
}
