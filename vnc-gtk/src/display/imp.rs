//! The widget's state, its GTK trait implementations and the connection loop. The session is
//! borrowed only around engine calls: events are taken out first and signals are emitted with
//! no borrow held, so a handler may call back into the widget.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use gtk::glib::subclass::Signal;
use gtk::glib::{self, clone};
use gtk::prelude::*;
use gtk::subclass::prelude::*;
use gtk::{gdk, gio, graphene};

use vnc_core::{
    Address, Config, Credential, Encoding, Error as VncError, Event, Limits, PixelFormatRequest,
    Rect, SecurityType, Session, TlsConfig,
};

use super::Depth;
use crate::render::Tiles;

/// The open connection.
struct Conn {
    stream: gio::IOStream,
    reader: Option<glib::JoinHandle<()>>,
    /// The task writing the session's output, while one runs.
    writer: Option<glib::JoinHandle<()>>,
    timer: Option<glib::SourceId>,
}

#[derive(glib::Properties)]
#[properties(wrapper_type = super::VncDisplay)]
pub struct VncDisplay {
    /// Show the local pointer instead of the server's cursor.
    #[property(get, set = Self::set_local_pointer)]
    local_pointer: Cell<bool>,
    /// Send no input to the server.
    #[property(get, set)]
    read_only: Cell<bool>,
    /// Scale the desktop to the widget's size.
    #[property(get, set = Self::set_redraw_bool::<0>)]
    scaling: Cell<bool>,
    /// Keep the desktop's aspect ratio when scaling.
    #[property(get, set = Self::set_redraw_bool::<1>)]
    keep_aspect_ratio: Cell<bool>,
    /// Smooth (linear) scaling.
    #[property(get, set = Self::set_redraw_bool::<2>)]
    smoothing: Cell<bool>,
    /// Zoom in percent when not scaling.
    #[property(get, set = Self::set_zoom_level, minimum = 10, maximum = 400, default = 100)]
    zoom_level: Cell<u32>,
    /// Leave other clients connected.
    #[property(get, set, default = true)]
    shared_flag: Cell<bool>,
    /// Colour depth asked of the server.
    #[property(get, set = Self::set_depth, builder(Depth::Full))]
    depth: Cell<Depth>,
    /// Keyboard grabbed.
    #[property(get, set = Self::set_grab_keyboard)]
    grab_keyboard: Cell<bool>,
    /// Pointer grabbed (the local pointer is hidden).
    #[property(get, set = Self::set_grab_pointer)]
    grab_pointer: Cell<bool>,
    /// Ask the server to resize its desktop to the widget's size (ExtendedDesktopSize servers).
    #[property(get, set = Self::set_allow_resize)]
    allow_resize: Cell<bool>,
    /// Request the remote desktop's size (at the zoom level) as the widget's minimum size.
    #[property(get, set = Self::set_force_size, default = true)]
    force_size: Cell<bool>,
    /// The minimum size for which the window's resize was queued again (see
    /// `check_below_minimum`): once per minimum, so that a window that cannot grow (a smaller
    /// screen) does not make the widget ask for ever.
    resize_retried_for: Cell<Option<(i32, i32)>>,
    /// The key combination that grabs and releases keyboard and pointer, as GDK key names
    /// joined by `+`.
    #[property(get, set = Self::set_grab_keys)]
    grab_keys: RefCell<String>,
    /// Remote desktop width.
    #[property(get = Self::fb_width, type = i32)]
    width: std::marker::PhantomData<i32>,
    /// Remote desktop height.
    #[property(get = Self::fb_height, type = i32)]
    height: std::marker::PhantomData<i32>,
    /// Remote desktop name.
    #[property(get = Self::desktop_name, type = String)]
    name: std::marker::PhantomData<String>,

    session: RefCell<Option<Session>>,
    conn: RefCell<Option<Conn>>,
    tiles: RefCell<Option<Tiles>>,
    pub(super) tls: RefCell<TlsConfig>,
    pub(super) limits: RefCell<Limits>,
    pub(super) handshake_timeout: Cell<Option<Duration>>,
    /// Credentials given before the session asked.
    early_credentials: RefCell<Vec<(Credential, String)>>,
    server: RefCell<String>,
    /// Hardware keycode -> the keysym the server saw pressed.
    pressed: RefCell<HashMap<u32, u32>>,
    buttons: Cell<u8>,
    scroll: Cell<(f64, f64)>,
    last_server_text: RefCell<Option<String>>,
    disconnected_emitted: Cell<bool>,
    /// Counts connection attempts: a task of an earlier attempt (a connect, a write) that
    /// completes late finds a different number and does nothing.
    attempt: Cell<u64>,
    /// What the update under way has drawn so far.
    update_damage: Cell<Rect>,
    grab_syms: RefCell<Vec<u32>>,
    resize_timer: RefCell<Option<glib::SourceId>>,
}

impl Default for VncDisplay {
    fn default() -> Self {
        VncDisplay {
            local_pointer: Cell::new(false),
            read_only: Cell::new(false),
            scaling: Cell::new(false),
            keep_aspect_ratio: Cell::new(true),
            smoothing: Cell::new(true),
            zoom_level: Cell::new(100),
            shared_flag: Cell::new(true),
            depth: Cell::new(Depth::Full),
            grab_keyboard: Cell::new(false),
            grab_pointer: Cell::new(false),
            width: Default::default(),
            height: Default::default(),
            name: Default::default(),
            session: RefCell::new(None),
            conn: RefCell::new(None),
            tiles: RefCell::new(None),
            tls: RefCell::new(TlsConfig::default()),
            limits: RefCell::new(Limits::default()),
            handshake_timeout: Cell::new(Config::default().handshake_timeout),
            early_credentials: RefCell::new(Vec::new()),
            server: RefCell::new(String::new()),
            pressed: RefCell::new(HashMap::new()),
            buttons: Cell::new(0),
            scroll: Cell::new((0.0, 0.0)),
            last_server_text: RefCell::new(None),
            disconnected_emitted: Cell::new(true),
            attempt: Cell::new(0),
            update_damage: Cell::new(Rect::default()),
            allow_resize: Cell::new(false),
            force_size: Cell::new(true),
            resize_retried_for: Cell::new(None),
            grab_keys: RefCell::new("Control_L+Alt_L".to_owned()),
            grab_syms: RefCell::new(vec![0xFFE3, 0xFFE9]),
            resize_timer: RefCell::new(None),
        }
    }
}

#[glib::object_subclass]
impl ObjectSubclass for VncDisplay {
    const NAME: &'static str = "VncDisplay";
    type Type = super::VncDisplay;
    type ParentType = gtk::Widget;
}

#[glib::derived_properties]
impl ObjectImpl for VncDisplay {
    fn signals() -> &'static [Signal] {
        static SIGNALS: OnceLock<Vec<Signal>> = OnceLock::new();
        SIGNALS.get_or_init(|| {
            let s = String::static_type();
            vec![
                Signal::builder("vnc-connected").build(),
                Signal::builder("vnc-initialized").build(),
                Signal::builder("vnc-disconnected").build(),
                Signal::builder("vnc-error").param_types([s]).build(),
                Signal::builder("vnc-auth-credential")
                    .param_types([bool::static_type(), bool::static_type()])
                    .build(),
                Signal::builder("vnc-auth-failure").param_types([s]).build(),
                Signal::builder("vnc-auth-unsupported")
                    .param_types([u32::static_type()])
                    .build(),
                Signal::builder("vnc-certificate-verification")
                    .param_types([s, s, s, s])
                    .build(),
                Signal::builder("vnc-desktop-resize")
                    .param_types([i32::static_type(), i32::static_type()])
                    .build(),
                Signal::builder("vnc-desktop-rename")
                    .param_types([s])
                    .build(),
                Signal::builder("vnc-server-cut-text")
                    .param_types([s])
                    .build(),
                Signal::builder("vnc-bell").build(),
                Signal::builder("vnc-framebuffer-update")
                    .param_types([i32::static_type(); 4])
                    .build(),
                Signal::builder("vnc-keyboard-grab").build(),
                Signal::builder("vnc-keyboard-ungrab").build(),
                Signal::builder("vnc-pointer-grab").build(),
                Signal::builder("vnc-pointer-ungrab").build(),
            ]
        })
    }

    fn constructed(&self) {
        self.parent_constructed();
        let obj = self.obj();
        obj.set_focusable(true);
        obj.set_can_focus(true);
        obj.set_overflow(gtk::Overflow::Hidden);

        let keys = gtk::EventControllerKey::new();
        keys.connect_key_pressed(clone!(
            #[weak(rename_to = this)]
            self,
            #[upgrade_or]
            glib::Propagation::Proceed,
            move |_, key, code, _| this.on_key(key, code, true)
        ));
        keys.connect_key_released(clone!(
            #[weak(rename_to = this)]
            self,
            move |_, key, code, _| {
                this.on_key(key, code, false);
            }
        ));
        obj.add_controller(keys);

        let focus = gtk::EventControllerFocus::new();
        focus.connect_leave(clone!(
            #[weak(rename_to = this)]
            self,
            move |_| this.release_all_keys()
        ));
        obj.add_controller(focus);

        let motion = gtk::EventControllerMotion::new();
        motion.connect_motion(clone!(
            #[weak(rename_to = this)]
            self,
            move |_, x, y| this.on_pointer(x, y, None)
        ));
        obj.add_controller(motion);

        let click = gtk::GestureClick::new();
        click.set_button(0);
        click.connect_pressed(clone!(
            #[weak(rename_to = this)]
            self,
            move |g, _, x, y| {
                this.obj().grab_focus();
                this.on_pointer(x, y, Some((g.current_button(), true)));
            }
        ));
        click.connect_released(clone!(
            #[weak(rename_to = this)]
            self,
            move |g, _, x, y| this.on_pointer(x, y, Some((g.current_button(), false)))
        ));
        obj.add_controller(click);

        let scroll = gtk::EventControllerScroll::new(gtk::EventControllerScrollFlags::BOTH_AXES);
        scroll.connect_scroll(clone!(
            #[weak(rename_to = this)]
            self,
            #[upgrade_or]
            glib::Propagation::Proceed,
            move |_, dx, dy| {
                this.on_scroll(dx, dy);
                glib::Propagation::Stop
            }
        ));
        obj.add_controller(scroll);

        // Local clipboard changes go to the server (not in read-only mode).
        obj.clipboard().connect_changed(clone!(
            #[weak(rename_to = this)]
            self,
            move |cb| this.on_local_clipboard(cb)
        ));
    }

    fn dispose(&self) {
        if let Some(t) = self.resize_timer.take() {
            t.remove();
        }
        self.disconnect(None);
    }
}

impl WidgetImpl for VncDisplay {
    fn measure(&self, orientation: gtk::Orientation, _for_size: i32) -> (i32, i32, i32, i32) {
        let Some((w, h)) = self.tiles.borrow().as_ref().map(|t| t.size()) else {
            return (0, 0, -1, -1);
        };
        let size = f64::from(if orientation == gtk::Orientation::Horizontal {
            w
        } else {
            h
        });
        let natural = (size * self.unscaled_factor()).round() as i32;
        if self.scaling.get() || !self.force_size.get() {
            (1, natural, -1, -1)
        } else {
            (natural, natural, -1, -1)
        }
    }

    fn size_allocate(&self, width: i32, height: i32, baseline: i32) {
        self.parent_size_allocate(width, height, baseline);
        if self.allow_resize.get() {
            self.schedule_remote_resize();
        }
        self.check_below_minimum(width, height);
    }

    fn snapshot(&self, snapshot: &gtk::Snapshot) {
        let obj = self.obj();
        let (ww, wh) = (
            WidgetExt::width(&*obj) as f32,
            WidgetExt::height(&*obj) as f32,
        );
        snapshot.append_color(&gdk::RGBA::BLACK, &graphene::Rect::new(0.0, 0.0, ww, wh));
        let session = self.session.borrow();
        let Some(s) = session.as_ref() else { return };
        let Some(l) = self.layout() else { return };
        let mut tiles = self.tiles.borrow_mut();
        let Some(tiles) = tiles.as_mut() else { return };
        snapshot.save();
        snapshot.translate(&graphene::Point::new(l.x as f32, l.y as f32));
        let device = f64::from(obj.scale_factor().max(1));
        let one_to_one = (l.sx * device - 1.0).abs() < 1e-9 && (l.sy * device - 1.0).abs() < 1e-9;
        if self.smoothing.get() || one_to_one {
            snapshot.scale(l.sx as f32, l.sy as f32);
            tiles.snapshot(s.framebuffer(), snapshot);
        } else {
            tiles.snapshot_nearest(
                s.framebuffer(),
                snapshot,
                l.sx * device,
                l.sy * device,
                device,
            );
        }
        snapshot.restore();
    }
}

/// Where the framebuffer is drawn: widget = offset + framebuffer * scale.
struct Layout {
    x: f64,
    y: f64,
    sx: f64,
    sy: f64,
}

impl VncDisplay {
    // ----- properties -----

    fn set_redraw_bool<const N: u8>(&self, v: bool) {
        let cell = match N {
            0 => &self.scaling,
            1 => &self.keep_aspect_ratio,
            _ => &self.smoothing,
        };
        if cell.replace(v) != v {
            self.obj().queue_resize();
        }
    }

    fn set_allow_resize(&self, v: bool) {
        self.allow_resize.set(v);
        if v {
            self.schedule_remote_resize();
        }
    }

    fn set_force_size(&self, v: bool) {
        if self.force_size.replace(v) != v {
            self.obj().queue_resize();
        }
    }

    fn set_grab_keys(&self, keys: String) {
        let syms: Vec<u32> = keys
            .split('+')
            .filter_map(|name| gdk::Key::from_name(name.trim()))
            .filter_map(crate::keys::keysym)
            .collect();
        if syms.is_empty() {
            tracing::warn!(
                keys,
                "no known key names in grab-keys; keeping the old sequence"
            );
            return;
        }
        self.grab_syms.replace(syms);
        self.grab_keys.replace(keys);
    }

    /// Asks the server for the widget's size in device pixels, once the size has stayed put for
    /// a moment (a window being dragged larger sends one request, not hundreds).
    fn schedule_remote_resize(&self) {
        if let Some(t) = self.resize_timer.take() {
            t.remove();
        }
        let obj = self.obj();
        let timer = glib::timeout_add_local_once(
            std::time::Duration::from_millis(300),
            clone!(
                #[weak]
                obj,
                move || {
                    let this = obj.imp();
                    this.resize_timer.take();
                    let sf = obj.scale_factor().max(1);
                    let w = (WidgetExt::width(&obj) * sf).clamp(1, 16384) as u16;
                    let h = (WidgetExt::height(&obj) * sf).clamp(1, 16384) as u16;
                    let current = this.tiles.borrow().as_ref().map(|t| t.size());
                    if current.is_some() && current != Some((w, h)) {
                        this.with_session(|s| {
                            if s.can_resize_desktop() {
                                s.set_desktop_size(w, h);
                            }
                        });
                    }
                }
            ),
        );
        self.resize_timer.replace(Some(timer));
    }

    fn set_zoom_level(&self, v: u32) {
        if self.zoom_level.replace(v.clamp(10, 400)) != v {
            self.obj().queue_resize();
        }
    }

    fn set_local_pointer(&self, v: bool) {
        self.local_pointer.set(v);
        if v {
            self.obj().set_cursor(None);
        }
    }

    fn set_depth(&self, d: Depth) {
        self.depth.set(d);
        let req = depth_format(d);
        self.with_session(|s| s.set_pixel_format(req));
    }

    fn set_grab_keyboard(&self, v: bool) {
        if self.grab_keyboard.replace(v) == v {
            return;
        }
        let obj = self.obj();
        if let Some(toplevel) = obj
            .native()
            .and_then(|n| n.surface())
            .and_then(|s| s.downcast::<gdk::Toplevel>().ok())
        {
            if v {
                toplevel.inhibit_system_shortcuts(None::<&gdk::Event>);
            } else {
                toplevel.restore_system_shortcuts();
            }
        }
        obj.emit_by_name::<()>(
            if v {
                "vnc-keyboard-grab"
            } else {
                "vnc-keyboard-ungrab"
            },
            &[],
        );
    }

    fn set_grab_pointer(&self, v: bool) {
        if self.grab_pointer.replace(v) == v {
            return;
        }
        let obj = self.obj();
        if v {
            obj.set_cursor_from_name(Some("none"));
        }
        obj.emit_by_name::<()>(
            if v {
                "vnc-pointer-grab"
            } else {
                "vnc-pointer-ungrab"
            },
            &[],
        );
    }

    pub(super) fn set_grab(&self, v: bool) {
        self.obj().set_grab_keyboard(v);
        self.obj().set_grab_pointer(v);
    }

    fn fb_width(&self) -> i32 {
        self.tiles
            .borrow()
            .as_ref()
            .map_or(0, |t| i32::from(t.size().0))
    }

    fn fb_height(&self) -> i32 {
        self.tiles
            .borrow()
            .as_ref()
            .map_or(0, |t| i32::from(t.size().1))
    }

    fn desktop_name(&self) -> String {
        self.session
            .borrow()
            .as_ref()
            .map(|s| s.desktop_name().to_owned())
            .unwrap_or_default()
    }

    pub(super) fn security_type(&self) -> Option<SecurityType> {
        self.session
            .borrow()
            .as_ref()
            .and_then(|s| s.security_type())
    }

    /// GTK 4.8 on X11 can lose the window's resize when the widget's minimum grows while the
    /// window is first being mapped: the window stays at its first size and the widget is
    /// allocated below its minimum. Queueing the window's resize again (from the main loop,
    /// once per minimum size) gets it laid out anew.
    fn check_below_minimum(&self, width: i32, height: i32) {
        let obj = self.obj();
        let (min_w, ..) = self.measure(gtk::Orientation::Horizontal, -1);
        let (min_h, ..) = self.measure(gtk::Orientation::Vertical, -1);
        if (width >= min_w && height >= min_h)
            || self.resize_retried_for.replace(Some((min_w, min_h))) == Some((min_w, min_h))
        {
            return;
        }
        tracing::debug!(
            width,
            height,
            min_w,
            min_h,
            "allocated below the minimum size"
        );
        let weak = obj.downgrade();
        glib::idle_add_local_once(move || {
            if let Some(root) = weak.upgrade().and_then(|o| o.root()) {
                root.queue_resize();
            }
        });
    }

    /// Framebuffer pixels per logical pixel when not scaling: the zoom, and one remote pixel
    /// per device pixel on HiDPI monitors.
    fn unscaled_factor(&self) -> f64 {
        f64::from(self.zoom_level.get()) / 100.0 / f64::from(self.obj().scale_factor().max(1))
    }

    fn layout(&self) -> Option<Layout> {
        let (fw, fh) = self.tiles.borrow().as_ref()?.size();
        if fw == 0 || fh == 0 {
            return None;
        }
        let obj = self.obj();
        let (ww, wh) = (
            f64::from(WidgetExt::width(&*obj)),
            f64::from(WidgetExt::height(&*obj)),
        );
        let (fw, fh) = (f64::from(fw), f64::from(fh));
        let (sx, sy) = if self.scaling.get() {
            let (sx, sy) = (ww / fw, wh / fh);
            if self.keep_aspect_ratio.get() {
                let s = sx.min(sy);
                (s, s)
            } else {
                (sx, sy)
            }
        } else {
            let s = self.unscaled_factor();
            (s, s)
        };
        Some(Layout {
            x: ((ww - fw * sx) / 2.0).max(0.0).floor(),
            y: ((wh - fh * sy) / 2.0).max(0.0).floor(),
            sx,
            sy,
        })
    }

    // ----- connecting -----

    pub(super) fn is_open(&self) -> bool {
        self.conn.borrow().is_some() || !self.disconnected_emitted.get()
    }

    pub(super) fn open(&self, address: Address) {
        self.disconnect(None);
        self.disconnected_emitted.set(false);
        let server = address.to_string();
        self.server.replace(server.clone());
        let connectable: gio::SocketConnectable = match &address {
            Address::Tcp { host, port } => gio::NetworkAddress::new(host, *port).upcast(),
            Address::Unix(path) => gio::UnixSocketAddress::new(path).upcast(),
        };
        let host = match &address {
            Address::Tcp { host, .. } => Some(host.clone()),
            Address::Unix(_) => None,
        };
        let obj = self.obj();
        let attempt = self.attempt.get();
        glib::spawn_future_local(clone!(
            #[weak]
            obj,
            async move {
                let client = gio::SocketClient::new();
                let res = client.connect_future(&connectable).await;
                if obj.imp().attempt.get() != attempt {
                    // Closed or opened again meanwhile.
                    return;
                }
                match res {
                    Ok(conn) => obj.imp().start(conn.upcast(), server, host),
                    Err(e) => obj
                        .imp()
                        .disconnect(Some(format!("cannot connect to {server}: {e}"))),
                }
            }
        ));
    }

    pub(super) fn open_stream(&self, stream: gio::IOStream, name: String, host: Option<String>) {
        self.disconnect(None);
        self.disconnected_emitted.set(false);
        self.server.replace(name.clone());
        self.start(stream, name, host);
    }

    fn config(&self, host: Option<String>) -> Config {
        let mut config = Config::default();
        config.shared = self.shared_flag.get();
        config.pixel_format = depth_format(self.depth.get());
        config.server_name = host;
        config.tls = self.tls.borrow().clone();
        if config.tls.root_certificates.is_empty() {
            config.tls.root_certificates = vnc_core::trust_store::system_roots();
        }
        config.encodings = Encoding::DEFAULT.to_vec();
        config.limits = self.limits.borrow().clone();
        config.handshake_timeout = self.handshake_timeout.get();
        config
    }

    fn start(&self, stream: gio::IOStream, server: String, host: Option<String>) {
        let mut session = Session::new(self.config(host), Instant::now());
        for (kind, value) in self.early_credentials.borrow().iter() {
            session.set_credential(*kind, value);
        }
        self.session.replace(Some(session));
        self.tiles.replace(None);
        self.update_damage.take();
        let input = stream.input_stream();
        let obj = self.obj();
        let attempt = self.attempt.get();
        let reader = glib::spawn_future_local(clone!(
            #[weak]
            obj,
            async move {
                let mut buf = vec![0u8; 256 << 10];
                loop {
                    let res = input.read_future(buf, glib::Priority::DEFAULT).await;
                    let this = obj.imp();
                    if this.attempt.get() != attempt {
                        break;
                    }
                    match res {
                        Ok((b, 0)) => {
                            drop(b);
                            this.on_eof();
                            break;
                        }
                        Ok((b, n)) => {
                            buf = b;
                            if !this.on_data(&buf[..n]) {
                                break;
                            }
                        }
                        Err((_, e)) => {
                            let server = this.server.borrow().clone();
                            this.disconnect(Some(format!("{server}: connection error: {e}")));
                            break;
                        }
                    }
                }
            }
        ));
        self.conn.replace(Some(Conn {
            stream,
            reader: Some(reader),
            writer: None,
            timer: None,
        }));
        tracing::debug!(server, "connected");
        self.obj().emit_by_name::<()>("vnc-connected", &[]);
        self.after_engine_call(Vec::new(), Ok(()));
    }

    /// Ends the connection (with an error message, or quietly) and emits `vnc-disconnected`
    /// once.
    pub(super) fn disconnect(&self, error: Option<String>) {
        self.attempt.set(self.attempt.get() + 1);
        if let Some(conn) = self.conn.take() {
            for task in [conn.reader, conn.writer].into_iter().flatten() {
                task.abort();
            }
            if let Some(t) = conn.timer {
                t.remove();
            }
            // Closing an already-closed stream only reports that again.
            let _ = conn.stream.close(gio::Cancellable::NONE);
        }
        self.release_all_keys_local();
        let obj = self.obj();
        if let Some(msg) = error {
            tracing::debug!(error = %msg, "disconnecting");
            obj.emit_by_name::<()>("vnc-error", &[&msg]);
        }
        if !self.disconnected_emitted.replace(true) {
            obj.emit_by_name::<()>("vnc-disconnected", &[]);
        }
    }

    fn on_eof(&self) {
        let result = self.session.borrow_mut().as_mut().map(|s| s.feed_eof());
        match result {
            Some(Err(e)) => {
                let events = self.take_events();
                self.handle_events(events);
                self.fail(e);
            }
            _ => self.disconnect(None),
        }
    }

    /// Feeds server bytes; false once the connection is over.
    fn on_data(&self, data: &[u8]) -> bool {
        let result = match self.session.borrow_mut().as_mut() {
            Some(s) => s.feed(data),
            None => return false,
        };
        let events = self.take_events();
        self.after_engine_call(events, result)
    }

    fn take_events(&self) -> Vec<Event> {
        match self.session.borrow_mut().as_mut() {
            Some(s) => std::iter::from_fn(|| s.poll_event()).collect(),
            None => Vec::new(),
        }
    }

    /// After any engine call: signals for its events, output to the socket, the next timer.
    fn after_engine_call(&self, events: Vec<Event>, result: Result<(), VncError>) -> bool {
        self.handle_events(events);
        if let Err(e) = result {
            self.fail(e);
            return false;
        }
        self.flush();
        self.schedule_timer();
        self.conn.borrow().is_some()
    }

    fn fail(&self, e: VncError) {
        let server = self.server.borrow().clone();
        if e.is_authentication_failure() {
            let reason = match &e {
                VncError::AuthenticationFailed { reason: Some(r) } => r.clone(),
                _ => String::new(),
            };
            self.obj()
                .emit_by_name::<()>("vnc-auth-failure", &[&reason]);
        }
        // No security type both sides accept (or one this build cannot do): gtk-vnc's
        // auth-unsupported, with the first type the server offered (0 if unknown).
        let unsupported = match &e {
            VncError::NoCommonSecurityType { offered, .. } => {
                Some(offered.first().copied().unwrap_or(0))
            }
            VncError::EncryptionRequired { .. } => Some(0),
            VncError::AnonTlsUnavailable => Some(18),
            _ => None,
        };
        if let Some(t) = unsupported {
            self.obj().emit_by_name::<()>("vnc-auth-unsupported", &[&t]);
        }
        self.disconnect(Some(format!("{server}: {e}")));
    }

    /// Runs an engine command and sends what it produced.
    pub(super) fn with_session(&self, f: impl FnOnce(&mut Session)) {
        let done = match self.session.borrow_mut().as_mut() {
            Some(s) => {
                f(s);
                true
            }
            None => false,
        };
        if done {
            let events = self.take_events();
            self.after_engine_call(events, Ok(()));
        }
    }

    pub(super) fn set_credential(&self, kind: Credential, value: &str) {
        if self.session.borrow().is_some() {
            self.with_session(|s| s.set_credential(kind, value));
        } else {
            self.early_credentials
                .borrow_mut()
                .push((kind, value.to_owned()));
        }
    }

    pub(super) fn accept_certificate(&self, accept: bool) {
        let result = match self.session.borrow_mut().as_mut() {
            Some(s) => s.accept_certificate(accept),
            None => return,
        };
        let events = self.take_events();
        self.after_engine_call(events, result);
    }

    /// Writes what the session has for the server; one write task at a time.
    fn flush(&self) {
        let stream = {
            let conn = self.conn.borrow();
            let Some(conn) = conn.as_ref() else { return };
            if conn.writer.is_some() {
                return;
            }
            conn.stream.output_stream()
        };
        let obj = self.obj();
        let attempt = self.attempt.get();
        let writer = glib::spawn_future_local(clone!(
            #[weak]
            obj,
            async move {
                loop {
                    let this = obj.imp();
                    if this.attempt.get() != attempt {
                        // The connection this task wrote for is over.
                        return;
                    }
                    let bytes = this
                        .session
                        .borrow_mut()
                        .as_mut()
                        .map(|s| s.take_output())
                        .unwrap_or_default();
                    if bytes.is_empty() {
                        if let Some(c) = this.conn.borrow_mut().as_mut() {
                            c.writer = None;
                        }
                        return;
                    }
                    let res = stream
                        .write_all_future(bytes, glib::Priority::DEFAULT)
                        .await;
                    if let Err((_, e)) = res
                        && this.attempt.get() == attempt
                    {
                        let server = this.server.borrow().clone();
                        this.disconnect(Some(format!("{server}: connection error: {e}")));
                        return;
                    }
                }
            }
        ));
        if let Some(c) = self.conn.borrow_mut().as_mut() {
            c.writer = Some(writer);
        }
    }

    fn schedule_timer(&self) {
        let deadline = self
            .session
            .borrow()
            .as_ref()
            .and_then(|s| s.poll_timeout());
        let mut conn = self.conn.borrow_mut();
        let Some(conn) = conn.as_mut() else { return };
        if let Some(t) = conn.timer.take() {
            t.remove();
        }
        let Some(deadline) = deadline else { return };
        let wait = deadline.saturating_duration_since(Instant::now());
        let obj = self.obj();
        conn.timer = Some(glib::timeout_add_local_once(
            wait,
            clone!(
                #[weak]
                obj,
                move || {
                    let this = obj.imp();
                    if let Some(c) = this.conn.borrow_mut().as_mut() {
                        c.timer = None;
                    }
                    let result = match this.session.borrow_mut().as_mut() {
                        Some(s) => s.handle_timeout(Instant::now()),
                        None => return,
                    };
                    let events = this.take_events();
                    this.after_engine_call(events, result);
                }
            ),
        ));
    }

    fn handle_events(&self, events: Vec<Event>) {
        let obj = self.obj();
        let mut redraw = false;
        for ev in events {
            match ev {
                Event::Initialized { width, height, .. } => {
                    self.tiles.replace(Some(Tiles::new(width, height)));
                    obj.queue_resize();
                    obj.notify_width();
                    obj.notify_height();
                    obj.notify_name();
                    obj.emit_by_name::<()>("vnc-initialized", &[]);
                }
                Event::FramebufferUpdated(r) => {
                    if let Some(t) = self.tiles.borrow_mut().as_mut() {
                        t.damage(r);
                    }
                    self.update_damage.set(self.update_damage.get().union(&r));
                    redraw = true;
                }
                Event::FramebufferUpdateEnd => {
                    let r = self.update_damage.take();
                    if r.area() > 0 {
                        obj.emit_by_name::<()>(
                            "vnc-framebuffer-update",
                            &[
                                &i32::from(r.x),
                                &i32::from(r.y),
                                &i32::from(r.width),
                                &i32::from(r.height),
                            ],
                        );
                    }
                }
                Event::DesktopResized { width, height } => {
                    self.tiles.replace(Some(Tiles::new(width, height)));
                    obj.queue_resize();
                    obj.notify_width();
                    obj.notify_height();
                    obj.emit_by_name::<()>(
                        "vnc-desktop-resize",
                        &[&i32::from(width), &i32::from(height)],
                    );
                }
                Event::DesktopRenamed(name) => {
                    obj.notify_name();
                    obj.emit_by_name::<()>("vnc-desktop-rename", &[&name]);
                }
                Event::CredentialsRequired(needs) => {
                    obj.emit_by_name::<()>(
                        "vnc-auth-credential",
                        &[&needs.username, &needs.password],
                    );
                }
                Event::CertificateUnverified {
                    certificate,
                    problem,
                } => {
                    obj.emit_by_name::<()>(
                        "vnc-certificate-verification",
                        &[
                            &certificate.subject,
                            &certificate.issuer,
                            &certificate.sha256_hex(),
                            &problem.to_string(),
                        ],
                    );
                }
                Event::CursorChanged(c) => self.set_remote_cursor(&c),
                Event::Bell => obj.emit_by_name::<()>("vnc-bell", &[]),
                Event::ServerCutText(text) => {
                    if !self.read_only.get() {
                        self.last_server_text.replace(Some(text.clone()));
                        obj.clipboard().set_text(&text);
                    }
                    obj.emit_by_name::<()>("vnc-server-cut-text", &[&text]);
                }
                Event::Closed => {}
                _ => {}
            }
        }
        if redraw {
            // GTK draws at most once per frame clock tick, however many updates came.
            obj.queue_draw();
        }
    }

    fn set_remote_cursor(&self, c: &vnc_core::Cursor) {
        if self.local_pointer.get() || self.grab_pointer.get() {
            return;
        }
        let obj = self.obj();
        if c.width == 0 || c.height == 0 {
            obj.set_cursor_from_name(Some("none"));
            return;
        }
        let tex = gdk::MemoryTexture::new(
            i32::from(c.width),
            i32::from(c.height),
            gdk::MemoryFormat::R8g8b8a8,
            &glib::Bytes::from(&c.rgba[..]),
            usize::from(c.width) * 4,
        );
        let cursor =
            gdk::Cursor::from_texture(&tex, i32::from(c.hotspot_x), i32::from(c.hotspot_y), None);
        obj.set_cursor(Some(&cursor));
    }

    pub(super) fn screenshot(&self) -> Option<gdk::Texture> {
        let session = self.session.borrow();
        let fb = session.as_ref()?.framebuffer();
        if fb.width() == 0 {
            return None;
        }
        let tex = gdk::MemoryTexture::new(
            i32::from(fb.width()),
            i32::from(fb.height()),
            gdk::MemoryFormat::B8g8r8a8Premultiplied,
            &glib::Bytes::from(fb.data()),
            fb.stride(),
        );
        Some(tex.upcast())
    }

    // ----- input -----

    fn on_key(&self, key: gdk::Key, code: u32, down: bool) -> glib::Propagation {
        let Some(sym) = crate::keys::keysym(key) else {
            return glib::Propagation::Proceed;
        };
        // The grab sequence (grab-keys, Control_L+Alt_L by default) toggles the grab when its
        // last key goes down.
        if down {
            let held: Vec<u32> = self.pressed.borrow().values().copied().collect();
            let seq = self.grab_syms.borrow().clone();
            if seq.contains(&sym) && seq.iter().all(|k| *k == sym || held.contains(k)) {
                self.set_grab(!self.grab_keyboard.get());
            }
        }
        if self.read_only.get() {
            return glib::Propagation::Stop;
        }
        if down {
            self.pressed.borrow_mut().insert(code, sym);
            self.key_event(sym, true);
        } else {
            // Release what the server saw pressed for this key, even if the keyval changed
            // (a modifier was released in between).
            let sym = self.pressed.borrow_mut().remove(&code).unwrap_or(sym);
            self.key_event(sym, false);
        }
        glib::Propagation::Stop
    }

    pub(super) fn key_event(&self, sym: u32, down: bool) {
        if self.read_only.get() {
            return;
        }
        self.with_session(|s| s.key_event(sym, down));
    }

    fn release_all_keys(&self) {
        let held: Vec<u32> = self.pressed.borrow_mut().drain().map(|(_, s)| s).collect();
        for sym in held {
            self.key_event(sym, false);
        }
    }

    fn release_all_keys_local(&self) {
        self.pressed.borrow_mut().clear();
        self.buttons.set(0);
    }

    fn to_framebuffer(&self, x: f64, y: f64) -> Option<(u16, u16)> {
        let l = self.layout()?;
        let (w, h) = self.tiles.borrow().as_ref()?.size();
        // GTK's widget coordinates carry float error from the transforms between surface and
        // widget (a pointer on pixel row 60 can arrive as 59.99998): nudge before flooring.
        const NUDGE: f64 = 1e-3;
        let fx = ((x - l.x) / l.sx + NUDGE)
            .floor()
            .clamp(0.0, f64::from(w.saturating_sub(1)));
        let fy = ((y - l.y) / l.sy + NUDGE)
            .floor()
            .clamp(0.0, f64::from(h.saturating_sub(1)));
        Some((fx as u16, fy as u16))
    }

    fn on_pointer(&self, x: f64, y: f64, button: Option<(u32, bool)>) {
        if self.read_only.get() {
            return;
        }
        if let Some((b, down)) = button {
            // GDK buttons 1-3 are left, middle, right: RFB bits 0-2.
            let bit = match b {
                1..=3 => 1u8 << (b - 1),
                8 => 1 << 7,
                _ => 0,
            };
            let m = self.buttons.get();
            self.buttons.set(if down { m | bit } else { m & !bit });
        }
        if let Some((fx, fy)) = self.to_framebuffer(x, y) {
            let mask = self.buttons.get();
            self.pointer_event(fx, fy, mask);
        }
    }

    pub(super) fn pointer_event(&self, x: u16, y: u16, mask: u8) {
        if self.read_only.get() {
            return;
        }
        self.with_session(|s| s.pointer_event(x, y, mask));
    }

    /// Turns scrolling (smooth or in steps) into clicks of buttons 4/5 (vertical) and 6/7
    /// (horizontal), one per whole step.
    fn on_scroll(&self, dx: f64, dy: f64) {
        if self.read_only.get() {
            return;
        }
        let (mut ax, mut ay) = self.scroll.get();
        ax += dx;
        ay += dy;
        let mut clicks = Vec::new();
        while ay <= -1.0 {
            clicks.push(1u8 << 3);
            ay += 1.0;
        }
        while ay >= 1.0 {
            clicks.push(1 << 4);
            ay -= 1.0;
        }
        while ax <= -1.0 {
            clicks.push(1 << 5);
            ax += 1.0;
        }
        while ax >= 1.0 {
            clicks.push(1 << 6);
            ax -= 1.0;
        }
        self.scroll.set((ax, ay));
        let Some(pos) = self.last_pointer() else {
            return;
        };
        let base = self.buttons.get();
        for bit in clicks {
            self.pointer_event(pos.0, pos.1, base | bit);
            self.pointer_event(pos.0, pos.1, base);
        }
    }

    fn last_pointer(&self) -> Option<(u16, u16)> {
        let obj = self.obj();
        let surface = obj.native()?.surface()?;
        let seat = obj.display().default_seat()?;
        let pointer = seat.pointer()?;
        let (sx, sy, _) = surface.device_position(&pointer)?;
        let (nx, ny) = obj.native()?.surface_transform();
        let p = obj.compute_point(&obj.native()?, &graphene::Point::new(0.0, 0.0))?;
        self.to_framebuffer(sx - nx - f64::from(p.x()), sy - ny - f64::from(p.y()))
    }

    fn on_local_clipboard(&self, cb: &gdk::Clipboard) {
        if self.read_only.get() {
            return;
        }
        let obj = self.obj();
        cb.read_text_async(
            gio::Cancellable::NONE,
            clone!(
                #[weak]
                obj,
                move |r| {
                    if let Ok(Some(text)) = r {
                        let this = obj.imp();
                        // What the server itself sent comes back here: do not echo it.
                        if this.last_server_text.borrow().as_deref() == Some(text.as_str()) {
                            return;
                        }
                        this.with_session(|s| s.client_cut_text(&text));
                    }
                }
            ),
        );
    }
}

fn depth_format(d: Depth) -> PixelFormatRequest {
    match d {
        Depth::Full => PixelFormatRequest::Full32,
        Depth::Medium => PixelFormatRequest::MEDIUM,
        Depth::Low => PixelFormatRequest::LOW,
    }
}
