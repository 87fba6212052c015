import { floodScenario } from "./flood.ts";

export default floodScenario({ id: "flood-clean-init-100", count: 100, bytes: 100, path: "wipe" });
