import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { CHECKERS } from "../../src/checks/index.ts";

describe("CHECKERS", () => {
  it("names each checker by the name its factory gives it, with a guarantee and a bound", () => {
    for (const [name, info] of Object.entries(CHECKERS)) {
      expect(info.example ? info.example().name : (info.factory as () => { name: string })().name).toBe(name);
      expect(info.guarantee.length).toBeGreaterThan(10);
      expect(info.bound.length).toBeGreaterThan(0);
    }
  });

  it("every checker has a row in the README's verdict table", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    for (const name of Object.keys(CHECKERS)) expect(readme).toContain(`| \`${name}\` |`);
  });
});
