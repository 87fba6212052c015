import { floodScenario } from "./flood.ts";

export default floodScenario({ id: "flood-10", count: 10, bytes: 100, path: "resume" });
