package handlers

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"sitepro/domain"
	"sitepro/store"
	"sitepro/testkit"
)

// The store's files in the full-disk test are small, so that a tmpfs of a few tens of MB
// holds several value-log files and memtables; the reserve follows: 2×1 + 2×2×2 + 4×2 + 2
// = 20 MiB.
var smallStore = store.Sizes{MemTableSize: 2 << 20, ValueLogFileSize: 1 << 20, Margin: 2 << 20}

const noSpace = "存储空间不足"

var errorText = regexp.MustCompile(`class="(error|lead)"[^>]*>[^<]*`)

// mountTmpfs mounts a tmpfs of size bytes on a fresh directory, unmounted when the test
// ends. Mounting needs root; CI runs as root, and elsewhere the test fails rather than
// skips, so that a missing check is never mistaken for a passing one.
func mountTmpfs(t *testing.T, size int64) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatalf("%s fills a small tmpfs under the store and must mount it, which needs root (CI runs as root). "+
			"Run it as root, e.g.: sudo env \"PATH=$PATH\" go test ./handlers -run %s", t.Name(), t.Name())
	}
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, fmt.Sprintf("size=%d", size)); err != nil {
		t.Fatalf("mount a %d MiB tmpfs on %s (needs root with CAP_SYS_ADMIN): %v", size>>20, dir, err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// growFile appends n bytes to path, taking that much space from its filesystem.
func growFile(t *testing.T, path string, n int64) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 1<<20)
	for n > 0 {
		k := min(n, int64(len(chunk)))
		if _, err := f.Write(chunk[:k]); err != nil {
			t.Fatalf("filler: %v", err)
		}
		n -= k
	}
}

// noiseJPEG is a colourful photo that compresses badly, so that each upload stores about
// 100 KB after normalisation and the disk fills in a few dozen uploads.
func noiseJPEG(t *testing.T, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	const w, h = 716, 882
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	noisy := func(v int) uint8 { return uint8(max(0, min(255, v+r.IntN(193)-96))) }
	for y := range h {
		for x := range w { // a colour gradient (the pipeline wants a colour photo) plus noise
			img.Set(x, y, color.RGBA{noisy(x * 255 / w), noisy(y * 255 / h), noisy(255 - x*255/w), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// spaceEnv is newEnv on a store in dir with the small test sizes; the store is closed
// when the test ends unless the test swaps it (reopen).
func spaceEnv(t *testing.T, dir string) (*env, **store.Store) {
	t.Helper()
	logs := &testkit.SyncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, nil))
	st, err := store.OpenSized(dir, log, smallStore)
	if err != nil {
		t.Fatal(err)
	}
	cur := &st
	t.Cleanup(func() { (*cur).Close() })
	clk := &clock{t: time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)}
	app, err := New(Deps{Store: st, Hasher: hasher, Images: testImages{pipeline}, Log: log, Now: clk.Now, Origin: "https://sitepro.test"})
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, app: app, st: st, clock: clk, logs: logs}, cur
}

// fullDisk is the state of the full-disk test: the app, its users, and the answers to
// the writes sent while the disk filled.
type fullDisk struct {
	e         *env
	admin     *client
	trainees  []*client
	photos    [][]byte
	lastPhoto []string // per trainee, the photo of their last acknowledged upload

	uploads, refused, busy atomic.Int64
	mu                     sync.Mutex
	other                  []string // unexpected answers
	registered             []string // ID numbers whose registration was acknowledged
}

// answer counts one answer and reports whether it was the no-space refusal.
func (f *fullDisk) answer(kind string, r resp) (refused bool) {
	switch {
	case r.status == 303:
	case r.status == 503 && strings.Contains(r.body, noSpace):
		f.refused.Add(1)
		return true
	case r.status == 503: // the image pipeline was busy: not a refusal, try again
		f.busy.Add(1)
	default:
		f.mu.Lock()
		f.other = append(f.other, fmt.Sprintf("%s: %d %q", kind, r.status, errorText.FindAllString(r.body, -1)))
		f.mu.Unlock()
	}
	return false
}

// writeUntilRefused runs one uploader per trainee and two registration streams at once,
// each until it has been refused five times.
func (f *fullDisk) writeUntilRefused() {
	var wg sync.WaitGroup
	for w := range f.trainees {
		wg.Go(func() { f.uploadLoop(w) })
	}
	var next atomic.Int64
	next.Store(int64(len(f.trainees)))
	for range 2 {
		wg.Go(func() { f.registerLoop(&next) })
	}
	wg.Wait()
}

func (f *fullDisk) uploadLoop(w int) {
	c := f.trainees[w]
	c.get("/profile/photo") // the CSRF token of the signed-in session
	for refusals, i := 0, 0; refusals < 5 && i < 200; i++ {
		r := c.upload("/profile/photo", "photo", "p.jpg", f.photos[i%len(f.photos)])
		if f.answer("upload", r) {
			refusals++
		}
		if r.status == 303 {
			f.uploads.Add(1)
			m := photoSrc.FindStringSubmatch(c.get("/profile/photo").body)
			if m == nil {
				f.answer("photo page without the photo", resp{})
				return
			}
			f.lastPhoto[w] = m[1]
		}
	}
}

func (f *fullDisk) registerLoop(next *atomic.Int64) {
	for refusals, i := 0, 0; refusals < 5 && i < 100; i++ {
		id := benchID(int(next.Add(1)))
		c := f.e.client()
		c.get("/register")
		r := c.post("/register", regForm(id, "李四"))
		if f.answer("register", r) {
			refusals++
		}
		if r.status == 303 {
			f.mu.Lock()
			f.registered = append(f.registered, id)
			f.mu.Unlock()
		}
	}
}

// checkLow: writes get the 503 page, reads work, /healthz and the admin home say so, the
// mail worker finds nothing to send, and the transition was logged once.
func (f *fullDisk) checkLow(t *testing.T) {
	t.Helper()
	if !f.e.st.Space().Low {
		t.Fatalf("writers were refused but the status is %+v", f.e.st.Space())
	}
	must(t, f.e.client().get("/healthz"), 503, "disk low: free", "reserve 20.0 MiB")
	owner := f.trainees[0]
	r := owner.post("/profile", profileForm())
	must(t, r, 503, noSpace, "已保存的内容不受影响", "0371-12345678")
	if r.header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	must(t, owner.get("/profile/photo"), 200, `data-testid="photo-current"`)
	must(t, owner.get(f.lastPhoto[0]), 200) // read through the update helper, writes nothing
	// A staff view of a photo must be audited (SECURITY.md 19): refused, not unrecorded.
	must(t, f.admin.get(f.lastPhoto[0]), 503, noSpace)
	must(t, f.admin.get("/"), 200, `data-testid="storage-low"`, "存储空间不足，系统已暂停保存", `data-testid="storage-free"`)
	must(t, f.admin.get("/admin/audit"), 200)
	must(t, f.e.client().login(benchID(1), pwOK), 303) // signing in writes nothing it needs
	if msgs, err := f.e.st.DueMessages(f.e.clock.Now(), 100); err != nil || len(msgs) != 0 {
		t.Fatalf("mail due while low: %d, %v", len(msgs), err)
	}
	logs := f.e.logs.String()
	if n := strings.Count(logs, "STORAGE LOW"); n == 0 || n > 1+strings.Count(logs, "storage space returned") || int64(n) >= f.refused.Load() {
		t.Fatalf("low transitions logged %d times for %d refusals", n, f.refused.Load())
	}
	// A refused write is logged under its own route, not as "/" (it is refused on the route).
	if !strings.Contains(logs, `"route":"/register","status":503`) && !strings.Contains(logs, `"route":"/profile/photo","status":503`) {
		t.Error("refused writes are not logged with their route")
	}
}

// checkRecovered: with the filler gone, writes work again without a restart.
func (f *fullDisk) checkRecovered(t *testing.T) {
	t.Helper()
	owner := f.trainees[0]
	must(t, owner.upload("/profile/photo", "photo", "p.jpg", f.photos[0]), 303)
	f.lastPhoto[0] = photoSrc.FindStringSubmatch(owner.get("/profile/photo").body)[1]
	must(t, owner.post("/profile", profileForm()), 303)
	must(t, f.e.client().get("/healthz"), 200, "ok")
	if r := f.admin.get("/"); strings.Contains(r.body, `data-testid="storage-low"`) || !strings.Contains(r.body, `data-testid="storage-free"`) {
		t.Fatalf("admin home after recovery: %.1500s", r.body)
	}
	if msgs, _ := f.e.st.DueMessages(f.e.clock.Now(), 1000); len(msgs) < len(f.registered) {
		t.Fatalf("mail due after recovery: %d, want the %d confirmations", len(msgs), len(f.registered))
	}
	if !strings.Contains(f.e.logs.String(), "storage space returned") {
		t.Fatal("recovery not logged")
	}
}

// TestFullDiskRefusesWritesKeepsReadsAndRecovers is SECURITY.md 21 through the real app:
// concurrent photo uploads and registrations fill a small tmpfs under the store until the
// guard refuses them with the 503 page; the process keeps running, pages still load,
// /healthz and the admin home report it, the mail worker finds nothing to send; freeing
// the space brings writes back without a restart, and every acknowledged write is there,
// also after the store is closed and reopened. Without the guard this test dies with
// SIGBUS in Badger's value-log write.
func TestFullDiskRefusesWritesKeepsReadsAndRecovers(t *testing.T) {
	mnt := mountTmpfs(t, 64<<20)
	dataDir := filepath.Join(mnt, "data")
	e, cur := spaceEnv(t, dataDir)
	f := &fullDisk{e: e, admin: e.staff(domain.RoleAdmin, "admin"), lastPhoto: make([]string, 4)}
	for i := range 4 {
		f.trainees = append(f.trainees, e.registered(benchID(i), "王芳"))
		f.photos = append(f.photos, noiseJPEG(t, uint64(i)))
	}
	sp := e.st.Space()
	if sp.Low || sp.Reserve != 20<<20 {
		t.Fatalf("before filling: %+v", sp)
	}
	// Leave 3 MiB above the reserve, then let the writers use it up.
	filler := filepath.Join(mnt, "filler")
	growFile(t, filler, int64(sp.Free-sp.Reserve-3<<20))
	f.writeUntilRefused()
	if len(f.other) > 0 {
		t.Fatalf("unexpected answers while the disk filled (%d):\n%s", len(f.other), strings.Join(f.other, "\n"))
	}
	if f.refused.Load() == 0 || f.uploads.Load() == 0 {
		t.Fatalf("the guard never refused (acknowledged %d uploads, %d registrations)", f.uploads.Load(), len(f.registered))
	}
	lowFree := e.st.Space().Free
	f.checkLow(t)
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	f.checkRecovered(t)

	// Every acknowledged write is there, and still there after a close and reopen.
	lost := countLost(t, e.st, f.lastPhoto, f.registered)
	(*cur).Close()
	st2, err := store.OpenSized(dataDir, nil, smallStore)
	if err != nil {
		t.Fatalf("reopen after the episode: %v", err)
	}
	*cur = st2
	if lost += countLost(t, st2, f.lastPhoto, f.registered); lost > 0 {
		t.Fatalf("acknowledged writes lost: %d", lost)
	}
	t.Logf("full disk: %d writes acknowledged (%d photo uploads, %d registrations), %d refused with 503 %s, %d pipeline-busy retries, 0 lost (also after reopen); free when refused %s of reserve %s",
		f.uploads.Load()+int64(len(f.registered)), f.uploads.Load(), len(f.registered), f.refused.Load(), noSpace, f.busy.Load(), mib(lowFree), mib(sp.Reserve))
}

func profileForm() url.Values {
	return url.Values{"mobile": {"13812345678"}, "education": {"大学本科"}, "school": {"郑州大学"}, "major": {"土木工程"},
		"graduation": {"2012-07"}, "employer": {"某建筑公司"}, "credit_code": {"91350100M000100Y43"}, "work_start": {"2012-08"},
		"address": {"郑州市"}}
}

// countLost checks that each acknowledged registration exists and that each trainee's
// current photo is the one of their last acknowledged upload, with its bytes.
func countLost(t *testing.T, st *store.Store, lastPhoto, registered []string) int {
	t.Helper()
	lost := 0
	for _, id := range registered {
		if _, err := st.UserByLogin(id, true); err != nil {
			t.Errorf("acknowledged registration %s: %v", domain.MaskID(id), err)
			lost++
		}
	}
	for i, want := range lastPhoto {
		if want == "" {
			continue
		}
		u, err := st.UserByLogin(benchID(i), true)
		if err != nil {
			t.Fatal(err)
		}
		p, err := st.PhotoOf(u.ID)
		b, ierr := st.PhotoImage(u, p.ID, time.Now())
		if err != nil || ierr != nil || "/photos/"+p.ID != want || len(b) != p.Bytes {
			t.Errorf("trainee %d: current photo %s (%d bytes, %v %v), want %s", i, p.ID, len(b), err, ierr, want)
			lost++
		}
	}
	return lost
}
