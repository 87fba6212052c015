#!/usr/bin/env node
// aedes (npm, pinned in package.json) as a broker process of its own, so that the lab can
// SIGKILL, SIGTERM, SIGSTOP and SIGCONT it like any other broker:
//
//   node harness/brokers/aedes.mjs --port 1883 [--host 127.0.0.1]
//
// Every client is allowed (aedes' default authenticate). State lives in aedes' default
// in-memory persistence: a crash loses every session. Each CONNECT and the CONNACK sent for
// it are written to stderr (unbuffered on Linux pipes, so a SIGKILLed broker's last lines
// still reach the timeline), in a form src/brokers/aedes.ts reads:
//
//   CONNECT from 127.0.0.1:41850 client "dev1" (p4, c0, k6)
//   CONNACK to "dev1" (p4, c0, k6) session present 1, return code 0
import { createServer } from "node:net";
import { parseArgs } from "node:util";
import { Aedes } from "aedes";

const { values } = parseArgs({
  options: { port: { type: "string" }, host: { type: "string", default: "127.0.0.1" } },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  process.stderr.write(`aedes harness: --port wants a TCP port, not ${JSON.stringify(values.port)}\n`);
  process.exit(2);
}

const log = (line) => process.stderr.write(`${line}\n`);
const quote = (id) => JSON.stringify(String(id ?? ""));
const remote = (client) => {
  const s = client?.conn;
  return s && s.remoteAddress ? `${s.remoteAddress}:${s.remotePort}` : "?";
};

const broker = await Aedes.createBroker();
/** What each connection asked for, from its CONNECT (aedes hands the packet only to preConnect). */
const asked = new WeakMap();

broker.preConnect = (client, packet, callback) => {
  const a = { id: packet.clientId ?? "", p: packet.protocolVersion, c: packet.clean ? 1 : 0, k: packet.keepalive ?? 0 };
  asked.set(client, a);
  log(`CONNECT from ${remote(client)} client ${quote(a.id)} (p${a.p}, c${a.c}, k${a.k})`);
  callback(null, true);
};
broker.on("connackSent", (connack, client) => {
  const a = asked.get(client);
  if (!a) return;
  // An empty client id gets one assigned by aedes (client.id), once the CONNECT is accepted.
  const id = client.id ?? a.id;
  log(`CONNACK to ${quote(id)} (p${a.p}, c${a.c}, k${a.k}) session present ${connack.sessionPresent ? 1 : 0}, return code ${connack.returnCode}`);
});
broker.on("clientDisconnect", (client) => log(`DISCONNECT ${quote(client.id)}`));
broker.on("keepaliveTimeout", (client) => log(`KEEPALIVE TIMEOUT ${quote(client.id)}`));
broker.on("clientError", (client, err) => log(`CLIENT ERROR ${quote(client.id)}: ${err.message}`));
broker.on("connectionError", (client, err) => log(`CONNECTION ERROR ${remote(client)}: ${err.message}`));

const server = createServer(broker.handle);
server.on("error", (err) => {
  log(`aedes harness: cannot listen on ${values.host}:${port}: ${err.message}`);
  process.exit(1);
});
server.listen(port, values.host, () => log(`aedes ${broker.version} listening on ${values.host}:${port}`));

let stopping = false;
const stop = (sig) => {
  if (stopping) return;
  stopping = true;
  log(`${sig}: closing`);
  // A clean stop: aedes closes every client connection, then the listener goes.
  setTimeout(() => process.exit(0), 2000).unref();
  broker.close(() => server.close(() => process.exit(0)));
};
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
