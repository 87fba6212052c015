import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import { clip, visible } from "./safeText.ts";

/**
 * The published JSON Schemas (schemas/*.schema.json, draft 2020-12), compiled once each by ajv,
 * and their errors as one phrase naming the field. results.json is checked on every write (a
 * file that does not match is a bug in faraday); a baseline on every read (the user edits it).
 */

/** schemas/<name>.schema.json, found from this file (src/report/schema.ts), not from cwd. */
export const schemaFile = (name: string): string => fileURLToPath(new URL(`../../schemas/${name}.schema.json`, import.meta.url));

const compiled = new Map<string, ValidateFunction>();

export function validator(name: string): ValidateFunction {
  let v = compiled.get(name);
  if (!v) {
    const schema = JSON.parse(readFileSync(schemaFile(name), "utf8")) as object;
    v = new Ajv2020({ allErrors: false, verbose: true, strict: true }).compile(schema);
    compiled.set(name, v);
  }
  return v;
}

const value = (v: unknown) => visible(clip(JSON.stringify(v) ?? String(v), 60));

/** One ajv error as a phrase naming the field: "/runs/0/verdict must be one of pass, fail, … (not "meh")". */
export function describeSchemaError(e: ErrorObject, schema: string): string {
  const p = e.params as Record<string, unknown>;
  // A key that breaks propertyNames: ajv names it in `propertyName`, its own error is about the key.
  const key = (e as ErrorObject & { propertyName?: string }).propertyName;
  if (key !== undefined && e.keyword !== "propertyNames")
    return `${e.instancePath || "the file"} has a key that is not allowed: ${value(key)}${e.keyword === "pattern" ? ` (a key must match ${String(p.pattern)})` : e.keyword === "enum" ? ` (keys: ${(p.allowedValues as unknown[]).map(String).join(", ")})` : ""}`;
  const at = e.instancePath || "the file";
  const scalar = e.data !== undefined && (typeof e.data !== "object" || e.data === null) ? ` (not ${value(e.data)})` : "";
  switch (e.keyword) {
    case "required":
      return `${e.instancePath}/${String(p.missingProperty)} is missing (required)`;
    case "additionalProperties":
      return `${e.instancePath}/${visible(clip(String(p.additionalProperty), 60))} is not a field of ${schema} (see schemas/${schema}.schema.json)`;
    case "enum":
      return `${at} must be one of ${(p.allowedValues as unknown[]).map(String).join(", ")}${scalar}`;
    case "const":
      return `${at} must be ${String(p.allowedValue)}${scalar}`;
    case "pattern":
      return `${at} must match ${String(p.pattern)}${scalar}`;
    case "false schema":
      return `${at} is not allowed here`;
    case "not": {
      const sub = e.schema as { pattern?: string; anyOf?: { required?: string[] }[] } | undefined;
      if (sub?.anyOf) return `${at} must not have ${sub.anyOf.flatMap((x) => x.required ?? []).join(" or ")}`;
      const pattern = sub?.pattern;
      return `${at} must not match ${pattern ?? "the schema's exclusion"}${pattern === "(^|\\s)'?/" ? " (no absolute path)" : ""}${scalar}`;
    }
    case "type": {
      const t = String(p.type);
      return `${at} must be ${/^[aeiou]/.test(t) ? "an" : "a"} ${t}${scalar}`;
    }
    case "propertyNames":
      return `${at} has a key that is not allowed (${visible(clip(String(p.propertyName), 60))})`;
    default:
      return `${at} ${e.message ?? "is not valid"}${scalar}`;
  }
}

/** The first error of the last validation, described; undefined when the data matched. */
export function firstSchemaError(name: string, data: unknown): string | undefined {
  const v = validator(name);
  if (v(data)) return undefined;
  const [first] = v.errors ?? [];
  return first ? describeSchemaError(first, name) : `does not match schemas/${name}.schema.json`;
}
