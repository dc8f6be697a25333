// Package imaging turns an untrusted upload (a personal photo or a scanned document) into a
// small, clean sRGB JPEG that is safe to store and serve.
//
// libvips runs inside the server process, so a crash or a runaway decode would take every
// user down with it. The pipeline therefore rejects as much as it can before any pixel is
// decoded: a size limit, a magic-byte allowlist (JPEG, PNG, WebP), a Go check that the
// container is complete, and a header-only pixel count through libvips' metadata reader.
// Only then does a job take one of a few slots (a semaphore with a deadline) and decode,
// auto-rotate, convert to sRGB, resize to a size computed here, strip all metadata (phones
// embed GPS positions) and re-encode. Colour is measured on a thumbnail of the result, because
// the manual requires colour photos and the interpretation field alone misses desaturated or
// tinted black-and-white images.
//
// libvips is initialised once with its operation cache disabled, untrusted loaders blocked,
// every loader except JPEG, PNG and WebP blocked, and its warnings discarded. This is the only
// package that imports bimg; every user-facing failure is a domain error with a Chinese
// message that tells the user what to do.
package imaging
