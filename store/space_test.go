package store

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

	"sitepro/domain"
)

// fakeDisk is a filesystem whose free space the test sets; it counts readings.
type fakeDisk struct {
	free  atomic.Uint64
	stats atomic.Int64
}

func (d *fakeDisk) statfs(string) (uint64, error) {
	d.stats.Add(1)
	return d.free.Load(), nil
}

// openFakeDisk opens a real store whose guard reads the fake disk, with logs in a buffer.
func openFakeDisk(t *testing.T) (*Store, *fakeDisk, *bytes.Buffer) {
	t.Helper()
	logs := &bytes.Buffer{}
	s, err := Open(t.TempDir(), slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	d := &fakeDisk{}
	d.free.Store(1 << 40)
	s.space.statfs = d.statfs
	s.Space()
	return s, d, logs
}

func TestReserveCoversBadgerFiles(t *testing.T) {
	if got, want := reserveFor(Sizes{}.withDefaults()), uint64(208<<20); got != want {
		t.Fatalf("default reserve = %d MiB, want %d MiB (2×64 vlog + 2×2×8 memtables + 4×8 L0 + 16)", got>>20, want>>20)
	}
	if vt := (Sizes{}).withDefaults().valueThreshold(); vt != 1<<20 {
		t.Fatalf("production value threshold changed: %d", vt)
	}
}

// TestSpaceGuardRefusesWritesKeepsReadsAndRecovers drives the guard with a fake disk:
// below the reserve every kind of write is refused with ErrNoSpace and nothing is written,
// reads (also reads through the update helper) keep working, the mail worker finds nothing
// to send, the transition is logged once, and writes resume by themselves.
func TestSpaceGuardRefusesWritesKeepsReadsAndRecovers(t *testing.T) {
	s, disk, logs := openFakeDisk(t)
	st := s.Space()
	if st.Low || st.Reserve != 208<<20 || st.Resume <= st.Reserve {
		t.Fatalf("status with plenty of space: %+v", st)
	}
	owner, err := s.CreateTrainee(registration(t, validID), "h", NewToken(), t0)
	if err != nil {
		t.Fatal(err)
	}
	photo, err := s.UploadPhoto(owner.ID, []byte("jpeg-1"), 358, 441, t0)
	if err != nil {
		t.Fatal(err)
	}
	admin := domain.User{ID: "ad", Role: domain.RoleAdmin, Name: "管理员"}

	disk.free.Store(st.Reserve - 1)
	s.Space() // far above the reserve a drop is seen at the next reading (≤ 1 s or 16 writes)
	for i := range 5 {
		if _, err := s.CreateTrainee(registration(t, "440524188001010014"), "h", NewToken(), t0); !errors.Is(err, ErrNoSpace) {
			t.Fatalf("registration %d while low: %v, want ErrNoSpace", i, err)
		}
	}
	if err := s.Audit(domain.AuditEntry{At: t0, Action: "登录"}); domain.CodeOf(err) != domain.CodeUnavailable {
		t.Fatalf("audit while low: %v", err)
	}
	if _, err := s.UploadPhoto(owner.ID, []byte("jpeg-2"), 358, 441, t0); !errors.Is(err, ErrNoSpace) {
		t.Fatalf("upload while low: %v", err)
	}
	if !s.Space().Low {
		t.Fatal("status not low")
	}
	// Reads: plain ones, and one that runs through update but writes nothing (the owner's
	// own photo); a staff view must be audited, so it is refused rather than unrecorded.
	if _, err := s.User(owner.ID); err != nil {
		t.Fatalf("read while low: %v", err)
	}
	if b, err := s.PhotoImage(owner, photo.ID, t0); err != nil || string(b) != "jpeg-1" {
		t.Fatalf("owner's photo while low: %q %v", b, err)
	}
	if _, err := s.PhotoImage(admin, photo.ID, t0); !errors.Is(err, ErrNoSpace) {
		t.Fatalf("staff photo view while low: %v, want ErrNoSpace (the view must be audited)", err)
	}
	if msgs, err := s.DueMessages(t0, 10); err != nil || len(msgs) != 0 {
		t.Fatalf("due mail while low: %d %v (a sent message could not be marked sent)", len(msgs), err)
	}

	disk.free.Store(st.Reserve + 1) // above the reserve but below Resume: still low
	if err := s.Audit(domain.AuditEntry{At: t0, Action: "登录"}); !errors.Is(err, ErrNoSpace) {
		t.Fatalf("audit just above the reserve: %v, want still refused until Resume", err)
	}
	disk.free.Store(st.Resume)
	if _, err := s.CreateTrainee(registration(t, "440524188001010014"), "h", NewToken(), t0); err != nil {
		t.Fatalf("registration after space returned: %v", err)
	}
	if msgs, _ := s.DueMessages(t0, 10); len(msgs) != 2 {
		t.Fatalf("due mail after recovery: %d, want 2 confirmations (none from refused registrations)", len(msgs))
	}
	if p, _ := s.PhotoOf(owner.ID); p.ID != photo.ID {
		t.Fatal("refused upload replaced the photo")
	}
	out := logs.String()
	if n := strings.Count(out, "STORAGE LOW"); n != 1 || !strings.Contains(out, "level=ERROR") {
		t.Fatalf("low transition logged %d times at error level, want once:\n%s", n, out)
	}
	if n := strings.Count(out, "storage space returned"); n != 1 {
		t.Fatalf("recovery logged %d times, want once:\n%s", n, out)
	}
}

// TestSpaceGuardReadsSparingly: far above the reserve a write re-reads the free space
// only every spaceWrites writes (or spaceEvery); within twice the reserve, every write.
func TestSpaceGuardReadsSparingly(t *testing.T) {
	s, disk, _ := openFakeDisk(t)
	reserve := s.Space().Reserve
	before := disk.stats.Load()
	for range 160 {
		if !s.space.allow() {
			t.Fatal("refused with plenty of space")
		}
	}
	if n := disk.stats.Load() - before; n > 160/spaceWrites+1 {
		t.Fatalf("%d readings for 160 writes far above the reserve", n)
	}
	disk.free.Store(reserve + reserve/2)
	s.Space()
	before = disk.stats.Load()
	for range 50 {
		if !s.space.allow() {
			t.Fatal("refused above the reserve")
		}
	}
	if n := disk.stats.Load() - before; n != 50 {
		t.Fatalf("%d readings for 50 writes close to the reserve, want one each", n)
	}
}

// BenchmarkSpaceAllow is the guard's cost per write far from the reserve (the fast path)
// and close to it (one statfs per write), against the real filesystem.
func BenchmarkSpaceAllow(b *testing.B) {
	s, err := Open(b.TempDir(), slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	b.Run("far", func(b *testing.B) {
		s.space.reserve = 0
		s.Space()
		for b.Loop() {
			s.space.allow()
		}
	})
	b.Run("close", func(b *testing.B) {
		s.space.reserve = s.Space().Free/2 + 1 // within twice the reserve: a reading per write
		for b.Loop() {
			s.space.allow()
		}
	})
}
