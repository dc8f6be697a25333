package handlers

import (
	"net/url"
	"sync"
	"time"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/store"
	"sitepro/views"
)

// markers are the soft "being reviewed by …" notes: whoever opened an item last, for a
// few minutes. They inform; the store's transaction is what prevents double decisions.
type markers struct {
	mu sync.Mutex
	m  map[string]marker
}

type marker struct {
	by, name string
	until    time.Time
}

const markerTTL = 3 * time.Minute

func (m *markers) set(id, by, name string, now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil || len(m.m) > 10_000 {
		m.m = map[string]marker{}
	}
	m.m[id] = marker{by: by, name: name, until: now.Add(markerTTL)}
}

// other returns who else is reviewing id right now, or "".
func (m *markers) other(id, me string, now time.Time) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if k, ok := m.m[id]; ok && k.by != me && now.Before(k.until) {
		return "正在由 " + k.name + " 审核"
	}
	return ""
}

var queueFilterNames = []string{"status", "post", "city", "from", "to", "q"}

// queueFilter reads the queue filters from the query string.
func queueFilter(c *fiber.Ctx) (store.QueueFilter, views.Form, string) {
	f := views.Form{Values: map[string]string{}, Errors: domain.FieldErrors{}}
	q := url.Values{}
	for _, n := range queueFilterNames {
		if v := c.Query(n); v != "" {
			f.Values[n] = v
			q.Set(n, v)
		}
	}
	qf := store.QueueFilter{Status: f.V("status"), PostCode: f.V("post"), CityCode: f.V("city"), Query: f.V("q"), After: c.Query("after")}
	if t, err := time.ParseInLocation("2006-01-02", f.V("from"), chinaTZ); err == nil {
		qf.From = t
	}
	if t, err := time.ParseInLocation("2006-01-02", f.V("to"), chinaTZ); err == nil {
		qf.To = t.AddDate(0, 0, 1)
	}
	return qf, f, q.Encode()
}

var chinaTZ = time.FixedZone("CST", 8*3600)

func (s *Server) reviewModel(c *fiber.Ctx, tab domain.Queue) (views.ReviewModel, error) {
	u := currentUser(c)
	ag, err := s.d.Store.Agency(u.AgencyID)
	if err != nil {
		return views.ReviewModel{}, err
	}
	counts, err := s.queueCounts(*u)
	if err != nil {
		return views.ReviewModel{}, err
	}
	held, err := s.d.Store.HeldBackOf(*u)
	_, f, q := queueFilter(c)
	return views.ReviewModel{Agency: ag, Tab: tab, Form: f, Count: counts, Query: q, HeldBack: held}, err
}

func (s *Server) reviewQueue(c *fiber.Ctx) error {
	m, err := s.reviewModel(c, domain.QueueApps)
	if err != nil {
		return err
	}
	if m.Rows, err = s.appRowsView(c); err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.ReviewQueue(s.page(c, "审核工作台"), m))
}

func (s *Server) reviewPhotos(c *fiber.Ctx) error {
	m, err := s.reviewModel(c, domain.QueuePhotos)
	if err != nil {
		return err
	}
	if m.Rows, err = s.photoRowsView(c); err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.ReviewQueue(s.page(c, "照片确认"), m))
}

func (s *Server) appRows(c *fiber.Ctx) error {
	comp, err := s.appRowsView(c)
	if err != nil {
		return err
	}
	return s.fragment(c, "报名队列", comp)
}

// appRowsView is one page of the application queue (filters and cursor from the query),
// for the rows URL and for the queue page itself.
func (s *Server) appRowsView(c *fiber.Ctx) (templ.Component, error) {
	u := currentUser(c)
	qf, _, q := queueFilter(c)
	page, err := s.d.Store.AppQueue(*u, "", qf)
	if err != nil {
		return nil, err
	}
	now := s.d.Now()
	rows := make([]views.QueueRowView, len(page.Rows))
	for i, r := range page.Rows {
		city, _ := domain.CityByCode(r.CityCode)
		rows[i] = views.QueueRowView{AppID: r.AppID, Number: r.Number, Name: r.Name, Post: views.PostLabel(r.PostCode),
			City: city.Name, Status: r.Status.Label(), Submitted: r.SubmittedAt.In(chinaTZ).Format("2006-01-02 15:04"),
			Pending: r.Status == domain.AppSubmitted, Marker: s.markers.other(r.AppID, u.ID, now)}
	}
	more, pageURL := "/review/apps/rows?"+q, "/review?"+q
	if page.Next != "" {
		more += "&after=" + page.Next
		pageURL += "&after=" + page.Next
	}
	return views.AppRows(currentCSRF(c), rows, page.Total, page.Next, more, pageURL, emptyQueueText(qf, "报名")), nil
}

// emptyQueueText says why a queue shows no rows: nothing waiting, filters that match
// nothing, or a date range that ends before it starts.
func emptyQueueText(qf store.QueueFilter, what string) string {
	switch {
	case qf.Reversed():
		return "开始日期晚于结束日期，请调整日期范围。"
	case qf.Narrowed():
		return "没有符合筛选条件的" + what + "。请放宽条件，或点“清除筛选”查看全部待确认的" + what + "。"
	}
	return "队列是空的。新的" + what + "提交后会自动出现在这里。"
}

// photoPageSize is how many photos a page of the photo queue shows (each is an image the
// browser loads); the next page follows the cursor, as the application queue's does.
const photoPageSize = 24

func (s *Server) photoRows(c *fiber.Ctx) error {
	comp, err := s.photoRowsView(c)
	if err != nil {
		return err
	}
	return s.fragment(c, "照片队列", comp)
}

// photoRowsView is one page of the photo queue, for the rows URL and the queue page.
func (s *Server) photoRowsView(c *fiber.Ctx) (templ.Component, error) {
	u := currentUser(c)
	page, err := s.d.Store.PhotoQueue(*u, c.Query("after"), photoPageSize)
	if err != nil {
		return nil, err
	}
	if err := s.logPhotoQueueDocuments(*u, page.Rows); err != nil {
		return nil, err
	}
	out := make([]views.PhotoRowView, len(page.Rows))
	for i, r := range page.Rows {
		out[i] = views.PhotoRowView{UserID: r.UserID, Name: r.Name, PhotoID: r.PhotoID, Uploaded: r.UploadedAt.In(chinaTZ).Format("2006-01-02 15:04"),
			IDFront: r.IDFront, AppNumber: r.AppNumber}
	}
	more, pageURL := "", ""
	if page.Next != "" {
		more = "/review/photos/rows?after=" + url.QueryEscape(page.Next)
		pageURL = "/review/photos?after=" + url.QueryEscape(page.Next)
	}
	return views.PhotoRows(currentCSRF(c), out, page.Total, more, pageURL), nil
}

// fragment renders rows alone for htmx and inside the page layout for a plain request
// (JavaScript off), so the same URL works both ways.
func (s *Server) fragment(c *fiber.Ctx, title string, comp templ.Component) error {
	if c.Get("HX-Request") == "true" {
		return render(c, fiber.StatusOK, comp)
	}
	return render(c, fiber.StatusOK, views.Wrap(s.page(c, title), comp))
}

func currentCSRF(c *fiber.Ctx) string {
	t, _ := c.Locals(kCSRF).(string)
	return t
}

func (s *Server) reviewDetail(c *fiber.Ctx) error {
	return s.renderReviewDetail(c, fiber.StatusOK, views.Form{Values: map[string]string{}, Errors: domain.FieldErrors{}})
}

func (s *Server) renderReviewDetail(c *fiber.Ctx, status int, f views.Form) error {
	return s.reviewDetailPage(c, status, f, "")
}

// revealPhone answers 显示完整号码: the store audit-logs the view, and the page comes back
// with the full number (in the body of a no-store POST answer, never in a URL).
func (s *Server) revealPhone(c *fiber.Ctx) error {
	phone, err := s.d.Store.RevealPhone(*currentUser(c), c.Params("id"), s.d.Now())
	if err != nil {
		return err
	}
	return s.reviewDetailPage(c, fiber.StatusOK, views.Form{Values: map[string]string{}, Errors: domain.FieldErrors{}}, phone)
}

// reviewDetailPage renders the review detail; phone is the full contact phone after an
// audited reveal, "" to show it masked.
func (s *Server) reviewDetailPage(c *fiber.Ctx, status int, f views.Form, phone string) error {
	u := currentUser(c)
	now := s.d.Now()
	v, err := s.d.Store.ViewApplication(*u, c.Params("id"), now)
	if err != nil {
		return err
	}
	s.seenDetail(u.ID, v, now)
	a := v.App
	m := views.ReviewDetailModel{App: a, Trainee: v.Trainee, Photo: v.Photo, Others: v.Others, Form: f, Marker: s.markers.other(a.ID, u.ID, now), Phone: phone}
	if a.Status == domain.AppSubmitted {
		s.markers.set(a.ID, u.ID, u.Name, now)
	}
	return render(c, status, views.ReviewDetail(s.page(c, a.Number), m))
}
