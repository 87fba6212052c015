import { floodScenario } from "./flood.ts";

export default floodScenario({ id: "flood-1000-small", count: 1000, bytes: 16, path: "resume" });
