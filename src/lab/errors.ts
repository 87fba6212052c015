/**
 * The lab itself could not do its job (a tool is missing, a port is busy, a broker will not
 * start). Never a verdict on the client: the run becomes `error` and the CLI exits 2.
 */
export class LabError extends Error {
  override readonly name = "LabError";
}

/** The user asked for something that does not exist or cannot work. Exit 2, one line. */
export class InputError extends Error {
  override readonly name = "InputError";
}

export function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split("\n")[0]!.slice(0, 400);
}
