package handlers

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"sitepro/domain"
	"sitepro/store"
)

// TestPhotoQueuePages: a photo queue longer than a page shows the oldest photos first with
// the whole queue's size and a 下一页 link, which works with and without htmx and ends on a
// last page without one; every waiting photo is on exactly one page.
func TestPhotoQueuePages(t *testing.T) {
	e := newEnv(t)
	ag, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	const n = photoPageSize + 3
	now := e.clock.Now()
	want := map[string]bool{}
	for i := range n {
		id, err := domain.ParseIDNumber(benchID(i), now)
		if err != nil {
			t.Fatal(err)
		}
		u, err := e.st.CreateTrainee(domain.Registration{ID: id, Name: fmt.Sprintf("学员%02d", i), Mobile: "13812345678",
			Email: fmt.Sprintf("p%d@example.com", i)}, "h", store.NewToken(), now)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.st.LinkTraineeToAgency(ag.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.st.UploadPhoto(u.ID, rbTinyJPEG, 10, 10, now.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
		want[fmt.Sprintf("学员%02d", i)] = true
	}
	rev := e.reviewer(ag.ID, "rev")
	next := regexp.MustCompile(`href="(/review/photos\?after=[0-9a-f]+)" hx-get="(/review/photos/rows\?after=[0-9a-f]+)"`)
	names := regexp.MustCompile(`<strong>(学员\d\d)</strong>`)
	seen := map[string]bool{}
	r := rev.do("GET", "/review/photos/rows", nil, map[string]string{"HX-Request": "true"})
	must(t, r, 200, fmt.Sprintf("共 %d 张待确认", n), `data-testid="next-page"`)
	if got := strings.Count(r.body, `data-testid="photo-row"`); got != photoPageSize {
		t.Fatalf("first page: %d photos, want %d", got, photoPageSize)
	}
	if first := names.FindStringSubmatch(r.body); first == nil || first[1] != "学员00" {
		t.Fatalf("the oldest photo is not first: %v", first)
	}
	for _, m := range names.FindAllStringSubmatch(r.body, -1) {
		seen[m[1]] = true
	}
	m := next.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatal("no next-page link")
	}
	// With htmx, the rows alone; without JavaScript, the queue page itself with its tabs.
	if hr := rev.do("GET", m[2], nil, map[string]string{"HX-Request": "true"}); strings.Contains(hr.body, "<html") ||
		strings.Count(hr.body, `data-testid="photo-row"`) != n-photoPageSize {
		t.Fatalf("htmx next page: whole page %v, %d photos", strings.Contains(hr.body, "<html"), strings.Count(hr.body, `data-testid="photo-row"`))
	}
	r = rev.get(m[1])
	must(t, r, 200, fmt.Sprintf("共 %d 张待确认", n), `data-testid="tab-photos"`, `data-testid="rows"`)
	if strings.Contains(r.body, `data-testid="next-page"`) || strings.Count(r.body, `data-testid="photo-row"`) != n-photoPageSize {
		t.Fatalf("last page: %d photos, next link %v", strings.Count(r.body, `data-testid="photo-row"`), strings.Contains(r.body, "next-page"))
	}
	for _, m := range names.FindAllStringSubmatch(r.body, -1) {
		if seen[m[1]] {
			t.Fatalf("%s is on both pages", m[1])
		}
		seen[m[1]] = true
	}
	if len(seen) != len(want) {
		t.Fatalf("%d photos over the pages, want %d", len(seen), len(want))
	}
}
