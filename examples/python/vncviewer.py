#!/usr/bin/env python3
"""A VNC viewer in Python on the VncRs GTK 4 widget, through GObject Introspection.

    scripts/build-gir.sh
    GI_TYPELIB_PATH=target/gir LD_LIBRARY_PATH=target/gir \\
        python3 examples/python/vncviewer.py HOST:DISPLAY

Credentials are asked in a window. The program ends when the connection does: status 0,
or 1 after an error (printed).
"""

import sys

import gi

gi.require_version("Gtk", "4.0")
gi.require_version("VncRs", "0.1")
from gi.repository import GLib, Gtk, VncRs  # noqa: E402


def ask_credentials(display, wanted, window):
    """Asks for what the server wants; the answer goes to set_credential."""
    ask = Gtk.Window(title="Authentication", transient_for=window, modal=True,
                     destroy_with_parent=True)
    box = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, spacing=6)
    entries = []
    if wanted & VncRs.CredentialFlags.USERNAME:
        entries.append((VncRs.DisplayCredential.USERNAME, "User name:", Gtk.Entry()))
    if wanted & VncRs.CredentialFlags.PASSWORD:
        entries.append((VncRs.DisplayCredential.PASSWORD, "Password:", Gtk.PasswordEntry()))
    button = Gtk.Button(label="Connect")

    def answer(*_):
        for kind, _, entry in entries:
            display.set_credential(kind, entry.get_text())
        ask.destroy()

    for _, label, entry in entries:
        box.append(Gtk.Label(label=label))
        box.append(entry)
        entry.connect("activate", answer)
    button.connect("clicked", answer)
    box.append(button)
    ask.set_child(box)
    ask.present()


def main():
    if len(sys.argv) != 2:
        print(f"usage: {sys.argv[0]} HOST:DISPLAY", file=sys.stderr)
        return 2
    status = 0
    loop = GLib.MainLoop()
    window = Gtk.Window(title="vncviewer.py")
    display = VncRs.Display()
    window.set_child(display)

    def initialized(display):
        window.set_title(f"{display.get_desktop_name()} - vncviewer.py")
        print(f"initialized {display.get_remote_width()}x{display.get_remote_height()}",
              flush=True)

    def error(display, message):
        nonlocal status
        print(f"vncviewer.py: {message}", file=sys.stderr, flush=True)
        status = 1

    def disconnected(display):
        print("disconnected", flush=True)
        loop.quit()

    display.connect("vnc-auth-credential", ask_credentials, window)
    display.connect("vnc-initialized", initialized)
    display.connect("vnc-error", error)
    display.connect("vnc-disconnected", disconnected)
    window.connect("close-request", lambda _: loop.quit())
    try:
        display.open_address(sys.argv[1])
    except GLib.Error as e:
        print(f"vncviewer.py: {e.message}", file=sys.stderr)
        return 2
    window.present()
    display.grab_focus()
    loop.run()
    return status


if __name__ == "__main__":
    sys.exit(main())
