//! vncviewer sizes its window to the remote desktop, as a person sees it on the local screen:
//! the desktop drawn one remote pixel per device pixel, byte for byte the server's true screen,
//! when the screen has room for it (at scale 1 and at scale 2); scaled down whole into a window
//! that fits a screen too small for it; and still 1:1 after the server resizes its desktop.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use vnc_tests::gtk_support::{gtk_program, xdotool_value};
use vnc_tests::{
    Rgb, TempDir, XServer, XvncOptions, find_exact, letterboxed, process, scene_ppm, wait_for,
    workspace_bin,
};

/// The viewer process, killed with the test.
struct Viewer(Child);

impl Viewer {
    fn start(local: &XServer, server: &XServer, env: &[(&str, &str)]) -> Viewer {
        let mut cmd = Command::new(workspace_bin("vncviewer"));
        cmd.arg(format!("127.0.0.1::{}", server.port));
        gtk_program(&mut cmd, &local.display);
        cmd.env_remove("GDK_SCALE")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        Viewer(process::spawn(cmd).expect("start vncviewer"))
    }
}

impl Drop for Viewer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits until the local screen shows `truth` at 1:1, with nothing of the display's black
/// background around it (the display's area is exactly the desktop's size); returns where.
fn wait_for_one_to_one(local: &XServer, truth: &Rgb, what: &str) -> (u32, u32) {
    let mut at = None;
    let mut last = LastScreen::new(what);
    wait_for(what, Duration::from_secs(30), || {
        let shot = last.take(local);
        at = find_exact(shot, truth);
        at.is_some_and(|p| !letterboxed(shot, truth, p))
    });
    at.unwrap()
}

/// The last screen a wait looked at, saved as a PNG for a person to look at if the wait fails.
struct LastScreen(String, Option<Rgb>);

impl LastScreen {
    fn new(what: &str) -> LastScreen {
        LastScreen(what.to_owned(), None)
    }

    fn take(&mut self, local: &XServer) -> &Rgb {
        self.1.insert(local.screen())
    }
}

impl Drop for LastScreen {
    fn drop(&mut self) {
        let Some(img) = self.1.as_ref().filter(|_| std::thread::panicking()) else {
            return;
        };
        let name: String = self
            .0
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '-' })
            .collect();
        let path = std::env::temp_dir().join(format!("vncviewer-size-{name}.png"));
        img.save_png(&path);
        eprintln!("the last screen looked at: {}", path.display());
    }
}

/// The viewer's top-level window on `local`: x, y, width, height; `None` while it is not
/// shown. (No `xdotool search --sync`: it would wait past any limit for a viewer that died.)
fn window_geometry(local: &XServer) -> Option<(i32, i32, i32, i32)> {
    let xdotool = |args: &[&str]| {
        let mut cmd = Command::new("xdotool");
        cmd.args(args).env("DISPLAY", &local.display);
        let out = process::output(cmd).expect("run xdotool");
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let found = xdotool(&["search", "--onlyvisible", "--name", "vncviewer"])?;
    let geo = xdotool(&["getwindowgeometry", "--shell", found.lines().next()?])?;
    let get = |k| xdotool_value(&geo, k);
    Some((get("X")?, get("Y")?, get("WIDTH")?, get("HEIGHT")?))
}

/// Marks in the desktop's corners, clockwise from the top left: colours found nowhere else
/// on the screen.
const MARKS: [[u8; 3]; 4] = [[255, 0, 255], [255, 255, 0], [0, 255, 0], [0, 255, 255]];
const MARK: u32 = 48;

/// An Xvnc of `geometry` showing the test scene with `MARKS` in its corners.
fn xvnc_marked(geometry: &'static str) -> XServer {
    vnc_tests::require("xdotool", "xdotool");
    let server = XServer::xvnc(XvncOptions {
        geometry: Some(geometry),
        ..Default::default()
    });
    let (w, h) = server.size();
    let mut ppm = scene_ppm(w, h);
    let pixels = ppm.len() - (w * h * 3) as usize;
    for (i, mark) in MARKS.iter().enumerate() {
        let x0 = if i == 1 || i == 2 { w - MARK } else { 0 };
        let y0 = if i >= 2 { h - MARK } else { 0 };
        for y in y0..y0 + MARK {
            for x in x0..x0 + MARK {
                let at = pixels + ((y * w + x) * 3) as usize;
                ppm[at..at + 3].copy_from_slice(mark);
            }
        }
    }
    let dir = TempDir::new("marks");
    let file = dir.path().join("scene.ppm");
    std::fs::write(&file, ppm).unwrap();
    // `display -window root` sets the root background and exits (non-zero, by design).
    let mut cmd = Command::new("display");
    cmd.args(["-window", "root"])
        .arg(&file)
        .env("DISPLAY", &server.display);
    let _ = process::output(cmd);
    server.settle();
    server
}

/// The smallest rectangle holding every pixel of `colour` in `img`: x, y, width, height.
fn bounds_of(img: &Rgb, colour: [u8; 3]) -> Option<(u32, u32, u32, u32)> {
    let mut b: Option<(u32, u32, u32, u32)> = None;
    for y in 0..img.height {
        for x in 0..img.width {
            if img.get(x, y) == colour {
                b = Some(match b {
                    None => (x, y, x, y),
                    Some((x0, y0, x1, y1)) => (x0.min(x), y0.min(y), x1.max(x), y1.max(y)),
                });
            }
        }
    }
    b.map(|(x0, y0, x1, y1)| (x0, y0, x1 - x0 + 1, y1 - y0 + 1))
}

#[test]
fn desktop_is_shown_one_to_one_when_the_screen_has_room() {
    let server = xvnc_marked("1024x768");
    let truth = server.settle();
    let local = XServer::xvfb("1600x1200");
    let _viewer = Viewer::start(&local, &server, &[]);
    wait_for_one_to_one(&local, &truth, "the desktop at 1:1 on a 1600x1200 screen");
}

/// At scale 2 the desktop takes half its size in logical pixels (see gtk_hidpi.rs).
#[test]
fn desktop_is_shown_one_device_pixel_per_remote_pixel_at_scale_2() {
    let server = xvnc_marked("1024x768");
    let truth = server.settle();
    // 800x600 logical pixels: room for the 512x384 the desktop takes.
    let local = XServer::xvfb("1600x1200");
    let _viewer = Viewer::start(&local, &server, &[("GDK_SCALE", "2")]);
    wait_for_one_to_one(&local, &truth, "the desktop at 1:1 on a screen at scale 2");
}

#[test]
fn window_follows_a_desktop_resize_at_one_to_one() {
    let server = xvnc_marked("1024x768");
    let truth = server.settle();
    let local = XServer::xvfb("1600x1200");
    let _viewer = Viewer::start(&local, &server, &[]);
    wait_for_one_to_one(&local, &truth, "the desktop at 1:1 before the resize");
    server.run("xrandr", &["-s", "800x600"]);
    let smaller = server.settle();
    assert_eq!((smaller.width, smaller.height), (800, 600));
    wait_for_one_to_one(&local, &smaller, "the resized desktop at 1:1");
    server.run("xrandr", &["-s", "1024x768"]);
    let larger = server.settle();
    wait_for_one_to_one(&local, &larger, "the desktop at 1:1 after growing back");
}

#[test]
fn desktop_is_scaled_into_a_screen_too_small_for_it() {
    let server = xvnc_marked("1024x768");
    server.settle();
    let local = XServer::xvfb("800x600");
    let _viewer = Viewer::start(&local, &server, &[]);
    // The four corner marks, each scaled but still a block of its own colour, together
    // span the whole desktop.
    let mut span = None;
    let mut last = LastScreen::new("scaled");
    wait_for(
        "the whole desktop, scaled, in a window on the screen",
        Duration::from_secs(30),
        || {
            let shot = last.take(&local);
            let Some((x, y, w, h)) = window_geometry(&local) else {
                return false;
            };
            // On the screen, and as large as it can be: as high as the screen, here, since
            // the header bar makes the room wider than 4:3.
            let on_screen = x >= 0 && y >= 0 && x + w <= 800 && y + h <= 600;
            let largest = h == 600;
            let marks: Vec<_> = MARKS.iter().filter_map(|&m| bounds_of(shot, m)).collect();
            span = (marks.len() == 4).then(|| {
                let (left, top) = (marks[0].0, marks[0].1);
                let right = marks[1].0 + marks[1].2;
                let bottom = marks[2].1 + marks[2].3;
                (left, top, right - left, bottom - top)
            });
            on_screen && largest && span.is_some()
        },
    );
    let (x, y, w, h) = span.unwrap();
    assert!(
        x + w <= 800 && y + h <= 600 && w < 1024 && h < 768,
        "the desktop drawn at {w}x{h}+{x}+{y}"
    );
    // Scaled the same across as down: 4:3, to the pixel.
    assert!(
        (f64::from(w) / f64::from(h) - 4.0 / 3.0).abs() < 4.0 / f64::from(h),
        "the desktop drawn at {w}x{h}: not 4:3"
    );
}
