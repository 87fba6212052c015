# network shim for the MicroPython unix port: an emulated station interface.
#
# The lab, not a radio, decides whether the access point is reachable: the
# agent's `wifi` op calls _set_link(up). A client sees what it would see on
# the board the run emulates (--board: the host writes faraday_board.py with
# the board's STAT_* constants and status() sequences, fixtures/boards/):
# isconnected() drops, status() walks the board's sequence for an AP loss, a
# connect(), a failed attempt... and a later connect() succeeds only once the
# link is back. The agent's `wlan` op sets the WiFi-stack faults (_knobs).
# Sockets are not touched: the host cuts the traffic itself.
# Only what MQTT clients call is here (mqtt_as: active, connect, isconnected,
# status, config, disconnect; ifconfig for applications).
# status() is computed from the time since the current sequence began: no
# timers, no tasks. Each value a client is shown for the first time goes to
# the timeline through _emit (set by the agent): {"ev":"wlan","status":N}.
from time import ticks_ms, ticks_diff

try:
    from faraday_board import K, X, UP, ALONE, S, INIT
except ImportError:  # no --board: ESP8266 numbering, connects at once
    K = {"IDLE": 0, "CONNECTING": 1, "WRONG_PASSWORD": 2, "NO_AP_FOUND": 3, "CONNECT_FAIL": 4, "GOT_IP": 5}
    X = K
    UP = (5,)
    ALONE = True
    S = {"connect": ((5, 0),), "apLoss": ((1, 0),), "weakSignal": ((4, 0),), "dhcp": ((1, 0),)}
    INIT = None

_g = globals()
for _n in K:
    _g["STAT_" + _n] = K[_n]
del _g, _n

STA_IF = 0
AP_IF = 1
_IDLE = K["IDLE"]
_CONN = K["CONNECTING"]

_link = True  # is the (emulated) access point in range?
# The AP's name and key, when the virtual board was given them (faraday board
# virtual --ap): a connect() naming another AP or key never associates.
# Without, any AP named is the one in range.
try:
    from os import getenv as _ge

    _ap = (_ge("FARADAY_AP_SSID"), _ge("FARADAY_AP_KEY") or "")
    del _ge
except ImportError:
    _ap = (None, "")
_bad = None  # the refusal the last connect() naming an AP earned: NO_AP_FOUND / WRONG_PASSWORD
_ifs = [None, None]  # one WLAN object per interface, as on a board
_seq = None  # the status sequence in progress: ((code, ms), ...)
_t0 = 0  # when it began
_want = False  # connect() called and not disconnect()ed
_last = None  # the last status shown to the client (or to the timeline)
_k = {}  # WiFi-stack faults in effect (see _knobs)
_tc = None  # ticks of the last connect() while a linger is in effect
_emit = None


def _note(why, st=None):
    global _last
    if st is None:
        st = _now()
    _last = st
    if _emit:
        d = {"ev": "wlan", "status": st, "why": why}
        w = _ifs[STA_IF]
        if w and w._ssid:  # the AP connect() named (never its key)
            d["ssid"] = w._ssid
        _emit(d)


def _now():
    if _k.get("stuck") and _want:
        return K["GOT_IP"]
    if _seq is None:
        return _IDLE
    e = ticks_diff(ticks_ms(), _t0)
    for c, ms in _seq:
        if e < ms:
            return c
        e -= ms
    return _seq[-1][0]


def _go(seq, why):
    global _seq, _t0
    _seq = seq
    _t0 = ticks_ms()
    _note(why)


def _attempt(why):
    # A connect attempt with the AP in range, as the board's driver makes it,
    # bent by the faults in effect.
    global _tc
    if _bad == "key":  # the AP is there and refuses the key, every time
        return _go(S.get("wrongCredentials") or ((_CONN, 1000), (K["WRONG_PASSWORD"], 0)), why + " (wrong password)")
    if _bad:  # no AP of that name
        return _go(S["apLoss"], why + " (no such AP)")
    k = _k
    li = k.get("linger")  # (code, hold_ms): #154
    if li:
        n = ticks_ms()
        if _tc is not None and ticks_diff(n, _tc) < li[1]:
            _tc = n
            return _go(((_CONN, 200), (li[0], 0)), why + " (status lingers)")
        del k["linger"]  # a pause long enough: the error clears
    if k.get("fail", 0) > 0:  # #134: this attempt fails
        k["fail"] -= 1
        return _go(S["weakSignal"], why + " (fails)")
    s = S["connect"]
    if "dhcp" in k:  # associated, no address for a while
        s = s[:-1] + ((S["dhcp"][-1][0], k["dhcp"]),) + s[-1:]
    i = k.get("idle")  # (ms, at start?): #129, #132
    if i:
        s = (((_IDLE, i[0]),) + s) if i[1] else (s[:-1] + ((_IDLE, i[0]),) + s[-1:])
    _go(s, why)


def _set_link(up):
    global _link, _tc
    up = bool(up)
    if up == _link:
        return
    _link = up
    if not _want:
        return _note("AP " + ("back" if up else "gone"))
    if not up:
        return _go(S["apLoss"], "AP gone")
    if "linger" in _k:
        _tc = ticks_ms()
    # Back in range: the driver reassociates if it is still trying (or always
    # does, on boards that reconnect by themselves); otherwise it stays in its
    # error until the next connect().
    if ALONE or _now() == _CONN:
        _attempt("AP back")
    else:
        _note("AP back")


def _knobs(d):
    # The agent's `wlan` op: {"linger": [status name, ms], "idle": [ms, 1|0],
    # "fail": n, "dhcp": ms, "stuck": bool}; None takes one off.
    global _tc
    li = d.get("linger")
    if li:
        d["linger"] = (X[li[0]], li[1])
    for n in d:
        if d[n] is None:
            _k.pop(n, None)
        else:
            _k[n] = d[n]
    if "linger" in d:
        _tc = ticks_ms() if d["linger"] else None
    _note("fault")


if INIT:  # faults in effect from boot (a first power-up on weak WiFi)
    _knobs(INIT)


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
            w._ssid = None
        return w

    def __init__(self, interface=STA_IF):
        pass

    def active(self, *a):
        global _want, _seq
        if a:
            self._active = bool(a[0])
            if not self._active and _want:
                _want = False
                _seq = None
                _note("active(False)")
        return self._active

    def connect(self, ssid=None, key=None, *_, **__):
        global _want, _tc, _bad
        if not self._active:
            raise OSError("WLAN not active")  # as on ESP32
        _want = True
        if ssid is not None:  # the key is not kept: nothing reads it back
            self._ssid = ssid
            _bad = None if _ap[0] is None else "ssid" if ssid != _ap[0] else "key" if (key or "") != _ap[1] else None
        if _link:
            _attempt("connect()")
        else:
            if "linger" in _k:
                _tc = ticks_ms()
            _go(S["apLoss"], "connect() (no AP)")

    def disconnect(self):
        global _want, _seq
        _want = False
        _seq = None
        _note("disconnect()")

    def isconnected(self):
        st = self.status()
        return self._active and _want and st in UP

    def status(self, param=None):
        if param == "rssi":
            return -50 if self.isconnected() else -100
        if param is not None:
            raise ValueError("unknown status param")
        st = _now() if self._active else _IDLE
        if st != _last:
            _note("status()", st)
        return st

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
