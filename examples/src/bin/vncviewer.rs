//! vncviewer: a small GTK 4 VNC viewer around `VncDisplay`, in the spirit of gtk-vnc's
//! gvncviewer.

use std::cell::{Cell, RefCell};
use std::path::PathBuf;
use std::rc::Rc;

use gtk::glib::{self, clone};
use gtk::prelude::*;
use gtk::{gdk, gio};
use vnc_examples::viewer_certs::{KnownServer, ask_certificate};
use vnc_examples::{viewer_keys, viewer_menus, viewer_title};
use vnc_gtk::VncDisplay;

const HELP: &str = "\
vncviewer: show a VNC server's desktop in a window

Usage: vncviewer [OPTIONS] SERVER
       vncviewer [OPTIONS] --listen [PORT]

  SERVER             host, host:DISPLAY, host::PORT, [IPv6]:DISPLAY, [IPv6]::PORT, a bare IPv6
                     address, vnc://host[:PORT], or a Unix socket path

Options:
  --password-file F  read the password from the first line of F (else $VNC_PASSWORD, else a
                     dialog when the server asks)
  --username NAME    user name (else $VNC_USERNAME, else the dialog)
  --zoom PERCENT     zoom when not scaling (10 to 400, default 100)
  --scaling          scale the desktop to the window (without it the window opens at the
                     desktop's size, one remote pixel per screen pixel, and the desktop is
                     scaled down only when the screen is too small for it)
  --read-only        send no keyboard or pointer input
  --quality N        lossy compression (JPEG in Tight) at quality N, 0 smallest to 9 best;
                     without it every pixel is exact (the View menu switches it, at N or 8)
  --fullscreen       start full screen
  --grab-keys KEYS   the keys that grab and release keyboard and pointer, GDK key names
                     joined by '+' (default Control_L+Alt_L; View > Grab keys sets them too)
  --no-audio         do not play the server's sound (QEMU's audio extension, played
                     through PulseAudio or PipeWire in builds with the `audio` feature, the
                     default; the View menu's Sound switches it)
  --reconnect        when the connection drops, connect again (after 0.25 s, then at most
                     1 s apart) with the password given for it, instead of showing the
                     dialog; a closed window, a refused password or certificate end it as
                     before (not with --listen or --repeater, which show the dialog)
  --exit-on-disconnect
                     quit when the connection ends (status 0 when the server closed it, 1 on
                     an error) instead of showing a dialog
  --print-crc        with --exit-on-disconnect: print `updates=N crc=XXXXXXXX` on the way out,
                     the update count and the CRC-32 of the final picture as the performance
                     lab in ../shared/perf checks them
  --security-types LIST
                     the security types allowed, most preferred first, as for vnccapture
                     (x509vnc, x509plain, x509sasl, x509none, tlsvnc, tlsplain, tlssasl,
                     tlsnone, anontls, sasl, vnc, none, ard, mslogonii, plain, or numbers)
  --require-encryption
                     refuse security types that send the password or the screen in the clear
  --ca-file PEM, --client-cert PEM, --client-key PEM, --crl-file PEM, --pin-sha256 HEX
                     TLS settings, as for vnccapture; a certificate that fails verification
                     is shown in a dialog to refuse, accept once, or accept and remember
                     (in $XDG_DATA_HOME/vnc-rs/known-certificates, vnccapture's
                     --trust-on-first-use store; with --listen only once): a remembered one
                     is trusted without asking, a changed one is asked about again as CHANGED
  --listen [PORT]    no SERVER: wait for a server to connect to us (x11vnc -connect HOST:PORT,
                     vncconfig -connect HOST:PORT) on PORT (default 5500; 0 picks a free one,
                     printed on stderr as 'vncviewer: listening on port N')
  --listen-address IP
                     with --listen: only on IP (default: every address, IPv6 and IPv4)
  --repeater DEST    SERVER is an UltraVNC repeater: ask it for DEST, ID:NUMBER or host:port
  -h, --help         this text
";

#[derive(Default)]
struct Args {
    server: String,
    /// Listen mode: the address (every one when None) and port.
    listen: Option<(Option<std::net::IpAddr>, u16)>,
    repeater: Option<vnc_core::repeater::Repeater>,
    password: Option<String>,
    username: Option<String>,
    zoom: u32,
    scaling: bool,
    read_only: bool,
    quality: Option<u32>,
    fullscreen: bool,
    grab_keys: Option<vnc_gtk::GrabSequence>,
    no_audio: bool,
    reconnect: bool,
    exit_on_disconnect: bool,
    print_crc: bool,
    tls: vnc_core::TlsConfig,
    security: vnc_examples::security_args::SecurityPolicy,
    /// The address as the known-certificates store names it; none in listen mode, where
    /// any server may connect (as vnccapture refuses --trust-on-first-use with --listen).
    server_key: Option<String>,
}

fn parse_args() -> Result<Option<Args>, String> {
    use lexopt::prelude::*;
    let mut p = lexopt::Parser::from_env();
    let mut a = Args {
        zoom: 100,
        ..Args::default()
    };
    let mut tls_args = vnc_examples::TlsArgs::default();
    let mut server = None;
    let (mut listen, mut listen_port, mut listen_ip) = (false, None, None);
    let (mut security_types, mut require_encryption) = (None, false);
    let err = |e: lexopt::Error| e.to_string();
    while let Some(arg) = p.next().map_err(err)? {
        match arg {
            Short('h') | Long("help") => return Ok(None),
            Long("password-file") => {
                let f = PathBuf::from(p.value().map_err(err)?);
                let text =
                    std::fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?;
                a.password = Some(text.lines().next().unwrap_or("").to_owned());
            }
            Long("username") => a.username = Some(p.value().map_err(err)?.string().map_err(err)?),
            Long("zoom") => {
                let v = p.value().map_err(err)?.string().map_err(err)?;
                a.zoom = v
                    .parse()
                    .ok()
                    .filter(|z| (10..=400).contains(z))
                    .ok_or(format!("--zoom takes 10 to 400, not {v:?}"))?;
            }
            Long("scaling") => a.scaling = true,
            Long("read-only") => a.read_only = true,
            Long("quality") => {
                let v = p.value().map_err(err)?.string().map_err(err)?;
                let q = v.parse().ok().filter(|q| *q <= 9);
                a.quality = Some(q.ok_or(format!("--quality takes 0 to 9, not {v:?}"))?);
            }
            Long("fullscreen") => a.fullscreen = true,
            Long("no-audio") => a.no_audio = true,
            Long("reconnect") => a.reconnect = true,
            Long("exit-on-disconnect") => a.exit_on_disconnect = true,
            Long("print-crc") => a.print_crc = true,
            Long("listen") => {
                listen = true;
                listen_port = p
                    .optional_value()
                    .map(|v| v.string())
                    .transpose()
                    .map_err(err)?;
            }
            Long("grab-keys") => {
                let v = p.value().map_err(err)?.string().map_err(err)?;
                a.grab_keys = Some(v.parse().map_err(|e| format!("--grab-keys: {e}"))?);
            }
            Long("repeater") => {
                let v = p.value().map_err(err)?.string().map_err(err)?;
                a.repeater = Some(v.parse().map_err(|e| format!("{e}"))?);
            }
            Long("listen-address") => {
                let v = p.value().map_err(err)?.string().map_err(err)?;
                let ip = v.trim_matches(['[', ']']).parse().ok();
                listen_ip =
                    Some(ip.ok_or(format!("--listen-address takes an IP address, not {v:?}"))?);
            }
            Long("security-types") => {
                let list = p.value().map_err(err)?.string().map_err(err)?;
                security_types = Some(vnc_examples::security_args::parse_security_types(&list)?);
            }
            Long("require-encryption") => require_encryption = true,
            Long(name) if vnc_examples::TlsArgs::OPTIONS.contains(&name) => {
                let name = name.to_owned();
                tls_args
                    .set(&name, p.value().map_err(err)?)
                    .map_err(|e| e.to_string())?;
            }
            Value(v) if server.is_none() => server = Some(v.string().map_err(err)?),
            _ => return Err(arg.unexpected().to_string()),
        }
    }
    if a.print_crc && !a.exit_on_disconnect {
        return Err("--print-crc needs --exit-on-disconnect".into());
    }
    if listen && a.repeater.is_some() {
        return Err("--repeater is for connecting out, not with --listen".into());
    }
    if listen {
        let port = match (listen_port, server) {
            (Some(_), Some(_)) => return Err("the port is given twice".into()),
            (Some(v), None) | (None, Some(v)) => v
                .parse()
                .map_err(|_| format!("the port to listen on is 0 to 65535, not {v:?}"))?,
            (None, None) => 5500,
        };
        a.listen = Some((listen_ip, port));
        a.server = format!("listening on port {port}");
    } else {
        if listen_ip.is_some() {
            return Err("--listen-address needs --listen".into());
        }
        a.server = server.ok_or("expected a SERVER")?;
        let address = a
            .server
            .parse::<vnc_core::Address>()
            .map_err(|e| e.to_string())?;
        // The name vnccapture gives the connection in its store.
        a.server_key = Some(match &a.repeater {
            Some(r) => format!("{address} ({r})"),
            None => address.to_string(),
        });
    }
    a.security = vnc_examples::security_args::security_policy(
        security_types,
        require_encryption,
        false,
        false,
    )?;
    a.tls = tls_args.build().map_err(|e| e.to_string())?;
    a.tls.ask_on_untrusted = true;
    a.password = a.password.or_else(|| std::env::var("VNC_PASSWORD").ok());
    a.username = a.username.or_else(|| std::env::var("VNC_USERNAME").ok());
    Ok(Some(a))
}

fn main() -> glib::ExitCode {
    let args = match parse_args() {
        Ok(Some(a)) => a,
        Ok(None) => {
            print!("{HELP}");
            return glib::ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("vncviewer: {e} (see vncviewer --help)");
            return glib::ExitCode::from(2);
        }
    };
    let app = gtk::Application::new(Some("org.vnc_rs.Viewer"), gio::ApplicationFlags::NON_UNIQUE);
    let args = Rc::new(args);
    let status = Rc::new(RefCell::new(0u8));
    app.connect_activate(clone!(
        #[strong]
        args,
        #[strong]
        status,
        move |app| build(app, &args, status.clone())
    ));
    // Options are ours; GTK gets none.
    app.run_with_args::<&str>(&[]);
    glib::ExitCode::from(*status.borrow())
}

fn build(app: &gtk::Application, args: &Rc<Args>, status: Rc<RefCell<u8>>) {
    let listen_status = status.clone();
    let window = gtk::ApplicationWindow::new(app);
    window.set_title(Some(&format!("{} - vncviewer", args.server)));
    let header = gtk::HeaderBar::new();
    let title = gtk::Label::new(Some(&args.server));
    title.add_css_class("title");
    let hint = gtk::Label::new(None);
    hint.add_css_class("subtitle");
    // Long names and the grab hint shorten rather than widen the window past the desktop.
    for label in [&title, &hint] {
        label.set_ellipsize(gtk::pango::EllipsizeMode::End);
    }
    let titles = gtk::Box::new(gtk::Orientation::Vertical, 0);
    titles.set_valign(gtk::Align::Center);
    titles.append(&title);
    titles.append(&hint);
    header.set_title_widget(Some(&titles));
    window.set_titlebar(Some(&header));

    let display = VncDisplay::new();
    display.set_zoom_level(args.zoom);
    display.set_scaling(args.scaling);
    display.set_read_only(args.read_only);
    display.set_audio(cfg!(feature = "audio") && !args.no_audio);
    if let Some(q) = args.quality {
        display.set_jpeg_quality(q);
        display.set_lossy_encoding(true);
    }
    // Trust on first use: what the store knows about this server is trusted without asking.
    let known = Rc::new(RefCell::new(match &args.server_key {
        Some(server) => KnownServer::load(server),
        None => KnownServer::session_only(&args.server),
    }));
    let mut tls = args.tls.clone();
    tls.known_sha256 = known.borrow().known_sha256();
    display.set_tls_config(tls);
    display.set_security_types(vnc_core::SecurityType::format_list(
        &args.security.security_types,
    ));
    display.set_require_encryption(args.security.require_encryption);
    if let Some(keys) = &args.grab_keys {
        display.set_grab_sequence(keys);
    }
    display.set_reconnect(args.reconnect);
    display.set_reconnect_keep_credentials(args.reconnect);
    display.connect_reconnecting(|_, attempt, delay, reason| {
        eprintln!("vncviewer: {reason}; reconnecting in {delay:?} (attempt {attempt})");
    });
    if let Some(u) = &args.username {
        display.set_username(u);
    }
    if let Some(p) = &args.password {
        display.set_password(p);
    }
    let scroller = gtk::ScrolledWindow::new();
    scroller.set_child(Some(&display));
    scroller.set_propagate_natural_width(true);
    scroller.set_propagate_natural_height(true);
    window.set_child(Some(&scroller));

    header.pack_start(&viewer_menus::send_keys(&window, &display));
    header.pack_start(&viewer_menus::power(&window, &display));

    // View menu: stateful toggles bound to the display's properties.
    let view = gio::Menu::new();
    let fullscreen =
        gio::SimpleAction::new_stateful("fullscreen", None, &args.fullscreen.to_variant());
    fullscreen.connect_change_state(clone!(
        #[weak]
        window,
        move |a, v| {
            let on = v.and_then(|v| v.get::<bool>()).unwrap_or(false);
            a.set_state(&on.to_variant());
            if on {
                window.fullscreen()
            } else {
                window.unfullscreen()
            }
        }
    ));
    window.add_action(&fullscreen);
    view.append(Some("Full screen"), Some("win.fullscreen"));
    let mut toggles = vec![
        ("scaling", "Scaled"),
        ("smoothing", "Smooth"),
        ("keep-aspect-ratio", "Keep aspect ratio"),
        ("lossy-encoding", "Lossy compression (JPEG)"),
    ];
    if cfg!(feature = "audio") {
        toggles.push(("audio", "Sound"));
    }
    for (prop, label) in toggles {
        let action = gio::PropertyAction::new(prop, &display, prop);
        window.add_action(&action);
        view.append(Some(label), Some(&format!("win.{prop}")));
    }
    viewer_keys::grab_keys_action(&window, &display);
    view.append(Some("Grab keys…"), Some("win.grab-keys"));
    let view_button = gtk::MenuButton::new();
    view_button.set_label("View");
    view_button.set_menu_model(Some(&view));
    header.pack_start(&view_button);

    let screenshot = gio::SimpleAction::new("screenshot", None);
    screenshot.connect_activate(clone!(
        #[weak]
        display,
        #[weak]
        window,
        move |_, _| save_screenshot(&window, &display)
    ));
    window.add_action(&screenshot);
    let shot = gtk::Button::with_label("Screenshot");
    shot.set_action_name(Some("win.screenshot"));
    header.pack_end(&shot);
    // F11, Ctrl+Shift+S and Ctrl+Shift+G, off while the keyboard is grabbed.
    viewer_keys::shortcuts(app, &display);

    display.connect_initialized(clone!(
        #[weak]
        title,
        #[weak]
        window,
        move |d| {
            let name = d.desktop_name();
            title.set_text(&name);
            window.set_title(Some(&viewer_title::title_for(&name, d)));
            if let Some(t) = d.security_type() {
                let what = match t.protection() {
                    vnc_core::Protection::Clear => "not encrypted",
                    vnc_core::Protection::EncryptedUnauthenticated => {
                        "encrypted, server not authenticated"
                    }
                    vnc_core::Protection::Authenticated => "encrypted, server authenticated",
                };
                title.set_tooltip_text(Some(&format!("{t}: {what}")));
            }
            d.grab_focus();
        }
    ));
    // The name, and while grabbed how to release (and whether the pointer is confined).
    viewer_title::follow(&window, &title, &hint, &display);
    display.connect_auth_credential(clone!(
        #[weak]
        window,
        move |d, needs| ask_credentials(&window, d, needs)
    ));
    display.connect_certificate_verification(clone!(
        #[weak]
        window,
        move |d, cert, problem| ask_certificate(&window, d, &known, cert, problem)
    ));
    let last_error = Rc::new(RefCell::new(None::<String>));
    let (exit_on_disconnect, print_crc) = (args.exit_on_disconnect, args.print_crc);
    let updates = Rc::new(std::cell::Cell::new(0u64));
    if print_crc {
        display.connect_framebuffer_update(clone!(
            #[strong]
            updates,
            move |_, _| updates.set(updates.get() + 1)
        ));
    }
    display.connect_error(clone!(
        #[strong]
        last_error,
        move |_, msg| {
            eprintln!("vncviewer: {msg}");
            last_error.replace(Some(msg.to_owned()));
        }
    ));
    display.connect_disconnected(clone!(
        #[weak]
        window,
        #[strong]
        last_error,
        #[strong]
        args,
        move |d| {
            let msg = last_error.borrow().clone();
            *status.borrow_mut() = if msg.is_some() { 1 } else { 0 };
            if exit_on_disconnect {
                if print_crc {
                    let crc = d.screenshot().map_or(0, |t| {
                        let mut bgra = vec![0u8; t.width() as usize * t.height() as usize * 4];
                        t.download(&mut bgra, t.width() as usize * 4);
                        vnc_examples::frame_crc(&bgra)
                    });
                    println!("updates={} crc={crc:08x}", updates.get());
                }
                window.close();
                return;
            }
            let text = msg.unwrap_or_else(|| "The server closed the connection.".into());
            let dialog = gtk::MessageDialog::builder()
                .transient_for(&window)
                .modal(true)
                .message_type(gtk::MessageType::Info)
                .title("Disconnected")
                .text("Disconnected")
                .secondary_text(&text)
                .build();
            // Alt+C and Alt+R choose too.
            dialog.add_button("_Close", gtk::ResponseType::Close);
            dialog.add_button("_Reconnect", gtk::ResponseType::Accept);
            dialog.set_default_response(gtk::ResponseType::Accept);
            dialog.connect_response(clone!(
                #[weak]
                window,
                #[weak]
                d,
                #[strong]
                args,
                #[strong]
                last_error,
                move |dialog, response| {
                    // Not close(): that would answer DeleteEvent as well.
                    dialog.destroy();
                    if response != gtk::ResponseType::Accept {
                        window.close();
                        return;
                    }
                    last_error.replace(None);
                    // The same way as the first time: to SERVER, through the repeater or
                    // listening again.
                    if let Err(e) = open(&d, &args) {
                        eprintln!("vncviewer: {e}");
                        window.close();
                    }
                }
            ));
            dialog.present();
        }
    ));
    if args.fullscreen {
        window.fullscreen();
    }
    Fit::attach(&window, &scroller, &display, args.scaling);
    // Until the desktop's size is known.
    window.set_default_size(640, 480);
    window.present();
    if let Err(e) = open(&display, args) {
        eprintln!("vncviewer: {e}");
        if args.listen.is_some() {
            *listen_status.borrow_mut() = 3;
            window.close();
        }
    }
}

/// Opens what the command line names: listens for a server, connects through the repeater
/// or to SERVER. At start-up, and again for the disconnect dialog's Reconnect.
fn open(display: &VncDisplay, args: &Args) -> Result<(), String> {
    if let Some((ip, port)) = args.listen {
        let port = display
            .listen(ip, port)
            .map_err(|e| format!("cannot listen on port {port}: {e}"))?;
        // Scripts and tests read the port from this line when they asked for port 0.
        eprintln!("vncviewer: listening on port {port}");
    } else if let Some(dest) = &args.repeater {
        display
            .open_repeater(&args.server, dest)
            .map_err(|e| e.to_string())?;
    } else {
        display
            .open_address(&args.server)
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Sizes the window to the remote desktop, as gvncviewer and TigerVNC's viewer do: the
/// display's area is the desktop's size when the monitor's work area has room for it and for the
/// window's own parts (header bar, borders); otherwise the window takes the work area and the
/// desktop is scaled down into it. Done when the session starts and whenever the server resizes
/// its desktop.
///
/// The desktop's size is the display's natural size: one remote pixel per device pixel at 100 %
/// zoom, so at scale 2 a 1024x768 desktop takes 512x384 logical pixels and is drawn sharp, not
/// doubled and resampled (as the widget draws it when not scaling; tests/tests/gtk_hidpi.rs).
/// A window narrower than its header bar cannot be had: a desktop narrower than that is shown
/// 1:1 with bars beside it.
struct Fit {
    window: gtk::ApplicationWindow,
    scroller: gtk::ScrolledWindow,
    display: VncDisplay,
    /// The largest size the window may take (the monitor's work area on X11), as GDK last gave
    /// it when it sized the window.
    work_area: Cell<Option<(i32, i32)>>,
    /// Scaling as the user chose it (--scaling, the View menu); scaling is also on while the
    /// desktop does not fit.
    user_scaling: Cell<bool>,
    /// Set while this changes the display's scaling, to tell its change from the user's.
    applying: Cell<bool>,
    /// A fit waits for the next frame.
    queued: Cell<bool>,
}

impl Fit {
    fn attach(
        window: &gtk::ApplicationWindow,
        scroller: &gtk::ScrolledWindow,
        display: &VncDisplay,
        scaling: bool,
    ) {
        let fit = Rc::new(Fit {
            window: window.clone(),
            scroller: scroller.clone(),
            display: display.clone(),
            work_area: Cell::new(None),
            user_scaling: Cell::new(scaling),
            applying: Cell::new(false),
            queued: Cell::new(false),
        });
        // The handlers hold the Fit, the Fit the widgets: destroying the window (closing it)
        // disconnects them and ends the cycle.
        window.connect_realize(clone!(
            #[strong]
            fit,
            move |w| fit.watch_work_area(w)
        ));
        display.connect_initialized(clone!(
            #[strong]
            fit,
            move |_| fit.queue()
        ));
        display.connect_desktop_resize(clone!(
            #[strong]
            fit,
            move |_, _, _| fit.queue()
        ));
        display.connect_scaling_notify(clone!(
            #[strong]
            fit,
            move |d| {
                if !fit.applying.get() {
                    fit.user_scaling.set(d.scaling());
                }
            }
        ));
    }

    /// GDK hands the bounds a toplevel must fit in (on X11 the monitor's work area) to the code
    /// that computes its size; keep them.
    fn watch_work_area(self: &Rc<Self>, window: &gtk::ApplicationWindow) {
        let Some(toplevel) = window
            .surface()
            .and_then(|s| s.downcast::<gdk::Toplevel>().ok())
        else {
            return;
        };
        let this = Rc::downgrade(self);
        toplevel.connect_compute_size(move |_, size| {
            if let Some(this) = this.upgrade() {
                this.work_area.set(Some(size.bounds()));
            }
        });
    }

    /// Fits at the next frame: by then the window has been laid out at least once, so the
    /// size of its own parts is known.
    fn queue(self: &Rc<Self>) {
        if self.queued.replace(true) {
            return;
        }
        let this = Rc::downgrade(self);
        self.window.add_tick_callback(move |_, _| {
            let Some(this) = this.upgrade() else {
                return glib::ControlFlow::Break;
            };
            if this.scroller.width() <= 0 || this.scroller.height() <= 0 {
                return glib::ControlFlow::Continue;
            }
            this.queued.set(false);
            this.apply();
            glib::ControlFlow::Break
        });
    }

    fn apply(&self) {
        let natural = |o| self.display.measure(o, -1).1;
        let want = (
            natural(gtk::Orientation::Horizontal),
            natural(gtk::Orientation::Vertical),
        );
        if want.0 <= 0 || want.1 <= 0 {
            return;
        }
        let view = (self.scroller.width(), self.scroller.height());
        let (size, fits) = if self.window.is_fullscreen() || self.window.is_maximized() {
            // The window's size is not ours to choose.
            (None, want.0 <= view.0 && want.1 <= view.1)
        } else {
            // GTK keeps the default size equal to the window's current size; what it has
            // beyond the display's area is the header bar and the borders.
            let window = self.window.default_size();
            let extra = (window.0 - view.0, window.1 - view.1);
            let room = self
                .work_area
                .get()
                .map_or((i32::MAX, i32::MAX), |(w, h)| (w - extra.0, h - extra.1));
            let (size, fits) = fit_size(want, room);
            (Some((size.0 + extra.0, size.1 + extra.1)), fits)
        };
        self.applying.set(true);
        self.display.set_scaling(self.user_scaling.get() || !fits);
        self.applying.set(false);
        if let Some((w, h)) = size {
            self.window.set_default_size(w, h);
        }
    }
}

/// The display's size for a desktop of `want` logical pixels in `room`: the desktop's own size
/// if it fits (and `true`), else the largest size of the same shape that does.
fn fit_size(want: (i32, i32), room: (i32, i32)) -> ((i32, i32), bool) {
    if want.0 <= room.0 && want.1 <= room.1 {
        return (want, true);
    }
    let s = (f64::from(room.0) / f64::from(want.0)).min(f64::from(room.1) / f64::from(want.1));
    let scaled = |v: i32| ((f64::from(v) * s).floor() as i32).max(1);
    ((scaled(want.0), scaled(want.1)), false)
}

fn ask_credentials(
    window: &gtk::ApplicationWindow,
    display: &VncDisplay,
    wanted: vnc_gtk::CredentialFlags,
) {
    let (dialog, grid) = vnc_examples::dialog_with_grid(window, "Authentication");
    let user = gtk::Entry::new();
    let pass = gtk::PasswordEntry::new();
    pass.set_show_peek_icon(true);
    let mut row = 0;
    if wanted.contains(vnc_gtk::CredentialFlags::USERNAME) {
        grid.attach(&gtk::Label::new(Some("User name")), 0, row, 1, 1);
        grid.attach(&user, 1, row, 1, 1);
        row += 1;
    }
    if wanted.contains(vnc_gtk::CredentialFlags::PASSWORD) {
        grid.attach(&gtk::Label::new(Some("Password")), 0, row, 1, 1);
        grid.attach(&pass, 1, row, 1, 1);
        row += 1;
    }
    let ok = gtk::Button::with_label("Log in");
    ok.add_css_class("suggested-action");
    grid.attach(&ok, 1, row, 1, 1);
    let answer = clone!(
        #[weak]
        display,
        #[weak]
        dialog,
        #[weak]
        user,
        #[weak]
        pass,
        move || {
            if wanted.contains(vnc_gtk::CredentialFlags::USERNAME) {
                display.set_username(&user.text());
            }
            if wanted.contains(vnc_gtk::CredentialFlags::PASSWORD) {
                display.set_password(&pass.text());
            }
            dialog.close();
        }
    );
    let a = answer.clone();
    ok.connect_clicked(move |_| a());
    pass.connect_activate(move |_| answer());
    dialog.present();
}

fn save_screenshot(window: &gtk::ApplicationWindow, display: &VncDisplay) {
    let Some(tex) = display.screenshot() else {
        return;
    };
    let chooser = gtk::FileChooserNative::new(
        Some("Save screenshot"),
        Some(window),
        gtk::FileChooserAction::Save,
        Some("Save"),
        Some("Cancel"),
    );
    chooser.set_current_name("screenshot.png");
    chooser.connect_response(move |c, r| {
        if r == gtk::ResponseType::Accept {
            if let Some(path) = c.file().and_then(|f| f.path()) {
                if let Err(e) = tex.save_to_png(&path) {
                    eprintln!("vncviewer: cannot save {}: {e}", path.display());
                }
            }
        }
    });
    chooser.show();
}

#[cfg(test)]
mod tests {
    use super::fit_size;

    #[test]
    fn a_desktop_that_fits_keeps_its_size() {
        assert_eq!(fit_size((1024, 768), (1590, 1144)), ((1024, 768), true));
        assert_eq!(fit_size((1024, 768), (1024, 768)), ((1024, 768), true));
    }

    #[test]
    fn a_desktop_too_large_shrinks_to_the_tighter_side_keeping_its_shape() {
        // 800x600 less the header bar: the height decides.
        assert_eq!(fit_size((1024, 768), (790, 544)), ((725, 544), false));
        // One pixel too wide is too wide.
        assert_eq!(fit_size((1024, 768), (1023, 2000)), ((1023, 767), false));
    }
}
