/* vncviewer-vala: a VNC viewer in Vala on libvncrs, through the vapi scripts/build-gir.sh
 * makes from the introspection data.
 *
 *   PKG_CONFIG_PATH=target/gir valac --vapidir=target/gir --pkg gtk4 --pkg vncrs-0.1 \
 *       examples/vala/vncviewer.vala -o vncviewer-vala
 *   LD_LIBRARY_PATH=target/gir ./vncviewer-vala HOST:DISPLAY
 *
 * Credentials are asked in a window; the program ends when the connection does, with
 * status 1 after an error.
 *
 * SPDX-License-Identifier: MIT OR Apache-2.0
 */

int status = 0;

void ask_credentials (VncRs.Display display, VncRs.CredentialFlags wanted, Gtk.Window parent) {
    var username = VncRs.CredentialFlags.USERNAME in wanted;
    var password = VncRs.CredentialFlags.PASSWORD in wanted;
    var ask = new Gtk.Window () {
        title = "Authentication", transient_for = parent, modal = true, destroy_with_parent = true
    };
    var box = new Gtk.Box (Gtk.Orientation.VERTICAL, 6);
    var user = new Gtk.Entry ();
    var pass = new Gtk.PasswordEntry ();
    var button = new Gtk.Button.with_label ("Connect");
    if (username) {
        box.append (new Gtk.Label ("User name:"));
        box.append (user);
    }
    if (password) {
        box.append (new Gtk.Label ("Password:"));
        box.append (pass);
    }
    button.clicked.connect (() => {
        if (username) {
            display.set_credential (VncRs.DisplayCredential.USERNAME, user.text);
        }
        if (password) {
            display.set_credential (VncRs.DisplayCredential.PASSWORD, pass.text);
        }
        ask.destroy ();
    });
    pass.activate.connect (() => button.activate ());
    box.append (button);
    ask.child = box;
    ask.present ();
}

int main (string[] args) {
    if (args.length != 2) {
        printerr ("usage: %s HOST:DISPLAY\n", args[0]);
        return 2;
    }
    Gtk.init ();
    var loop = new MainLoop ();
    var window = new Gtk.Window () { title = "vncviewer-vala" };
    var display = new VncRs.Display ();
    window.child = display;
    display.vnc_auth_credential.connect ((wanted) => ask_credentials (display, wanted, window));
    display.vnc_initialized.connect (() => {
        window.title = display.get_desktop_name () + " - vncviewer-vala";
    });
    display.vnc_error.connect ((message) => {
        printerr ("vncviewer-vala: %s\n", message);
        status = 1;
    });
    display.vnc_disconnected.connect (() => {
        print ("disconnected\n");
        loop.quit ();
    });
    window.close_request.connect (() => {
        loop.quit ();
        return false;
    });
    try {
        display.open_address (args[1]);
    } catch (Error e) {
        printerr ("vncviewer-vala: %s\n", e.message);
        return 2;
    }
    window.present ();
    loop.run ();
    return status;
}
