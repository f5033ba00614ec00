"""Calls the VncRs API from Python through introspection alone (no overrides), against a
server: tests/tests/gir.rs runs it on an Xvfb with the server's address as argument. Each
kind of argument and result: enums, GError as exceptions, out-of-range values, arrays of
key values, a texture, nullable strings, signals. Prints "ok" at the end."""

import sys

import gi

gi.require_version("Gdk", "4.0")
gi.require_version("Gtk", "4.0")
gi.require_version("VncRs", "0.1")
from gi.repository import Gdk, GLib, Gtk, VncRs  # noqa: E402

Gtk.init()
d = VncRs.Display()
assert isinstance(d, Gtk.Widget)
assert d.__gtype__.name == "VncRsDisplay"
assert not d.is_open()
assert d.get_security_type_name() is None
assert d.get_screenshot() is None

# Properties through accessors and through GObject agree.
d.set_scaling(True)
assert d.get_scaling() and d.props.scaling
d.props.zoom_level = 150
assert d.get_zoom_level() == 150
d.set_zoom_level(5000)
assert d.get_zoom_level() == 400
d.set_depth(VncRs.DisplayDepth.MEDIUM)
assert d.get_depth() == VncRs.DisplayDepth.MEDIUM == d.props.depth
d.set_depth(VncRs.DisplayDepth.FULL)
d.set_grab_keys("Control_R+Shift_R")
assert d.get_grab_keys() == "Control_R+Shift_R"
# The typed grab sequence: a boxed type with constructors, arrays out and in.
seq = d.get_grab_sequence()
assert seq.get_label() == "Right Ctrl+Right Shift"
assert seq.get_keysyms() == [0xFFE4, 0xFFE2]
seq = VncRs.GrabSequence.new([0xFFE3, 0xFFC9])
assert seq.as_string() == "Control_L+F12" and seq.get_label() == "Ctrl+F12"
d.set_grab_sequence(seq)
assert d.get_grab_keys() == "Control_L+F12"
assert VncRs.GrabSequence.new_from_string("Alt_L+Tab").get_keysyms() == [0xFFE9, 0xFF09]
d.set_rotation(90)
assert d.props.rotation == 90
# Not a quarter turn: refused with a critical warning, not brought to the nearest one.
d.set_rotation(300)
d.set_rotation(45)
assert d.get_rotation() == 90
d.set_rotation(0)
assert d.get_remote_width() == 0 and d.get_desktop_name() == ""
assert d.is_pointer_absolute()
d.set_scaling(False)

# The security policy: the list read as vnccapture reads it, an unknown name refused.
d.set_security_types("X509Vnc, 2")
assert d.get_security_types() == "x509vnc,vnc" == d.props.security_types
d.set_security_types("vnc,rsa-aes")
assert d.get_security_types() == "x509vnc,vnc"
d.props.security_types = ""
d.set_require_encryption(True)
assert d.get_require_encryption() and d.props.require_encryption
d.set_require_encryption(False)

# The flags and enums the signals pass.
wanted = VncRs.CredentialFlags.USERNAME | VncRs.CredentialFlags.PASSWORD
assert wanted & VncRs.CredentialFlags.PASSWORD and not wanted & VncRs.CredentialFlags.CLIENTNAME
assert int(VncRs.CertificateProblem.CHANGED) == 6
assert [p.name for p in VncRs.Certificate.list_properties()] == [
    "subject", "issuer", "not-before", "not-after", "sha256"]

# Limits and timeouts.
d.set_limit(VncRs.DisplayLimit.MAX_CUT_TEXT, 1 << 40)
assert d.get_limit(VncRs.DisplayLimit.MAX_CUT_TEXT) == (1 << 32) - 1
d.set_limit(VncRs.DisplayLimit.MAX_WIDTH, 8192)
assert d.get_limit(VncRs.DisplayLimit.MAX_WIDTH) == 8192
d.set_handshake_timeout(10000)

# Errors are exceptions with the library's domain.
for call in (lambda: d.open_host("localhost", "http"),
             lambda: d.pin_certificate("12:34"),
             lambda: d.open_address("host:display:what"),
             lambda: d.add_ca_file("/nonexistent/ca.pem")):
    try:
        call()
        raise AssertionError("no error")
    except GLib.Error as e:
        assert e.domain == "vnc-rs-display-error-quark", e.domain
d.reset_tls_settings()

# A session.
loop = GLib.MainLoop()
seen = []
d.connect("vnc-initialized", lambda _: seen.append("initialized"))
d.connect("vnc-framebuffer-update", lambda _d, x, y, w, h: (seen.append((x, y, w, h)),
                                                             loop.quit()))
d.connect("vnc-disconnected", lambda _: (seen.append("disconnected"), loop.quit()))
d.connect("vnc-error", lambda _d, m: print("vnc-error:", m, file=sys.stderr))
GLib.timeout_add_seconds(20, loop.quit)
d.open_address(sys.argv[1])
assert d.is_open()
loop.run()
assert seen[0] == "initialized" and isinstance(seen[1], tuple), seen
shot = d.get_screenshot()
assert isinstance(shot, Gdk.Texture)
assert (shot.get_width(), shot.get_height()) == (d.get_remote_width(), d.get_remote_height())
assert d.get_security_type_name()
d.send_keys([Gdk.KEY_Shift_L, Gdk.KEY_a])
d.send_keys_ex([Gdk.KEY_Control_L], VncRs.DisplayKeyEvent.PRESS)
d.send_keys_ex([Gdk.KEY_Control_L], VncRs.DisplayKeyEvent.RELEASE)
d.send_pointer(10, 10, 0)
d.request_update()
assert d.client_cut_text("plain") == 0
d.close()
if seen[-1] != "disconnected":
    loop.run()
assert seen[-1] == "disconnected" and not d.is_open(), seen
print("ok")
