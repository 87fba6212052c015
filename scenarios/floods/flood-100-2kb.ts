import { floodScenario } from "./flood.ts";

export default floodScenario({ id: "flood-100-2kb", count: 100, bytes: 2000, path: "resume" });
