#!/usr/bin/env python3
"""Records seed inputs for the fuzz targets from real servers.

Starts TigerVNC's Xvnc and x11vnc (on Xvfb) on loopback with a small 121x121 screen: a plasma
picture as the root window (so that Tight has photo-like areas to send as JPEG) under an xterm
that keeps changing. Connects once per recording with security None, announcing its encodings,
and saves every byte the server sends (from the version string on) for a few seconds of
updates. Each recording becomes a seed for `session` and `split` (the whole stream) and for
`updates` (the part after ServerInit: 121x121 is the size `updates` gives to size byte 0xFF,
and 32 bpp little-endian with shifts 16/8/0 is its format 0).

A recording whose server ignored the encoding (answering in Raw instead) is reported and not
written. x11vnc 0.9.16 announces no ZlibHex or TRLE encoder and answers those in Raw.

Usage (from fuzz/, needs tigervnc-standalone-server, x11vnc, xvfb, xterm, imagemagick):
    python3 record-seeds.py [NAME...]    (all recordings, or those named, e.g. xvnc-tight-jpeg)
"""

import os
import select
import shutil
import socket
import struct
import subprocess
import sys
import time

SIZE = 121
TIGHT = 7
QUALITY_6 = -32 + 6
COMPRESS_9 = -256 + 9
# Per server: recording name -> the encodings announced, the first being the one recorded.
ENCODINGS = {
    "xvnc": {
        "raw": [0], "copyrect": [1], "rre": [2], "hextile": [5], "zrle": [16],
        "tight": [TIGHT], "tight-jpeg": [TIGHT, QUALITY_6], "tight-compress9": [TIGHT, COMPRESS_9],
    },
    "x11vnc": {
        "raw": [0], "copyrect": [1], "rre": [2], "hextile": [5], "zrle": [16],
        "tight": [TIGHT], "zlib": [6], "corre": [4], "zlibhex": [8], "trle": [15],
    },
}
# Cursor, DesktopSize, LastRect, ExtendedDesktopSize, DesktopName.
PSEUDO = [-239, -223, -224, -308, -307]
SECONDS = 3.0
MAX_BYTES = 96 << 10


def port_free(port):
    try:
        socket.create_connection(("127.0.0.1", port), 0.5).close()
        return False
    except OSError:
        return True


def free_display():
    """A display number n such that n and n + 1 are free, and so are VNC ports 5900 + n and
    5900 + n + 1."""
    def free(n):
        return (not os.path.exists(f"/tmp/.X11-unix/X{n}") and not os.path.exists(f"/tmp/.X{n}-lock")
                and port_free(5900 + n))
    for n in range(40, 99):
        if free(n) and free(n + 1):
            return n
    sys.exit("no free X display number")


def wait_port(port, proc):
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"server exited early ({proc.returncode})")
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"nothing listens on port {port}")


def read_exact(sock, n, log):
    out = b""
    while len(out) < n:
        chunk = sock.recv(n - len(out))
        if not chunk:
            raise EOFError("server closed during the handshake")
        out += chunk
    log.append(out)
    return out


def record(port, announced):
    """One connection: handshake with None, then updates for SECONDS. Returns (all, after_init)."""
    log = []
    # x11vnc may take seconds to greet its first client after it opened its port.
    sock = socket.create_connection(("127.0.0.1", port), 30)
    read_exact(sock, 12, log)
    sock.sendall(b"RFB 003.008\n")
    n = read_exact(sock, 1, log)[0]
    types = read_exact(sock, n, log)
    if 1 not in types:
        sys.exit(f"security None not offered: {list(types)}")
    sock.sendall(b"\x01")
    if read_exact(sock, 4, log) != b"\0\0\0\0":
        sys.exit("security result: failed")
    sock.sendall(b"\x01")  # shared
    init = read_exact(sock, 24, log)
    read_exact(sock, struct.unpack(">I", init[20:24])[0], log)
    handshake_len = sum(map(len, log))
    encs = announced + PSEUDO
    sock.sendall(struct.pack(">BxH", 2, len(encs)) + b"".join(struct.pack(">i", e) for e in encs))
    sock.sendall(struct.pack(">BBHHHH", 3, 0, 0, 0, SIZE, SIZE))
    sock.setblocking(False)
    end = time.monotonic() + SECONDS
    total = handshake_len
    while time.monotonic() < end and total < MAX_BYTES:
        sock.sendall(struct.pack(">BBHHHH", 3, 1, 0, 0, SIZE, SIZE))
        ready, _, _ = select.select([sock], [], [], 0.05)
        if ready:
            chunk = sock.recv(MAX_BYTES - total)
            if not chunk:
                break
            log.append(chunk)
            total += len(chunk)
    sock.close()
    data = b"".join(log)
    return data, data[handshake_len:]


def rect_encodings(updates):
    """The encodings of the rectangles at the start of `updates`, read up to the first one
    whose length is not known here (Raw, Cursor, DesktopSize, LastRect and
    ExtendedDesktopSize are) or the first message other than an update or a Bell."""
    found = []
    at = 0
    while at + 4 <= len(updates):
        if updates[at] == 2:  # Bell
            at += 1
            continue
        if updates[at] != 0:
            break
        count = struct.unpack(">H", updates[at + 2:at + 4])[0]
        at += 4
        for _ in range(count):
            if at + 12 > len(updates):
                return found
            _, _, w, h, enc = struct.unpack(">HHHHi", updates[at:at + 12])
            found.append(enc)
            at += 12
            if enc == 0:
                at += w * h * 4
            elif enc == -239:  # cursor pixels and mask
                at += w * h * 4 + (w + 7) // 8 * h
            elif enc == -308:  # screen count, padding, 16 bytes per screen
                at += 4 + updates[at] * 16 if at < len(updates) else 0
            elif enc == -224:  # LastRect
                break
            elif enc != -223:
                return found
    return found


def has_jpeg(updates):
    """True if a Tight JPEG rectangle seems to be there: a compression control of 0x9X, a
    compact length of 1 to 3 bytes, then a JPEG start-of-image marker."""
    for i in range(len(updates) - 5):
        if updates[i] >> 4 == 0x9:
            for n in (1, 2, 3):
                if updates[i + 1 + n:i + 3 + n] == b"\xff\xd8":
                    return True
    return False


def write(target, name, data):
    os.makedirs(f"corpus/{target}", exist_ok=True)
    with open(f"corpus/{target}/real-{name}", "wb") as f:
        f.write(data)


def main():
    wanted = set(sys.argv[1:])
    for tool in ["Xvnc", "Xvfb", "x11vnc", "xterm", "convert", "display"]:
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed")
    procs = []
    try:
        servers = []
        n = free_display()
        port = 5900 + n
        xvnc = subprocess.Popen(
            ["Xvnc", f":{n}", "-geometry", f"{SIZE}x{SIZE}", "-depth", "24", "-rfbport",
             str(port), "-interface", "127.0.0.1", "-SecurityTypes", "None", "-nolisten",
             "tcp"], stderr=subprocess.DEVNULL)
        procs.append(xvnc)
        wait_port(port, xvnc)
        servers.append(("xvnc", n, port))
        m = n + 1
        xvfb = subprocess.Popen(["Xvfb", f":{m}", "-screen", "0", f"{SIZE}x{SIZE}x24", "-nolisten",
                                 "tcp"], stderr=subprocess.DEVNULL)
        procs.append(xvfb)
        time.sleep(0.5)  # Xvfb has no port to wait on; x11vnc retries its display anyway
        x11 = subprocess.Popen(["x11vnc", "-display", f":{m}", "-rfbport", str(port + 1),
                                "-localhost", "-forever", "-shared", "-nopw", "-quiet"],
                               stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        procs.append(x11)
        wait_port(port + 1, x11)
        servers.append(("x11vnc", m, port + 1))
        plasma = os.path.abspath("plasma.ppm")
        subprocess.run(["convert", "-seed", "15", "-size", f"{SIZE}x{SIZE}", "plasma:fractal",
                        plasma], check=True)
        for _, disp, _ in servers:
            # `display -window root` sets the root background and exits, non-zero by design.
            subprocess.run(["display", "-display", f":{disp}", "-window", "root", plasma],
                           stderr=subprocess.DEVNULL)
            # Text that keeps scrolling: small updates of every kind of tile.
            procs.append(subprocess.Popen(
                ["xterm", "-display", f":{disp}", "-geometry", "18x8+3+5", "-fg", "yellow",
                 "-bg", "navy", "-e", "sh", "-c", "while :; do ls -l /usr/bin; done"],
                stderr=subprocess.DEVNULL))
        time.sleep(1)  # let the xterms map before recording
        os.remove(plasma)
        for server, _, p in servers:
            for enc, announced in ENCODINGS[server].items():
                name = f"{server}-{enc}"
                if wanted and name not in wanted:
                    continue
                whole, updates = record(p, announced)
                got = rect_encodings(updates)
                pixels = {e for e in got if e >= 0}
                # Raw and CopyRect recordings start in Raw (CopyRect only moves what is there).
                if announced[0] not in (0, 1) and pixels == {0}:
                    print(f"{name}: the server answered in Raw ({len(whole)} bytes), not written")
                    continue
                if QUALITY_6 in announced and not has_jpeg(updates):
                    sys.exit(f"{name}: no JPEG rectangle in {len(whole)} bytes")
                write("session", name, b"\x40" + whole)
                write("split", name, b"\x50\x07" + whole)
                write("updates", name, b"\x40\xff" + updates)
                print(f"{name}: {len(whole)} bytes")
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()  # x11vnc can hang in its SIGTERM handler once its display is gone
                p.wait()


if __name__ == "__main__":
    main()
