//! The widget's own pixel memory with GTK's GL renderer (Mesa's llvmpipe on Xvfb), against a
//! real Xvnc: the tiles' memory textures share the engine's framebuffer, and the renderer
//! keeps one upload of each: one copy of the desktop beside the framebuffer, on the GPU.
//! One test function: GTK lives on the thread that initialised it.

use vnc_tests::widget_memory::{Copy, holds_one_copy};

#[test]
fn with_gl_the_widget_holds_one_upload_on_the_gpu() {
    holds_one_copy("gl", "GskGLRenderer", Copy::OnGpu);
}
