//! The widget's own pixel memory with GTK's GL renderer (Mesa's llvmpipe on Xvfb), against a
//! real Xvnc: one copy of the desktop beside the engine's framebuffer, as GL textures, none
//! in memory textures (GTK's GL renderer would keep its own upload of each beside them).
//! One test function: GTK lives on the thread that initialised it.

use vnc_tests::widget_memory::{Copy, holds_one_copy};

#[test]
fn with_gl_the_widget_holds_one_copy_as_gl_textures() {
    holds_one_copy("gl", "GskGLRenderer", Copy::OnGpu);
}
