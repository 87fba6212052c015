# machine shim for the MicroPython unix port.
#
# The unix build's `machine` lacks what MQTT clients take from a board:
# unique_id() (mqtt_as builds its default client_id from it at import time)
# and RTC (aiomqttc's log() reads the time from machine.RTC).
# `machine` is an extensible built-in, so this file shadows it when its folder
# is on sys.path; `umachine` still names the real built-in, whose attributes we
# re-export so nothing else changes. On a board this folder is not installed.
from umachine import *  # noqa: F401,F403
import time


def unique_id():
    # Fixed, like a chip's id: 6 bytes as on ESP32 (a MAC); "fa:ra:da:y"-ish.
    return b"\xfa\x2a\xda\x70\x00\x01"


class RTC:
    # Board RTCs use (year, month, day, weekday, hours, minutes, seconds,
    # subseconds); time.gmtime() orders them differently, hence the shuffle.
    def __init__(self, *_):
        pass

    def init(self, *_):  # the host clock is the truth here; ignore sets
        pass

    def datetime(self, *_):
        t = time.gmtime()
        return (t[0], t[1], t[2], t[6], t[3], t[4], t[5], 0)
