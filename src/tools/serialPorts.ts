// The serial ports `faraday doctor` sees, each named by its USB ids when it is a bridge or a
// chip that MicroPython boards carry.

/** USB vendor (and product) ids of what sits between a board and the host. */
const KNOWN: { vendor: string; product?: string; what: string }[] = [
  { vendor: "303a", what: "Espressif native USB (ESP32-S2/S3/C3/C6)" },
  { vendor: "10c4", product: "ea60", what: "Silicon Labs CP210x USB-serial (ESP32/ESP8266 dev boards)" },
  { vendor: "10c4", what: "Silicon Labs USB-serial" },
  { vendor: "1a86", product: "7523", what: "WCH CH340 USB-serial (ESP8266/ESP32 dev boards)" },
  { vendor: "1a86", product: "55d4", what: "WCH CH9102 USB-serial (ESP32 dev boards)" },
  { vendor: "1a86", what: "WCH USB-serial" },
  { vendor: "0403", what: "FTDI USB-serial" },
  { vendor: "2e8a", product: "0005", what: "Raspberry Pi RP2 running MicroPython (Pico, Pico W)" },
  { vendor: "2e8a", what: "Raspberry Pi RP2" },
];

export interface SeenPort {
  path: string;
  vendorId?: string | undefined;
  productId?: string | undefined;
  manufacturer?: string | undefined;
}

/** What a port is, from its USB ids; undefined for a port without them (a built-in UART). */
export function describePort(p: SeenPort): string | undefined {
  const v = p.vendorId?.toLowerCase();
  if (!v) return undefined;
  const pr = p.productId?.toLowerCase();
  const k = KNOWN.find((x) => x.vendor === v && (x.product === undefined || x.product === pr));
  const ids = `${v}:${pr ?? "?"}`;
  return k ? `${k.what} (${ids})` : `USB ${ids}${p.manufacturer ? ` ${p.manufacturer}` : ""}`;
}

/** Every port the OS lists (serialport's list: udev on Linux); the USB ones first. */
export async function listSerialPorts(): Promise<SeenPort[]> {
  const { SerialPort } = await import("serialport");
  const ports = (await SerialPort.list()) as SeenPort[];
  return ports.sort((a, b) => Number(Boolean(b.vendorId)) - Number(Boolean(a.vendorId)) || a.path.localeCompare(b.path));
}

/** Doctor's lines: one per USB port (and how many plain UARTs there are besides). */
export async function serialLines(line: (status: string, text: string) => string): Promise<string[]> {
  let ports: SeenPort[];
  try {
    ports = await listSerialPorts();
  } catch (err) {
    return [line("absent", `serial ports — cannot list them (${err instanceof Error ? err.message : String(err)}); --device serial:<port> still takes a port by name`)];
  }
  const usb = ports.filter((p) => describePort(p));
  const plain = ports.length - usb.length;
  const out = usb.map((p) => line("ok", `serial ${p.path} — ${describePort(p)}: --device serial:${p.path}`));
  if (usb.length === 0) out.push(line("none", `serial — no USB board plugged in${plain ? ` (${plain} built-in UART${plain > 1 ? "s" : ""})` : ""}; plug one in, or run: faraday board virtual`));
  return out;
}
