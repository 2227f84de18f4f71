#include "app/renderer.hpp"

#include <GLES3/gl3.h>
#include <emscripten/em_asm.h>
#include <imgui.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "ui/font_cache.hpp"

namespace kt::app {

namespace {

struct Renderer {
  GLuint program = 0, vs = 0, fs = 0;
  bool linked = false;
  GLint loc_tex = -1, loc_proj = -1;
  GLuint vao = 0, vbo = 0, ebo = 0;
  GLuint font_texture = 0;
  GLsizeiptr vbo_size = 0, ebo_size = 0;
  // What the last drawn frame was made of (see FrameKey), and whether the canvas still shows it.
  std::vector<unsigned char> last;
  bool last_valid = false;
};
Renderer g;

// memcmp(a, b, n) == 0, eight bytes at a time: the C library's memcmp compares byte by byte in WebAssembly,
// ~0.1 ms for a frame's 150 KB.
bool equal(const void* a, const void* b, size_t n) {
  const unsigned char* x = static_cast<const unsigned char*>(a);
  const unsigned char* y = static_cast<const unsigned char*>(b);
  for (; n >= 8; n -= 8, x += 8, y += 8) {
    std::uint64_t u, v;
    std::memcpy(&u, x, 8);
    std::memcpy(&v, y, 8);
    if (u != v) return false;
  }
  return std::memcmp(x, y, n) == 0;
}

// The bytes that decide what a frame looks like: the framebuffer size, the clear colour, the projection,
// and each draw list's vertices, indices and commands (clip rectangle, texture, offsets, count). Fed
// piece by piece in one pass: compared with the last frame's while they match (no copy), recorded over
// them from the first difference on.
class FrameKey {
 public:
  // `valid`: whether `last` holds a frame to compare with.
  FrameKey(std::vector<unsigned char>& last, bool valid) : last_(last), same_(valid) {
    if (!valid) last_.clear();
  }
  void bytes(const void* p, size_t n) {
    const unsigned char* b = static_cast<const unsigned char*>(p);
    if (same_) {
      if (pos_ + n <= last_.size() && equal(last_.data() + pos_, b, n)) {
        pos_ += n;
        return;
      }
      same_ = false;
      last_.resize(pos_);
    }
    last_.insert(last_.end(), b, b + n);
  }
  template <typename T>
  void value(const T& v) {
    bytes(&v, sizeof v);
  }
  // Whether the frame fed is the last one; either way, `last` now holds the frame fed.
  bool finish() {
    if (same_ && pos_ == last_.size()) return true;
    if (same_) last_.resize(pos_);
    same_ = false;
    return false;
  }

 private:
  std::vector<unsigned char>& last_;
  bool same_;
  size_t pos_ = 0;
};

// Returns false when the frame cannot be compared (a user callback draws something of its own).
bool feed(FrameKey& k, const ImDrawData* data, int fb_width, int fb_height, unsigned int clear) {
  k.value(fb_width);
  k.value(fb_height);
  k.value(clear);
  k.value(data->DisplayPos);
  k.value(data->DisplaySize);
  k.value(data->FramebufferScale);
  k.value(data->CmdListsCount);
  for (int n = 0; n < data->CmdListsCount; n++) {
    const ImDrawList* list = data->CmdLists[n];
    k.value(list->VtxBuffer.Size);
    k.value(list->IdxBuffer.Size);
    k.value(list->CmdBuffer.Size);
    k.bytes(list->VtxBuffer.Data, static_cast<size_t>(list->VtxBuffer.Size) * sizeof(ImDrawVert));
    k.bytes(list->IdxBuffer.Data, static_cast<size_t>(list->IdxBuffer.Size) * sizeof(ImDrawIdx));
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      if (cmd.UserCallback && cmd.UserCallback != ImDrawCallback_ResetRenderState) return false;
      k.value(cmd.ClipRect);
      k.value(cmd.TextureId);
      k.value(cmd.VtxOffset);
      k.value(cmd.IdxOffset);
      k.value(cmd.ElemCount);
      k.value(cmd.UserCallback != nullptr);
    }
  }
  return true;
}

const char* kVertexShader = R"(#version 300 es
precision highp float;
layout (location = 0) in vec2 Position;
layout (location = 1) in vec2 UV;
layout (location = 2) in vec4 Color;
uniform mat4 ProjMtx;
out vec2 Frag_UV;
out vec4 Frag_Color;
void main() {
  Frag_UV = UV;
  Frag_Color = Color;
  gl_Position = ProjMtx * vec4(Position.xy, 0, 1);
}
)";

const char* kFragmentShader = R"(#version 300 es
precision mediump float;
uniform sampler2D Texture;
in vec2 Frag_UV;
in vec4 Frag_Color;
layout (location = 0) out vec4 Out_Color;
void main() {
  // The only texture is the font atlas, one byte of coverage per pixel (renderer_fonts_changed).
  Out_Color = vec4(Frag_Color.rgb, Frag_Color.a * texture(Texture, Frag_UV.st).r);
}
)";

GLuint compile(GLenum type, const char* source) {
  GLuint s = glCreateShader(type);
  glShaderSource(s, 1, &source, nullptr);
  glCompileShader(s);
  return s;
}

// Reports why a shader did not compile (called only once linking failed).
void report_shader(GLuint s, const char* what) {
  GLint ok = 0;
  glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
  if (ok) return;
  char log[512] = {0};
  glGetShaderInfoLog(s, sizeof log, nullptr, log);
  std::fprintf(stderr, "renderer: %s shader: %s\n", what, log);
}

// The first draw checks the program that renderer_init started: asking for a compile or link status waits
// for the GPU process to finish compiling (~30 ms with a software rasteriser), and by the first frame it has
// done so while the app started. False when it does not link.
bool program_ready() {
  if (g.linked) return true;
  GLint ok = 0;
  glGetProgramiv(g.program, GL_LINK_STATUS, &ok);
  if (!ok) {
    report_shader(g.vs, "vertex");
    report_shader(g.fs, "fragment");
    std::fprintf(stderr, "renderer: the shader program does not link\n");
    EM_ASM({ if (Module.ktFatal) Module.ktFatal("WebGL2"); });
    glDeleteProgram(g.program);
    g.program = 0;
  } else {
    g.loc_tex = glGetUniformLocation(g.program, "Texture");
    g.loc_proj = glGetUniformLocation(g.program, "ProjMtx");
    g.linked = true;
  }
  glDeleteShader(g.vs);
  glDeleteShader(g.fs);
  g.vs = g.fs = 0;
  return g.linked;
}

}  // namespace

bool renderer_init(const char* saved_atlas) {
  ImGuiIO& io = ImGui::GetIO();
  io.BackendRendererName = "kartoteka_webgl2";
  // Compiled and linked in the GPU process while the app starts; checked at the first draw.
  g.vs = compile(GL_VERTEX_SHADER, kVertexShader);
  g.fs = compile(GL_FRAGMENT_SHADER, kFragmentShader);
  g.program = glCreateProgram();
  glAttachShader(g.program, g.vs);
  glAttachShader(g.program, g.fs);
  glLinkProgram(g.program);

  // The vertex layout lives in one vertex array object, set up once.
  glGenVertexArrays(1, &g.vao);
  glGenBuffers(1, &g.vbo);
  glGenBuffers(1, &g.ebo);
  glBindVertexArray(g.vao);
  glBindBuffer(GL_ARRAY_BUFFER, g.vbo);
  glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, g.ebo);
  glEnableVertexAttribArray(0);
  glEnableVertexAttribArray(1);
  glEnableVertexAttribArray(2);
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, sizeof(ImDrawVert),
                        reinterpret_cast<const void*>(IM_OFFSETOF(ImDrawVert, pos)));
  glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, sizeof(ImDrawVert),
                        reinterpret_cast<const void*>(IM_OFFSETOF(ImDrawVert, uv)));
  glVertexAttribPointer(2, 4, GL_UNSIGNED_BYTE, GL_TRUE, sizeof(ImDrawVert),
                        reinterpret_cast<const void*>(IM_OFFSETOF(ImDrawVert, col)));
  glBindVertexArray(0);

  // The state ImGui's drawing needs never changes between frames: set it once.
  glEnable(GL_BLEND);
  glBlendEquation(GL_FUNC_ADD);
  glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  glDisable(GL_CULL_FACE);
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_STENCIL_TEST);
  glActiveTexture(GL_TEXTURE0);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  renderer_fonts_changed(saved_atlas);
  // Sends the commands so far to the GPU process now, so that it compiles the shaders and takes the font
  // texture while the app starts, not when the first frame asks for the link status (~30 ms).
  glFlush();
  return true;
}

// The first w×h bytes of the file at `path` (in the page's file system: a typed array) as the bound
// texture's coverage; 0 when the file is not there or shorter.
EM_JS(int, kt_js_tex_from_file, (const char* path, int w, int h), {
  try {
    var node = FS.lookupPath(UTF8ToString(path)).node;
    var n = w * h, c = node.contents;
    if (!c || node.usedBytes < n) return 0;
    if (!(c instanceof Uint8Array)) c = new Uint8Array(c);
    GLctx.texImage2D(GLctx.TEXTURE_2D, 0, GLctx.R8, w, h, 0, GLctx.RED, GLctx.UNSIGNED_BYTE, c.subarray(0, n));
    return 1;
  } catch (e) {
    return 0;
  }
});

void renderer_fonts_changed(const char* saved_atlas) {
  ImGuiIO& io = ImGui::GetIO();
  unsigned char* pixels = nullptr;
  int width = 0, height = 0;
  // Coverage only (one byte per pixel, the shader makes it the alpha of white): the RGBA atlas ImGui can
  // make is four times the bytes to convert and upload (a phone's DPR 3 atlas: ~90 ms of its throttled start).
  io.Fonts->GetTexDataAsAlpha8(&pixels, &width, &height);
  if (g.font_texture) glDeleteTextures(1, &g.font_texture);
  glGenTextures(1, &g.font_texture);
  glBindTexture(GL_TEXTURE_2D, g.font_texture);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  if (!pixels && !(saved_atlas && kt_js_tex_from_file(saved_atlas, width, height))) {
    kt::ui::restore_atlas_on_build(io.Fonts);  // nothing to take: rasterised
    io.Fonts->GetTexDataAsAlpha8(&pixels, &width, &height);
  }
  if (pixels) glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, width, height, 0, GL_RED, GL_UNSIGNED_BYTE, pixels);
  io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(g.font_texture)));
  g.last_valid = false;  // the same texture name may now hold other glyphs
}

void renderer_canvas_reset() { g.last_valid = false; }

bool renderer_draw(const ImDrawData* data, int fb_width, int fb_height, unsigned int clear) {
  if (!data || fb_width <= 0 || fb_height <= 0 || !g.program || !program_ready()) return false;
  // The same picture as the canvas shows: nothing to send. Frames drawn after an input event to let the
  // UI settle (app/idle.hpp) are mostly such repeats.
  FrameKey key(g.last, g.last_valid);
  const bool comparable = feed(key, data, fb_width, fb_height, clear);
  if (key.finish() && comparable) return false;
  g.last_valid = comparable;

  glClearColor(((clear >> IM_COL32_R_SHIFT) & 0xFF) / 255.f, ((clear >> IM_COL32_G_SHIFT) & 0xFF) / 255.f,
               ((clear >> IM_COL32_B_SHIFT) & 0xFF) / 255.f, 1.f);
  glClear(GL_COLOR_BUFFER_BIT);
  glViewport(0, 0, fb_width, fb_height);
  glEnable(GL_SCISSOR_TEST);
  glUseProgram(g.program);
  const float l = data->DisplayPos.x, r = data->DisplayPos.x + data->DisplaySize.x;
  const float t = data->DisplayPos.y, b = data->DisplayPos.y + data->DisplaySize.y;
  const float proj[4][4] = {
      {2.0f / (r - l), 0.0f, 0.0f, 0.0f},
      {0.0f, 2.0f / (t - b), 0.0f, 0.0f},
      {0.0f, 0.0f, -1.0f, 0.0f},
      {(r + l) / (l - r), (t + b) / (b - t), 0.0f, 1.0f},
  };
  glUniform1i(g.loc_tex, 0);
  glUniformMatrix4fv(g.loc_proj, 1, GL_FALSE, &proj[0][0]);
  glBindVertexArray(g.vao);
  glBindBuffer(GL_ARRAY_BUFFER, g.vbo);

  const ImVec2 clip_off = data->DisplayPos;
  const ImVec2 clip_scale = data->FramebufferScale;
  GLuint bound_texture = 0;
  for (int n = 0; n < data->CmdListsCount; n++) {
    const ImDrawList* list = data->CmdLists[n];
    // Buffers grow and are then updated in place (no reallocation per frame).
    const GLsizeiptr vsize = static_cast<GLsizeiptr>(list->VtxBuffer.Size) * sizeof(ImDrawVert);
    const GLsizeiptr isize = static_cast<GLsizeiptr>(list->IdxBuffer.Size) * sizeof(ImDrawIdx);
    if (vsize > g.vbo_size) {
      g.vbo_size = vsize + vsize / 2;
      glBufferData(GL_ARRAY_BUFFER, g.vbo_size, nullptr, GL_STREAM_DRAW);
    }
    if (isize > g.ebo_size) {
      g.ebo_size = isize + isize / 2;
      glBufferData(GL_ELEMENT_ARRAY_BUFFER, g.ebo_size, nullptr, GL_STREAM_DRAW);
    }
    glBufferSubData(GL_ARRAY_BUFFER, 0, vsize, list->VtxBuffer.Data);
    glBufferSubData(GL_ELEMENT_ARRAY_BUFFER, 0, isize, list->IdxBuffer.Data);
    for (int i = 0; i < list->CmdBuffer.Size; i++) {
      const ImDrawCmd* cmd = &list->CmdBuffer[i];
      if (cmd->UserCallback) {
        if (cmd->UserCallback != ImDrawCallback_ResetRenderState) cmd->UserCallback(list, cmd);
        continue;
      }
      const ImVec2 clip_min((cmd->ClipRect.x - clip_off.x) * clip_scale.x, (cmd->ClipRect.y - clip_off.y) * clip_scale.y);
      const ImVec2 clip_max((cmd->ClipRect.z - clip_off.x) * clip_scale.x, (cmd->ClipRect.w - clip_off.y) * clip_scale.y);
      if (clip_max.x <= clip_min.x || clip_max.y <= clip_min.y) continue;
      glScissor(static_cast<int>(clip_min.x), static_cast<int>(fb_height - clip_max.y),
                static_cast<int>(clip_max.x - clip_min.x), static_cast<int>(clip_max.y - clip_min.y));
      const GLuint tex = static_cast<GLuint>(reinterpret_cast<std::intptr_t>(cmd->GetTexID()));
      if (tex != bound_texture) {
        glBindTexture(GL_TEXTURE_2D, tex);
        bound_texture = tex;
      }
      glDrawElements(GL_TRIANGLES, static_cast<GLsizei>(cmd->ElemCount),
                     sizeof(ImDrawIdx) == 2 ? GL_UNSIGNED_SHORT : GL_UNSIGNED_INT,
                     reinterpret_cast<const void*>(static_cast<std::intptr_t>(cmd->IdxOffset * sizeof(ImDrawIdx))));
    }
  }
  glDisable(GL_SCISSOR_TEST);  // so that the next frame's clear covers the whole canvas
  return true;
}

}  // namespace kt::app
