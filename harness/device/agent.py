# Faraday device agent: JSON lines in (operations) and out (events).
# See docs/agent-protocol.md. It runs on the unix port and on boards with
# ~39 KB of heap, so it keeps no tables and builds no big strings.
import sys

# MICROPYPATH replaces the default path on the unix port, and asyncio is
# frozen into the firmware: without ".frozen" it cannot be found.
if ".frozen" not in sys.path:
    sys.path.append(".frozen")

import gc
import io
import json
import asyncio
from time import ticks_ms, ticks_diff

# --board on the unix port: the host writes the board's profile as
# faraday_board.py. Clients take board-specific paths from sys.platform
# (mqtt_as: `from sys import platform`), so the board's name stands in for
# the port's: a copy of sys with another platform, put where `import sys`
# looks first. On a board there is no such file and nothing changes.
try:
    import faraday_board as _B

    if _B.PLATFORM:

        class _Sys:
            pass

        for _n in dir(sys):
            setattr(_Sys, _n, getattr(sys, _n))
        _Sys.platform = _B.PLATFORM
        sys.modules["sys"] = _Sys
        del _n
except ImportError:
    _B = None

# The host puts the chosen adapter at <sandbox>/lib/faraday_adapter.py; a
# module name on the command line overrides that (handy by hand).
A = __import__(sys.argv[1] if len(sys.argv) > 1 else "faraday_adapter")
gc.collect()

_out = sys.stdout
# --wifi-ssid on a board: the host writes faraday_wifi.py (SSID, PW) to its
# flash, so the password never travels in an op (ops go on the timeline).
try:
    from faraday_wifi import SSID as _ssid, PW as _pw
except ImportError:
    _ssid = _pw = None
_subs = ()  # cfg["subs"]: resubscribed on every `up`
_done = asyncio.Event()


def _val(v):
    # Payloads and topics arrive as bytes; JSON has no bytes, so text goes
    # out as a string and anything else as {"hex": ...}.
    if isinstance(v, (bytes, bytearray, memoryview)):
        try:
            return str(v, "utf-8")
        except Exception:
            import binascii

            return {"hex": binascii.hexlify(v).decode()}
    if isinstance(v, dict):
        for k in v:
            v[k] = _val(v[k])
    return v


def emit(d):
    # "ev" must come first (the host tells events from client prints by the
    # '{"ev":' prefix) and MicroPython dicts are unordered, so the line is
    # written piecewise. Nothing here yields, so lines never interleave.
    ev = d.pop("ev")
    w = _out.write
    w('{"ev":"')
    w(ev)
    w('","t":')
    w(str(ticks_ms()))
    for k in d:
        w(",")
        w(json.dumps(k))
        w(":")
        w(json.dumps(_val(d[k])))
    w("}\n")
    _out.flush()
    if ev == "up":  # the client says it is (back) up: resubscribe, as apps do
        asyncio.create_task(_resubscribe())


def _tb(e):
    buf = io.StringIO()
    sys.print_exception(e, buf)
    return buf.getvalue()


async def _resubscribe():
    for s in _subs:
        try:
            r = await A.subscribe(s[0], s[1] if len(s) > 1 else 0, None)
            if not _ok(r):  # the client reported failure without raising
                emit({"ev": "error", "msg": "resubscribe %s: %s" % (s[0], r), "tb": ""})
            else:  # from now on the broker owes this device what is published there
                emit({"ev": "subscribed", "topic": s[0]})
        except Exception as e:
            emit({"ev": "error", "msg": "resubscribe %s: %r" % (s[0], e), "tb": _tb(e)})


def _ok(r):
    # An adapter returns None (or a dict of extra ack fields) on success, a
    # string when the client reported a failure in its own way.
    return not r or isinstance(r, dict)


def _payload(p):
    if isinstance(p, dict):  # {"hex": "..."} for binary payloads
        import binascii

        return binascii.unhexlify(p["hex"])
    return p.encode() if p is not None else b""


async def _op(o):
    # One task per operation: a publish blocked on an outage must not hold
    # up a `wifi` op that ends the outage.
    global _subs
    t0 = ticks_ms()
    op = o.get("op")
    r = None
    try:
        if op == "publish":
            r = await A.publish(
                o["topic"], _payload(o.get("payload")), o.get("qos", 0), o.get("retain", False), o.get("props")
            )
        elif op == "subscribe":
            t = o["topic"]
            x = o.get("opts")
            # Subscription options go to the adapter only when one differs from
            # MQTT's default (nl 0, rap 0, rh 0), so adapters that know none
            # keep their three-argument subscribe().
            if x and (x.get("nl") or x.get("rap") or x.get("rh")):
                r = await A.subscribe(t, o.get("qos", 0), o.get("props"), x)
            else:
                r = await A.subscribe(t, o.get("qos", 0), o.get("props"))
            if _ok(r):
                emit({"ev": "subscribed", "topic": t})
        elif op == "unsubscribe":
            t = o["topic"]
            r = await A.unsubscribe(t)
            if _ok(r):  # the application no longer renews it on `up`
                _subs = [s for s in _subs if s[0] != t]
        elif op == "wifi":
            import network

            f = getattr(network, "_set_link", None)  # only the unix-port shim has this
            if f:
                f(o["up"])
            else:  # a board's own WLAN: up reconnects, to --wifi-ssid if given
                w = network.WLAN(network.STA_IF)
                if not o["up"]:
                    w.disconnect()
                elif _ssid is None:
                    w.connect()  # the AP it knows (ESP8266 keeps it)
                else:
                    w.connect(_ssid, _pw)  # RP2 needs the ssid
        elif op == "wlan":  # WiFi-stack faults: the unix-port shim's knobs
            import network

            network._knobs(o["set"])
        elif op == "block":
            # A slow application: the main loop is blocked (a long computation,
            # a flash write) and nothing runs, the client included.
            import time

            emit({"ev": "blocked", "ms": o["ms"]})
            time.sleep_ms(o["ms"])
        elif op == "stats":
            _mem()
        elif op == "start":
            cfg = o["cfg"]
            if _ssid is not None:  # after the host recorded the op: not on the timeline
                cfg["ssid"] = _ssid
                cfg["wifi_pw"] = _pw
            _subs = cfg.get("subs") or ()
            w = cfg.get("will")
            if w:  # adapters get the will's payload as bytes, like a publish's
                w["payload"] = _payload(w.get("payload"))
            r = await A.start(cfg, emit)
        elif op == "disconnect":
            # A clean DISCONNECT; the agent stays, and a later `start` may
            # build a new client.
            f = getattr(A, "disconnect", None)
            if f:
                r = await f(o.get("reason"), o.get("props"))
            else:
                r = "unsupported: the %s adapter has no disconnect" % A.NAME
        elif op == "stop":
            r = await A.stop()
        else:
            r = "unknown op %r" % op
    except Exception as e:
        r = repr(e)
        emit({"ev": "error", "msg": r, "tb": _tb(e)})
    # Adapters return None on success, a dict of extra ack fields on success
    # (e.g. {"granted": [1]}), or a string when the client reported a failure
    # in its own way (a publish() that returned False, "unsupported: ...").
    a = {"ev": "ack", "id": o.get("id"), "ok": _ok(r), "dt": ticks_diff(ticks_ms(), t0)}
    if isinstance(r, dict):
        a.update(r)
    elif r:
        a["err"] = r if isinstance(r, str) else repr(r)
    emit(a)
    if op == "stop":
        _done.set()


_low = gc.mem_free()  # free heap at its low point (sampled with each heartbeat)

# A board's idle counter: how long the event loop waited with nothing to run
# (ms, cumulative, on every heartbeat). A board has no process accounting to
# read, but every asyncio wait goes through IOQueue.wait_io_event(dt): time
# spent there with dt != 0 is time the application let the CPU rest; the rest
# of the wall clock is CPU the loop used. dt == 0 is a poll that does not
# wait (a task that yields without sleeping): busy. Whole ms: the rounding of
# two readings cancels out on average, and the count stays a small int.
_idle = 0
try:
    from asyncio import core as _core

    # The original rides as a default argument, and the names go after:
    # every global costs heap on an ESP8266.
    def _timed_wait(q, dt, _wait=_core.IOQueue.wait_io_event):
        global _idle
        if dt:
            t = ticks_ms()
            _wait(q, dt)
            _idle += ticks_diff(ticks_ms(), t)
        else:
            _wait(q, dt)

    _core.IOQueue.wait_io_event = _timed_wait
    del _core, _timed_wait
except Exception:  # an asyncio without IOQueue: no counter, hb says nothing
    _idle = None


def _mem():
    global _low
    _low = min(_low, gc.mem_free())
    gc.collect()
    d = {"ev": "mem", "free": gc.mem_free(), "alloc": gc.mem_alloc(), "low": _low}
    info = getattr(A, "info", None)  # optional client counters
    if info:
        d["client"] = info()
    emit(d)


async def _hb():
    # Proof the event loop is alive: a client that busy-loops starves this.
    # Each beat also samples the free heap (before any collection: what the
    # client's garbage leaves) for the low-water mark the `mem` event reports.
    global _low
    while True:
        await asyncio.sleep_ms(500)
        f = gc.mem_free()
        if f < _low:
            _low = f
        emit({"ev": "hb"} if _idle is None else {"ev": "hb", "idleMs": _idle})


async def _read_ops():
    reader = asyncio.StreamReader(sys.stdin)
    while True:
        line = await reader.readline()
        if not line:  # host went away: leave as after `stop`, without the ack
            try:
                await A.stop()
            except Exception:
                pass
            _done.set()
            return
        if not line.strip():
            continue
        try:
            o = json.loads(line)
        except Exception as e:
            emit({"ev": "error", "msg": "bad op line: %r" % e, "tb": ""})
            continue
        del line
        asyncio.create_task(_op(o))
        gc.collect()  # the parsed line is garbage now; keep the heap tidy


async def main():
    if _B:  # the shim's status() values go on the timeline
        import network

        network._emit = emit
    impl = sys.implementation
    emit(
        {
            "ev": "hello",
            "client": A.NAME,
            "version": getattr(A, "VERSION", ""),
            "protocols": list(A.PROTOCOLS),
            "impl": "%s %s %s" % (impl.name, ".".join(str(x) for x in impl.version[:3]), sys.platform),
            "free": gc.mem_free(),
        }
    )
    asyncio.create_task(_hb())
    asyncio.create_task(_read_ops())
    await _done.wait()
    await asyncio.sleep_ms(50)  # let the last writes drain


asyncio.run(main())
