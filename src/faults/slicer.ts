import { defineFault, type Fault, type FaultTargets } from "./fault.ts";
import { requireNumber, streamsOf, toxicFault, type Direction } from "./toxics.ts";

export interface SlicerParams {
  /** Average size of each piece, in bytes (default 1: every byte on its own). */
  averageSizeBytes?: number;
  /** Pieces vary by ± this many bytes (default 0); must be smaller than averageSizeBytes. */
  sizeVariationBytes?: number;
  /** Pause between pieces, in µs (default 1000), so the receiver reads them one by one. */
  delayUs?: number;
  /** "both" (default), "upstream" (device → broker) or "downstream" (broker → device). */
  direction?: Direction;
}

export const slicerFault = defineFault({
  name: "slicer",
  help: "MQTT packets split across segments",
  how: "`slicer` toxic",
  make: slicer,
});

/**
 * Fragmentation: MQTT packets arrive split across TCP segments — a small MSS, a congested
 * link, an lwIP stack with tiny buffers. A client that assumes one read() returns one whole
 * packet (its fixed header, its remaining length, its payload) breaks here; one that reads
 * exactly what it needs does not notice.
 *
 * The lab adds a Toxiproxy `slicer` toxic (average_size, size_variation in bytes, delay in µs)
 * to each half chosen: every chunk is cut into pieces written one by one with the delay
 * between them. Where a cut falls within the variation is Toxiproxy's own draw (not --seed).
 */
export function slicer(targets: FaultTargets, params: SlicerParams = {}): Fault {
  const averageSizeBytes = requireNumber("slicer", "averageSizeBytes", params.averageSizeBytes ?? 1, (v) => Number.isInteger(v) && v >= 1, "a whole number of bytes ≥ 1");
  const sizeVariationBytes = requireNumber(
    "slicer",
    "sizeVariationBytes",
    params.sizeVariationBytes ?? 0,
    (v) => Number.isInteger(v) && v >= 0 && (v === 0 || v < averageSizeBytes),
    "a whole number of bytes, 0 or below averageSizeBytes",
  );
  const delayUs = requireNumber("slicer", "delayUs", params.delayUs ?? 1000, (v) => Number.isInteger(v) && v >= 0, "a whole number of µs ≥ 0");
  const direction = params.direction ?? "both";
  return toxicFault(
    targets.link,
    "slicer",
    { averageSizeBytes, sizeVariationBytes, delayUs, direction },
    streamsOf(direction).map((stream) => ({
      type: "slicer",
      stream,
      attributes: { average_size: averageSizeBytes, size_variation: sizeVariationBytes, delay: delayUs },
    })),
  );
}
