// Package imaging turns an untrusted upload (a personal photo or a scanned document) into a
// small, clean sRGB JPEG that is safe to store and serve.
//
// libvips is C code that aborts the whole process on some inputs (a failed assertion on a
// 1600×4 PNG, for one) and can crash or run away on others, so the server never runs it in
// its own process. A Supervisor runs each job in a worker process of the same binary
// (started as "sitepro imaging-worker", found through RunWorkerIfChild), one job at a time
// per worker, a few workers at most, each under a memory limit; a worker that crashes or
// overruns its time is killed, the job is answered "图片无法处理，请换一张", and the next job
// starts a fresh worker. The worker runs Pipeline, which can also be used in-process.
//
// Either way the checks run in order of cost, and as much as possible before libvips sees
// a byte: a size limit, a magic-byte allowlist (JPEG, PNG, WebP), a Go walk of the container
// that also reads the declared width and height, and shape rules on that size (the pixel
// limit, a minimum size and a maximum aspect ratio, each with its own message). Only then
// does libvips read the header (for the orientation and colour space), and a job take one
// of a few slots and decode, auto-rotate, convert to sRGB, resize to a size computed here,
// strip all metadata (phones embed GPS positions) and re-encode. Colour is measured on a
// thumbnail of the result, because the manual requires colour photos and the
// interpretation field alone misses desaturated or tinted black-and-white images.
//
// libvips is initialised once per process with its operation cache disabled, untrusted
// loaders blocked, every loader except JPEG, PNG and WebP blocked, and its warnings
// discarded. This is the only package that imports bimg; every user-facing failure is a
// domain error with a Chinese message that tells the user what to do.
package imaging
