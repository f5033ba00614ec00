#!/usr/bin/env python3
"""Records seed inputs for the fuzz targets from real servers.

Starts TigerVNC's Xvnc and x11vnc (on Xvfb) on loopback with a small 121x121 screen that an
xterm keeps changing, connects once per encoding with security None, and saves every byte the
server sends (from the version string on) for a few seconds of updates. Each recording becomes
a seed for `session` and `split` (the whole stream) and for `updates` (the part after
ServerInit: 121x121 is the size `updates` gives to size byte 0xFF, and 32 bpp little-endian
with shifts 16/8/0 is its format 0).

Usage (from fuzz/, needs tigervnc-standalone-server, x11vnc, xvfb, xterm):
    python3 record-seeds.py
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
ENCODINGS = {"raw": 0, "copyrect": 1, "rre": 2, "hextile": 5, "zrle": 16}
# Cursor, DesktopSize, LastRect, ExtendedDesktopSize, DesktopName.
PSEUDO = [-239, -223, -224, -308, -307]
SECONDS = 3.0
MAX_BYTES = 96 << 10


def free_display():
    for n in range(40, 99):
        if not os.path.exists(f"/tmp/.X11-unix/X{n}") and not os.path.exists(f"/tmp/.X{n}-lock"):
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


def record(port, first, pixel_format=None):
    """One connection: handshake with None, then updates for SECONDS. Returns (all, after_init)."""
    log = []
    sock = socket.create_connection(("127.0.0.1", port), 5)
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
    encs = [first] + PSEUDO
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


def write(target, name, data):
    os.makedirs(f"corpus/{target}", exist_ok=True)
    with open(f"corpus/{target}/real-{name}", "wb") as f:
        f.write(data)


def main():
    for tool in ["Xvnc", "Xvfb", "x11vnc", "xterm"]:
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
        for _, disp, _ in servers:
            # Text that keeps scrolling: small updates of every kind of tile.
            procs.append(subprocess.Popen(
                ["xterm", "-display", f":{disp}", "-geometry", "18x8+3+5", "-fg", "yellow",
                 "-bg", "navy", "-e", "sh", "-c", "while :; do ls -l /usr/bin; done"],
                stderr=subprocess.DEVNULL))
        time.sleep(1)  # let the xterms map before recording
        for server, _, p in servers:
            for enc, number in ENCODINGS.items():
                whole, updates = record(p, number)
                name = f"{server}-{enc}"
                write("session", name, b"\x40" + whole)
                write("split", name, b"\x50\x07" + whole)
                write("updates", name, b"\x40\xff" + updates)
                print(f"{name}: {len(whole)} bytes")
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            p.wait()


if __name__ == "__main__":
    main()
