//! The widget's own pixel memory with GTK's cairo renderer, against a real Xvnc on an Xvfb
//! of its own: one copy of the desktop beside the engine's framebuffer, in memory textures.
//! One test function: GTK lives on the thread that initialised it.

use vnc_tests::widget_memory::{Copy, holds_one_copy};

#[test]
fn with_cairo_the_widget_holds_one_copy_in_memory() {
    holds_one_copy("cairo", "GskCairoRenderer", Copy::InMemory);
}
