//! The widget's own pixel memory with GTK's cairo renderer, against a real Xvnc on an Xvfb
//! of its own: the tiles' memory textures share the engine's framebuffer, no copy beside it.
//! One test function: GTK lives on the thread that initialised it.

use vnc_tests::widget_memory::{Copy, holds_one_copy};

#[test]
fn with_cairo_the_widget_holds_no_copy() {
    holds_one_copy("cairo", "GskCairoRenderer", Copy::None);
}
