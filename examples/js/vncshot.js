// vncshot.js: saves a VNC server's screen as a PNG file, in JavaScript (GJS) on the VncRs
// widget through GObject Introspection. GTK needs a display (an Xvfb will do).
//
//   scripts/build-gir.sh
//   GI_TYPELIB_PATH=target/gir LD_LIBRARY_PATH=target/gir \
//       gjs -m examples/js/vncshot.js HOST:DISPLAY OUT.png
//
// Exits 0 once the first update is saved, 1 if the connection ends before.
//
// SPDX-License-Identifier: MIT OR Apache-2.0

import GLib from 'gi://GLib';
import Gtk from 'gi://Gtk?version=4.0';
import VncRs from 'gi://VncRs?version=0.1';
import system from 'system';

if (ARGV.length !== 2) {
    printerr('usage: vncshot.js HOST:DISPLAY OUT.png');
    system.exit(2);
}
const [address, out] = ARGV;
Gtk.init();
const loop = GLib.MainLoop.new(null, false);
const display = new VncRs.Display();
let status = 1;

// The first update after the handshake is the whole screen.
display.connect('vnc-framebuffer-update', () => {
    if (status !== 0 && display.get_screenshot()?.save_to_png(out))
        status = 0;
    display.close();
});
display.connect('vnc-error', (_display, message) => printerr(`vncshot.js: ${message}`));
display.connect('vnc-disconnected', () => loop.quit());
display.open_address(address);
loop.run();
system.exit(status);
