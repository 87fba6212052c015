// The lab's tool list, in the order setup installs and doctor reports them.
import { chromium } from "./chromium.ts";
import { clientComponents } from "./clients.ts";
import { micropython } from "./micropython.ts";
import { mochi } from "./mochi.ts";
import { mosquitto } from "./mosquitto.ts";
import { mosquittoClients } from "./mosquittoClients.ts";
import { mpyCross } from "./mpyCross.ts";
import { socat } from "./socat.ts";
import { toxiproxy } from "./toxiproxy.ts";
import type { Component } from "./types.ts";

export function components(): Component[] {
  return [micropython, mosquitto, toxiproxy, mochi, mpyCross, ...clientComponents, socat, mosquittoClients, chromium];
}
