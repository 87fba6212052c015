#!/usr/bin/env node
// Entry point: run the TypeScript sources directly through tsx, so there is no
// build step between editing a scenario and running it.
import { register } from "tsx/esm/api";
register();
await import("../src/cli.ts");
