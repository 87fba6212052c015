# esp shim for the MicroPython unix port, loaded only when --board makes a
# client believe it runs on an ESP8266 (mqtt_as calls esp.sleep_type(0) to
# keep the radio awake). Nothing to emulate: the host has no radio sleep.
SLEEP_NONE = 0
SLEEP_LIGHT = 1
SLEEP_MODEM = 2
_t = SLEEP_MODEM


def sleep_type(t=None):
    global _t
    if t is None:
        return _t
    _t = t


def osdebug(*_):
    pass
