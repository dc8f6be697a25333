package imaging_test

import (
	"os"
	"testing"

	"sitepro/imaging"
)

// TestMain lets this test binary serve as its own imaging worker: the supervisors under test
// start it again with the worker marker in its environment, so that tests run real worker
// processes on the real libvips.
func TestMain(m *testing.M) {
	imaging.RunWorkerIfChild()
	os.Exit(m.Run())
}
