# The virtual board's REPL: what a board's firmware (shared/runtime/pyexec.c)
# does on its USB serial, written for the MicroPython unix port, whose own REPL
# has no raw mode (Ctrl-A is ignored there). It runs inside the board's own
# interpreter, so code sent over the raw REPL runs in the same heap (-X
# heapsize) as the agent it starts, as on a board.
#
# The host end (src/serial/virtualBoard.ts) relays the pseudo-terminal's bytes
# to stdin and stdout to it, turns Ctrl-C into SIGINT (KeyboardInterrupt here,
# as a board's interrupt char does), and restarts this process on a soft reset
# (exit code 86): a fresh heap, the flash folder (the cwd) kept.
#
# argv: mode banner [soft] — mode "raw" or "friendly"; "soft" when restarted by
# a soft reset (prints "MPY: soft reboot" first, as boards do). A soft reset
# exits 86 from the friendly REPL, 87 from the raw one (a board stays in the
# mode it was in); any other exit is a crash, and the host reboots it as new.
import sys
import os

sys.path[:] = ["", ".frozen", "lib"]  # a board's path: the flash root, frozen modules, /lib

_in = sys.stdin.buffer
_out = sys.stdout.buffer
SOFT_RESET = 86
# FARADAY_BOARD_NOISE=1: garbage on every boot (an ESP8266's ROM log at 74 880 baud, read at
# 115 200) and before each program's first output (a noisy line), so hosts prove they skip it.
# No \x04 in it: that byte frames the raw REPL's answers.
NOISE = bytes((0x00, 0xE0, 0x1F, 0x72, 0x6C, 0x8C, 0x9C, 0xFC, 0x0C, 0x62, 0x8C, 0x6C, 0xE2, 0x7C, 0x02, 0x8C, 0xE2, 0x6C, 0x9E, 0x92, 0x6E, 0x0D, 0x0A))
noisy = os.getenv("FARADAY_BOARD_NOISE") == "1"


def w(b):
    _out.write(b)


def getc():
    b = _in.read(1)
    if not b:  # the host end went away: power off
        sys.exit(0)
    return b[0]


def run(src, glob):
    # Output, then \x04, then the exception's text, then \x04: pyexec's
    # EXEC_FLAG_PRINT_EOF. A SystemExit ends the REPL as a soft reset does.
    try:
        exec(src, glob)
        w(b"\x04")
    except SystemExit:  # sys.exit() on a board: a soft reset
        w(b"\x04\x04")
        sys.exit(SOFT_RESET + (MODE == "raw"))
    except BaseException as e:  # KeyboardInterrupt included
        w(b"\x04")
        sys.print_exception(e, sys.stdout)
    w(b"\x04")


def raw_paste(glob):
    # Raw-paste mode: flow control by windows of 128 bytes (pyexec.c's
    # mp_reader_new_stdin with a 256-byte stdin buffer).
    window = 128
    w(b"R\x01" + bytes([window & 0xFF, window >> 8, 1]))
    buf = bytearray()
    left = window
    while True:
        c = getc()
        if c == 4:
            break
        if c == 3:
            w(b"\x04")
            raise KeyboardInterrupt
        buf.append(c)
        left -= 1
        if left == 0:
            w(b"\x01")
            left = window
    w(b"\x04")  # end of data acknowledged
    if noisy:
        w(NOISE)
    run(bytes(buf), glob)


def raw_repl(glob):
    w(b"raw REPL; CTRL-B to exit\r\n>")
    line = bytearray()
    while True:
        try:
            c = getc()
        except KeyboardInterrupt:  # Ctrl-C: clear the line
            line = bytearray()
            continue
        if c == 1:  # Ctrl-A: reset the raw REPL, or start raw paste after \x05A
            if len(line) == 2 and line[0] == 5:
                if line[1] == ord("A"):
                    try:
                        raw_paste(glob)
                    except KeyboardInterrupt:
                        pass
                else:
                    w(b"R\x00")
                line = bytearray()
                w(b">")
                continue
            line = bytearray()
            w(b"raw REPL; CTRL-B to exit\r\n>")
        elif c == 2:  # Ctrl-B: friendly REPL
            return "friendly"
        elif c == 3:
            line = bytearray()
        elif c == 4:  # Ctrl-D: run what came, or soft reset on nothing
            w(b"OK")
            if not line:
                w(b"\r\n")
                sys.exit(SOFT_RESET + 1)
            src = bytes(line)
            line = bytearray()
            run(src, glob)
            w(b">")
        else:
            line.append(c)


def banner():
    w(BANNER + b"\r\nType \"help()\" for more information.\r\n")


def friendly(glob):
    # Enough of a friendly REPL for a person poking at the board: echo, backspace,
    # one line at a time, expressions printed.
    w(b"\r\n")
    banner()
    line = bytearray()
    w(b">>> ")
    while True:
        try:
            c = getc()
        except KeyboardInterrupt:
            line = bytearray()
            w(b"\r\n>>> ")
            continue
        if c == 1:
            w(b"\r\n")
            return "raw"
        if c == 2:
            w(b"\r\n")
            banner()
            line = bytearray()
            w(b">>> ")
        elif c == 3:
            line = bytearray()
            w(b"\r\n>>> ")
        elif c == 4:
            if not line:
                w(b"\r\n")
                sys.exit(SOFT_RESET)
        elif c in (8, 127):
            if line:
                line.pop()
                w(b"\x08 \x08")
        elif c == 13 or c == 10:
            w(b"\r\n")
            src = bytes(line).decode()
            line = bytearray()
            if src.strip():
                try:
                    try:
                        code = compile(src, "<stdin>", "eval")
                    except SyntaxError:
                        exec(src, glob)
                    else:
                        r = eval(code, glob)
                        if r is not None:
                            print(repr(r))
                except SystemExit:
                    sys.exit(SOFT_RESET)
                except BaseException as e:
                    sys.print_exception(e, sys.stdout)
            w(b">>> ")
        else:
            line.append(c)
            w(bytes([c]))


MODE = sys.argv[1] if len(sys.argv) > 1 else "friendly"
if noisy:
    w(NOISE)
BANNER = (sys.argv[2] if len(sys.argv) > 2 else "MicroPython on a virtual board").encode()
if len(sys.argv) > 3 and sys.argv[3] == "soft":
    w(b"MPY: soft reboot\r\n")
sys.argv[:] = []  # a board's argv: code it runs must not take ours for its own
glob = {"__name__": "__main__"}
for f in ("boot.py",) + (("main.py",) if MODE == "friendly" else ()):
    try:
        os.stat(f)
    except OSError:
        continue
    try:
        exec(open(f).read(), glob)
    except SystemExit:
        sys.exit(SOFT_RESET + (MODE == "raw"))
    except BaseException as e:
        sys.print_exception(e, sys.stdout)
while True:
    MODE = raw_repl(glob) if MODE == "raw" else friendly(glob)
