//! Lossy compression (`Config::jpeg`, `Session::set_jpeg`): the exact SetEncodings the
//! session sends with it on and off, at initialisation and when switched on a running
//! session.

use crate::support::{connected, initialised};
use vnc_core::{Config, Encoding, Jpeg, PixelFormat, Session, Subsampling};

/// SetEncodings with these numbers.
fn set_encodings(numbers: &[i32]) -> Vec<u8> {
    let mut v = vec![2, 0];
    v.extend_from_slice(&(numbers.len() as u16).to_be_bytes());
    for n in numbers {
        v.extend_from_slice(&n.to_be_bytes());
    }
    v
}

/// A full (non-incremental) FramebufferUpdateRequest of a `w` x `h` desktop.
fn full_request(w: u16, h: u16) -> Vec<u8> {
    let mut v = vec![3, 0, 0, 0, 0, 0];
    v.extend_from_slice(&w.to_be_bytes());
    v.extend_from_slice(&h.to_be_bytes());
    v
}

/// What the session sends after ServerInit: SetPixelFormat (RGB888), SetEncodings, and the
/// first (full) request.
fn after_server_init(config: Config) -> Vec<u8> {
    let mut s = Session::new(config, std::time::Instant::now());
    s.feed(connected(4, 4).bytes()).unwrap();
    let out = s.take_output();
    // The client's handshake bytes: version (12), security type (1), ClientInit (1).
    out[14..].to_vec()
}

fn expected_after_init(numbers: &[i32]) -> Vec<u8> {
    let mut v = vec![0, 0, 0, 0];
    v.extend_from_slice(&PixelFormat::RGB888.to_bytes());
    v.extend(set_encodings(numbers));
    v.extend(full_request(4, 4));
    v
}

/// The default list, which starts with Tight.
fn tight_config() -> Config {
    let config = Config::default();
    assert_eq!(config.encodings[0], Encoding::Tight);
    config
}

/// The default list's numbers: 7 (Tight) first.
const TIGHT_AND_DEFAULT: [i32; 26] = [
    7,
    16,
    15,
    8,
    5,
    6,
    4,
    2,
    1,
    0,
    -223,
    -224,
    -314,
    -239,
    -240,
    -232,
    -307,
    -308,
    -258,
    -261,
    -309,
    -257,
    -259,
    -313,
    -312,
    0xC0A1_E5CEu32 as i32,
];

#[test]
fn lossless_by_default() {
    assert_eq!(Config::default().jpeg, None);
    assert_eq!(
        after_server_init(Config::default()),
        expected_after_init(&TIGHT_AND_DEFAULT),
        "the default list (Tight without a quality level) and no JPEG pseudo-encoding"
    );
}

#[test]
fn lossy_announces_the_quality_level_after_the_encodings() {
    let mut config = tight_config();
    config.jpeg = Some(Jpeg::new(8).unwrap());
    let mut want = TIGHT_AND_DEFAULT.to_vec();
    want.push(-24);
    assert_eq!(after_server_init(config), expected_after_init(&want));
}

#[test]
fn lossy_with_fine_quality_and_subsampling() {
    let mut config = tight_config();
    config.jpeg = Some(
        Jpeg::new(3)
            .unwrap()
            .with_fine_quality(95)
            .unwrap()
            .with_subsampling(Subsampling::Gray),
    );
    let mut want = TIGHT_AND_DEFAULT.to_vec();
    // QualityLevel3, FineQualityLevel95 (-512 + 95), SubsampGray.
    want.extend([-29, -417, -765]);
    assert_eq!(after_server_init(config), expected_after_init(&want));
}

#[test]
fn lossy_without_tight_still_announces_but_changes_nothing_else() {
    // Documented: nothing lossy can happen without Tight; the numbers still go out (a
    // server ignores pseudo-encodings it has no use for).
    let mut config = Config::default();
    config.encodings.retain(|&e| e != Encoding::Tight);
    config.jpeg = Some(Jpeg::new(5).unwrap());
    let mut want = TIGHT_AND_DEFAULT[1..].to_vec();
    want.push(-27);
    assert_eq!(after_server_init(config), expected_after_init(&want));
}

#[test]
fn switching_at_run_time_resends_set_encodings_and_asks_for_everything() {
    let mut s = initialised(tight_config(), 8, 6);
    let q7 = Jpeg::new(7).unwrap();

    s.set_jpeg(Some(q7));
    let mut want = TIGHT_AND_DEFAULT.to_vec();
    want.push(-25);
    let mut bytes = set_encodings(&want);
    bytes.extend(full_request(8, 6));
    assert_eq!(s.take_output(), bytes, "lossy on");

    s.set_jpeg(Some(q7));
    assert!(
        s.take_output().is_empty(),
        "the same setting again sends nothing"
    );

    let fine = q7
        .with_fine_quality(10)
        .unwrap()
        .with_subsampling(Subsampling::Quarter);
    s.set_jpeg(Some(fine));
    want.extend([-502, -767]);
    let mut bytes = set_encodings(&want);
    bytes.extend(full_request(8, 6));
    assert_eq!(s.take_output(), bytes, "fine quality and subsampling added");

    // A new encoding list keeps the lossy setting.
    s.set_encodings(&[Encoding::Tight, Encoding::Raw]);
    assert_eq!(
        s.take_output(),
        set_encodings(&[7, 0, -25, -502, -767]),
        "set_encodings keeps the JPEG pseudo-encodings"
    );

    s.set_jpeg(None);
    let mut bytes = set_encodings(&[7, 0]);
    bytes.extend(full_request(8, 6));
    assert_eq!(
        s.take_output(),
        bytes,
        "lossless again: no JPEG pseudo-encoding, and a full update to make every pixel exact"
    );
    assert_eq!(s.config().jpeg, None);
}

#[test]
fn a_setting_given_before_initialisation_is_sent_with_the_first_set_encodings() {
    let mut s = Session::new(tight_config(), std::time::Instant::now());
    s.set_jpeg(Some(Jpeg::new(9).unwrap()));
    assert!(
        s.take_output().is_empty(),
        "nothing before the server speaks"
    );
    s.feed(connected(4, 4).bytes()).unwrap();
    let mut want = TIGHT_AND_DEFAULT.to_vec();
    want.push(-23);
    assert_eq!(s.take_output()[14..], expected_after_init(&want));
}
