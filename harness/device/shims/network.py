# network shim for the MicroPython unix port: an emulated station interface.
#
# The lab, not a radio, decides whether the access point is reachable: the
# agent's `wifi` op calls _set_link(up). A client sees what it would see on a
# board: isconnected() drops, status() says it is trying again, and a later
# connect() succeeds only once the link is back. Sockets are not touched: the
# host cuts the traffic itself (that is the network half of an AP loss).
# Only what MQTT clients call is here (mqtt_as: active, connect, isconnected,
# status, config, disconnect; ifconfig for applications).

STA_IF = 0
AP_IF = 1
# ESP8266 numbering; clients on a 'linux' platform only test isconnected().
STAT_IDLE = 0
STAT_CONNECTING = 1
STAT_WRONG_PASSWORD = 2
STAT_NO_AP_FOUND = 3
STAT_CONNECT_FAIL = 4
STAT_GOT_IP = 5

_link = True  # is the (emulated) access point in range?
_ifs = [None, None]  # one WLAN object per interface, as on a board


def _set_link(up):
    global _link
    _link = bool(up)


def hostname(*_):
    return "faraday"


class WLAN:
    PM_NONE = 0
    PM_PERFORMANCE = 1
    PM_POWERSAVE = 2

    def __new__(cls, interface=STA_IF):
        # Boards hand back the same object for an interface every time, so
        # state set through one reference is seen through all of them.
        w = _ifs[interface]
        if w is None:
            w = _ifs[interface] = object.__new__(cls)
            w._active = False
            w._want = False  # connect() called and not disconnect()ed
            w._ssid = None
        return w

    def __init__(self, interface=STA_IF):
        pass

    def active(self, *a):
        if a:
            self._active = bool(a[0])
            if not self._active:
                self._want = False
        return self._active

    def connect(self, ssid=None, key=None, *_, **__):
        if not self._active:
            raise OSError("WLAN not active")  # as on ESP32
        self._want = True
        if ssid is not None:
            self._ssid = ssid

    def disconnect(self):
        self._want = False

    def isconnected(self):
        return self._active and self._want and _link

    def status(self, param=None):
        if param == "rssi":
            return -50 if self.isconnected() else -100
        if param is not None:
            raise ValueError("unknown status param")
        if not (self._active and self._want):
            return STAT_IDLE
        # While the AP is gone the radio keeps retrying, as a board does.
        return STAT_GOT_IP if _link else STAT_CONNECTING

    def config(self, *a, **kw):
        if kw:  # setting pm, hostname, txpower...: nothing to emulate
            return None
        p = a[0] if a else None
        if p == "mac":
            return b"\xfa\x2a\xda\x70\x00\x01"
        if p in ("ssid", "essid"):
            return self._ssid or ""
        if p == "hostname":
            return "faraday"
        if p == "pm":
            return self.PM_NONE
        raise ValueError("unknown config param")

    def ifconfig(self, *a):
        if a:
            return None
        if self.isconnected():
            return ("127.0.0.1", "255.0.0.0", "127.0.0.1", "127.0.0.1")
        return ("0.0.0.0", "0.0.0.0", "0.0.0.0", "0.0.0.0")

    def scan(self):
        return []
