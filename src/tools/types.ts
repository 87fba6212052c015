// The contract every tool module follows, so setup/doctor/requireTools can treat
// them alike: find() is cheap and side-effect free, install() is idempotent.

export interface Found {
  ok: true;
  /** Path of the binary or folder that will be used. */
  where: string;
  version: string;
  /** How it was found, for doctor: "PATH", "FARADAY_MICROPYTHON", "private Debian 13 root", ".tools" … */
  source: string;
}

export interface Missing {
  ok: false;
  /** One line: what is wrong. */
  why: string;
  /** The exact command that fixes it. */
  fix: string;
}

export type FindResult<F extends Found = Found> = F | Missing;

export type Log = (line: string) => void;

export interface Component<F extends Found = Found> {
  /** Name shown to the user (e.g. "toxiproxy-server"). */
  name: string;
  /** The version this project pins / expects, shown before it is installed. */
  wanted: string;
  /** Optional components never make setup fail or a run impossible. */
  optional: boolean;
  /** What install() will do, phrased for "… installing with X" (e.g. "go install (about a minute)"). */
  method: string;
  find(): Promise<FindResult<F>>;
  /** Idempotent: does nothing when find() is already ok. Throws InstallError. */
  install(log: Log): Promise<F>;
}

/** An install failure that knows the command that fixes it. */
export class InstallError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
    this.name = "InstallError";
  }
}

/** The fix for anything `faraday setup` can obtain by itself. */
export const SETUP_FIX = "npx faraday setup";
