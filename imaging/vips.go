package imaging

/*
#cgo pkg-config: vips
#include <stdlib.h>
#include <vips/vips.h>

#if VIPS_MAJOR_VERSION < 8 || (VIPS_MAJOR_VERSION == 8 && VIPS_MINOR_VERSION < 13)
#error "package imaging needs libvips 8.13 or newer (vips_block_untrusted_set)"
#endif

// imaging_discard_log swallows libvips warnings: corrupt uploads would otherwise flood the
// server's stderr with decoder chatter that no one can act on.
static void imaging_discard_log(const gchar *domain, GLogLevelFlags level,
	const gchar *message, gpointer data) {
	(void) domain;
	(void) level;
	(void) message;
	(void) data;
}

// imaging_harden blocks every loader that is marked untrusted, then every loader at all
// except the three formats the allowlist admits, so that no code path (bimg's own type
// sniffing included) can reach the SVG, PDF, TIFF, GIF, HEIF or ImageMagick decoders.
static void imaging_harden(void) {
	vips_block_untrusted_set(TRUE);
	vips_operation_block_set("VipsForeignLoad", TRUE);
	vips_operation_block_set("VipsForeignLoadJpeg", FALSE);
	vips_operation_block_set("VipsForeignLoadPng", FALSE);
	vips_operation_block_set("VipsForeignLoadWebp", FALSE);
	vips_cache_set_max_files(0);
	g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING, imaging_discard_log, NULL);
}

enum { IMAGING_JPEG = 1, IMAGING_PNG = 2, IMAGING_WEBP = 3 };

// imaging_validate decodes every pixel once with fail_on=warning and discards them. bimg
// loads with libvips' default of tolerating damage, which turns corrupt or truncated pixel
// data into grey rows instead of an error. JPEG and WebP are decoded at 1/8 scale: the
// entropy-coded data is still read in full, but far fewer pixels are produced. buf is only
// used during this call; the image is released before returning. On failure *message is a
// copy of libvips' error text, to be freed with g_free.
static int imaging_validate(void *buf, size_t len, int format, char **message) {
	VipsImage *image = NULL;
	double avg;
	int rc = -1;

	switch (format) {
	case IMAGING_JPEG:
		rc = vips_jpegload_buffer(buf, len, &image, "shrink", 8,
			"fail_on", VIPS_FAIL_ON_WARNING, "access", VIPS_ACCESS_SEQUENTIAL, NULL);
		break;
	case IMAGING_PNG:
		rc = vips_pngload_buffer(buf, len, &image,
			"fail_on", VIPS_FAIL_ON_WARNING, "access", VIPS_ACCESS_SEQUENTIAL, NULL);
		break;
	case IMAGING_WEBP:
		rc = vips_webpload_buffer(buf, len, &image, "scale", 0.125,
			"fail_on", VIPS_FAIL_ON_WARNING, "access", VIPS_ACCESS_SEQUENTIAL, NULL);
		break;
	default:
		vips_error("imaging", "unknown format %d", format);
	}
	if (rc == 0)
		rc = vips_avg(image, &avg, NULL);
	if (image)
		g_object_unref(image);
	if (rc != 0) {
		*message = g_strdup(vips_error_buffer());
		vips_error_clear();
	}
	vips_thread_shutdown();
	return rc;
}

// imaging_abort ends the process the way a failed libvips assertion does (test faults only).
static void imaging_abort(void) { abort(); }

// imaging_try_alloc reports whether malloc grants n bytes, which are not touched and are
// freed at once: with the worker's RLIMIT_DATA in force, a block above the limit is refused.
static int imaging_try_alloc(size_t n) {
	void *p = malloc(n);
	free(p);
	return p != NULL;
}
*/
import "C"

import (
	"fmt"
	"runtime"
	"sync"
	"unsafe"

	"github.com/h2non/bimg"
)

// vipsOnce guards the process-wide libvips set-up; libvips has one global state, so this is
// the single piece of package-level state the package needs.
var vipsOnce sync.Once

// initVips starts libvips (bimg also does so when it is loaded, which is harmless) and then
// applies the settings that must hold for the whole process. The cache limits are set after
// bimg.Initialize because Initialize resets them to bimg's defaults. The call that drops the whole libvips cache is
// never made: it crashes the process when other jobs are running.
func initVips() {
	vipsOnce.Do(func() {
		bimg.Initialize()
		bimg.VipsCacheSetMax(0)
		bimg.VipsCacheSetMaxMem(0)
		C.imaging_harden()
	})
}

// validate fully decodes data under libvips' strictest error handling and reports damage
// that the container checks cannot see, such as a corrupt JPEG scan or truncated PNG
// pixel data inside a well-formed file.
func validate(f format, data []byte) error {
	var cf C.int
	switch f {
	case formatJPEG:
		cf = C.IMAGING_JPEG
	case formatPNG:
		cf = C.IMAGING_PNG
	case formatWebP:
		cf = C.IMAGING_WEBP
	default:
		return errMalformed
	}
	if len(data) == 0 {
		return errTruncated
	}
	var msg *C.char
	rc := C.imaging_validate(unsafe.Pointer(&data[0]), C.size_t(len(data)), cf, &msg)
	runtime.KeepAlive(data)
	if rc != 0 {
		defer C.g_free(C.gpointer(msg))
		return fmt.Errorf("libvips: %s", C.GoString(msg))
	}
	return nil
}

// abortProcess calls C abort(), as libvips does when an assertion fails.
func abortProcess() { C.imaging_abort() }

// tryAlloc reports whether C malloc grants n bytes.
func tryAlloc(n int64) string {
	if C.imaging_try_alloc(C.size_t(n)) != 0 {
		return "granted"
	}
	return "refused"
}
