import { floodScenario } from "./flood.ts";

export default floodScenario({ id: "flood-100", count: 100, bytes: 100, path: "resume" });
