//! Lossy compression against TigerVNC's Xvnc: the server honours TurboVNC's chroma
//! subsampling and fine quality pseudo-encodings as `Config::jpeg` announces them, and
//! `Session::set_jpeg` switches a running session between lossless and JPEG.

use std::time::Duration;

use vnc_core::tokio::{ConnectOptions, Connection};
use vnc_core::{Address, Config, Encoding, Event, Jpeg};
use vnc_tests::{Rgb, XServer, XvncOptions, assert_same, capture, psnr};

fn addr(s: &XServer) -> String {
    format!("127.0.0.1::{}", s.port)
}

/// Of the pixels of the scene's top third (a colour gradient; JPEG's ground) that are not
/// grey on the true screen, the share that are grey (R = G = B) in `got`.
fn grey_share(got: &Rgb, truth: &Rgb) -> f64 {
    let (mut coloured, mut grey) = (0u32, 0u32);
    for y in 0..truth.height / 3 {
        for x in 0..truth.width {
            let [r, g, b] = truth.get(x, y);
            if r == g && g == b {
                continue;
            }
            coloured += 1;
            let [r, g, b] = got.get(x, y);
            if r == g && g == b {
                grey += 1;
            }
        }
    }
    assert!(coloured > 1000, "the scene has too little colour");
    f64::from(grey) / f64::from(coloured)
}

/// The scene's top third: a colour gradient.
fn top_third(img: &Rgb) -> Rgb {
    let height = img.height / 3;
    Rgb {
        width: img.width,
        height,
        data: img.data[..(img.width * height * 3) as usize].to_vec(),
    }
}

#[test]
fn gray_subsampling_makes_the_jpeg_areas_grey() {
    let s = XServer::xvnc(XvncOptions::default());
    let truth = s.settle();
    // vnccapture keeps the first whole frame, which Xvnc sends as JPEG (its lossless refresh
    // of lossy areas comes later).
    let gray = capture(&addr(&s), &["--quality", "8", "--subsampling", "gray"], &[]);
    let lossless = capture(&addr(&s), &["--encodings", "tight"], &[]);
    assert_same(&lossless, &truth, "Tight without JPEG");
    let with_gray = grey_share(&gray, &truth);
    let without = grey_share(&lossless, &truth);
    println!(
        "grey share of the coloured gradient: {:.1}% with gray subsampling, {:.1}% lossless",
        with_gray * 100.0,
        without * 100.0
    );
    assert!(
        with_gray >= 0.95 && without == 0.0,
        "gray subsampling left colour: {:.1}% of the gradient's coloured pixels are grey \
         (lossless: {:.1}%); Xvnc did not honour the subsampling pseudo-encoding -765",
        with_gray * 100.0,
        without * 100.0
    );
}

#[test]
fn fine_quality_95_is_closer_to_the_screen_than_fine_quality_10() {
    let s = XServer::xvnc(XvncOptions::default());
    let truth = s.settle();
    let mut db = Vec::new();
    for q in ["95", "10"] {
        // The same quality level for both: only the fine quality differs.
        let got = capture(&addr(&s), &["--quality", "5", "--fine-quality", q], &[]);
        assert_ne!(got, truth, "fine quality {q}: no JPEG was sent");
        // Over the whole screen, and over the gradient alone (the noise band below it is
        // poor at any quality and narrows the gap).
        db.push((
            psnr(&got, &truth),
            psnr(&top_third(&got), &top_third(&truth)),
        ));
    }
    let [(high, high_gradient), (low, low_gradient)] = db[..] else {
        unreachable!()
    };
    println!(
        "Xvnc JPEG PSNR, screen (gradient): fine quality 95 {high:.2} dB ({high_gradient:.2} dB), \
         fine quality 10 {low:.2} dB ({low_gradient:.2} dB)"
    );
    assert!(
        high > low + 2.0 && high_gradient > low_gradient + 5.0,
        "fine quality 95 gives {high:.2} dB ({high_gradient:.2} dB on the gradient) and fine \
         quality 10 {low:.2} dB ({low_gradient:.2} dB) against the screen: Xvnc did not honour \
         the fine quality pseudo-encoding"
    );
}

/// Waits (at most 30 s) for the end of an update after which `done` holds for the
/// framebuffer.
async fn until(conn: &mut Connection, what: &str, mut done: impl FnMut(&Rgb) -> bool) -> Rgb {
    let r = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            if conn.next_event().await.unwrap().unwrap() == Event::FramebufferUpdateEnd {
                let fb = Rgb::from_framebuffer(conn.session().framebuffer());
                if done(&fb) {
                    return fb;
                }
            }
        }
    })
    .await;
    r.unwrap_or_else(|_| panic!("{what} within 30 s"))
}

#[test]
fn switching_to_jpeg_and_back_on_a_running_session() {
    let s = XServer::xvnc(XvncOptions::default());
    let truth = s.settle();
    let mut config = Config::default();
    config.encodings.insert(0, Encoding::Tight);
    vnc_tests::runtime().block_on(async {
        let address: Address = addr(&s).parse().unwrap();
        let mut conn = Connection::connect(&address, config, &ConnectOptions::default())
            .await
            .unwrap();
        until(&mut conn, "no exact lossless picture", |fb| *fb == truth).await;
        // Lossy on: the full update the session asks for comes as JPEG. Nothing on the
        // screen changes, so without that request the server would send nothing.
        conn.session_mut().set_jpeg(Some(Jpeg::new(2).unwrap()));
        let lossy = until(&mut conn, "no JPEG picture after switching on", |fb| {
            *fb != truth
        })
        .await;
        // The scene's noise band costs JPEG much; the picture is still the screen's.
        let db = psnr(&lossy, &truth);
        println!("after switching to JPEG quality 2: PSNR {db:.2} dB");
        assert!(db > 15.0, "the JPEG picture is {db:.2} dB from the screen");
        // Lossless again: exact once more.
        conn.session_mut().set_jpeg(None);
        until(&mut conn, "no exact picture after switching off", |fb| {
            *fb == truth
        })
        .await;
    });
}
