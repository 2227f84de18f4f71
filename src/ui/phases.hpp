#pragma once
// Where a slow frame's time went, in a build configured with -DKT_PHASES=ON (bench/profile.mjs --console
// prints the page's console): marks along the frame, each naming the work since the mark before; a frame
// over the threshold prints the time per name (summed over the frame: a loop's marks add up) and its
// counters on stderr. Without the option every call is an empty inline function.
namespace kt::ui::phase {
#ifdef KT_PHASES
void begin_frame();
void mark(const char* name);               // the time since the previous mark is `name`'s
void count(const char* name, int n = 1);   // a counter of the frame (rows drawn, rows skipped)
void end_frame(double slow_ms, bool drawn);  // prints the frame when it took at least slow_ms
#else
inline void begin_frame() {}
inline void mark(const char*) {}
inline void count(const char*, int = 1) {}
inline void end_frame(double, bool) {}
#endif
}  // namespace kt::ui::phase
