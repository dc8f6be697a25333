package handlers

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/static"
)

// The authorization matrix of SECURITY.md 4: every route of the running app × every kind
// of actor, against objects owned by one trainee (T1) whose applications went to agency A.
// The routes come from the router itself, so a route added later fails this test until it
// is classified in authzRows below.

// Outcomes of one request, as seen from the authorization layer.
const (
	zOK     = "ok"        // passed the guard and the scope: 2xx, 3xx not to /login, 409, 422
	zLogin  = "login"     // 303 to /login (GET) or 401 (POST): not signed in
	zForbid = "forbidden" // 403: signed in with the wrong role
	zHidden = "hidden"    // 404: someone else's object, not revealed
	zOut    = "out"       // logout: 303 to /login and the session is no longer signed in
)

// The actors, in the order the matrix is printed.
var authzActors = []string{"guest", "T1", "T2", "RA", "RB", "admin"}

// authzExpect is one expected outcome per actor.
type authzExpect map[string]string

func authzAll(o string) authzExpect {
	return authzExpect{"guest": o, "T1": o, "T2": o, "RA": o, "RB": o, "admin": o}
}

// The access classes; each names every actor.
var (
	// Anyone, signed in or not.
	zPublic = authzAll(zOK)
	// Any signed-in user (/password).
	zSigned = authzExpect{"guest": zLogin, "T1": zOK, "T2": zOK, "RA": zOK, "RB": zOK, "admin": zOK}
	// Trainee pages that show only the caller's own data.
	zTrainee = authzExpect{"guest": zLogin, "T1": zOK, "T2": zOK, "RA": zForbid, "RB": zForbid, "admin": zForbid}
	// A trainee route on one of T1's objects: another trainee must not learn it exists.
	zTraineeOwn = authzExpect{"guest": zLogin, "T1": zOK, "T2": zHidden, "RA": zForbid, "RB": zForbid, "admin": zForbid}
	// Reviewer console pages scoped to the reviewer's own agency (lists, streams, exports).
	zReviewer = authzExpect{"guest": zLogin, "T1": zForbid, "T2": zForbid, "RA": zOK, "RB": zOK, "admin": zForbid}
	// A reviewer route on an object of agency A: agency B must not learn it exists.
	zReviewerOfA = authzExpect{"guest": zLogin, "T1": zForbid, "T2": zForbid, "RA": zOK, "RB": zHidden, "admin": zForbid}
	// Images of T1 (photo, ID documents): the owner, reviewers of an agency T1 applied to,
	// admins.
	zImageOfT1 = authzExpect{"guest": zLogin, "T1": zOK, "T2": zHidden, "RA": zOK, "RB": zHidden, "admin": zOK}
	// A reviewer route on an object that has nothing of either agency (成绩录入 of a
	// session without their candidates): not found for every reviewer.
	zReviewerNone = authzExpect{"guest": zLogin, "T1": zForbid, "T2": zForbid, "RA": zHidden, "RB": zHidden, "admin": zForbid}
	// Admin pages.
	zAdmin = authzExpect{"guest": zLogin, "T1": zForbid, "T2": zForbid, "RA": zForbid, "RB": zForbid, "admin": zOK}
	// 考场签到 of a session with a candidate of agency A: admins and reviewers of A.
	zExamDay = authzExpect{"guest": zLogin, "T1": zForbid, "T2": zForbid, "RA": zOK, "RB": zHidden, "admin": zOK}
	// Logout ends whatever session there is.
	zLogout = authzAll(zOut)
)

// authzFix holds T1's objects that the path builders fill in.
type authzFix struct {
	t1           domain.User
	app          domain.Application // submitted to agency A
	confirmApp   domain.Application // submitted to A; a reviewer of A confirms it
	bulkApp      domain.Application // submitted to A; a reviewer of A bulk-confirms it
	draft        domain.Application // a draft that T1 deletes
	photo        domain.Photo
	cert         domain.Certificate
	agencyA      domain.Agency
	agencyB      domain.Agency
	leaks        []string // what only T1, reviewers of A and admins may ever see
	bogusToken   string
	ceEnrol      domain.Enrolment   // T1's continuing-education enrolment, pending at A
	ceConfirm    domain.Enrolment   // pending at A (another certificate); a reviewer of A confirms it
	ceDraft      domain.Enrolment   // a draft that T1 deletes
	eventsServer string             // base URL of the same app over real TCP, for the SSE stream
	staff        domain.User        // 账号管理: a pending reviewer of agency A that the admin rows act on
	legacyJob    string             // a finished 历史证书导入 job
	exam         domain.ExamSession // 考试管理: an empty session in 编排中
	// 考场签到 (exam_checkin.go): a published session with one candidate (not T1) of agency A.
	examDay    domain.ExamSession
	examDayApp domain.Application
	// 更正、删除学习记录 (ce_records.go): BEGIN RECORDS FIXTURE — an enrolment of T1
	// confirmed at agency A with one learning record.
	ceLearn  domain.Enrolment
	ceRecord domain.LearningRecord
	// END RECORDS FIXTURE
}

// authzRow classifies one route.
type authzRow struct {
	want authzExpect
	// path fills the route's parameters with T1's fixtures.
	path func(f *authzFix) string
	// form is the body of a POST (the CSRF token is added); nil means empty.
	form func(f *authzFix) url.Values
	// is200 demands exactly 200 (not a redirect or 422) from the actors expected "ok".
	is200 bool
	// mutates marks POSTs that change state for the "ok" actors: those rows run after
	// all others, on their own fixture, with the entitled actors last.
	mutates bool
	// public marks pages that show T1's masked data to anyone by design (verification of
	// a print-out or a certificate), exempt from the leak check.
	public bool
	// stream is the SSE route: requested over real TCP, headers only.
	stream bool
	// fresh runs each actor on a newly signed-in session (logout ends it).
	fresh bool
}

// ceRecordPath is the path of the records fixture's learning record (RECORDS).
func ceRecordPath(suffix string) func(*authzFix) string {
	return func(f *authzFix) string { return "/review/ce/" + f.ceLearn.ID + "/records/" + f.ceRecord.ID + suffix }
}

func authzFixed(p string) func(*authzFix) string { return func(*authzFix) string { return p } }

// authzRows is the classification of every route: "METHOD path" as the router has it.
func authzRows() map[string]authzRow {
	app := func(suffix string) func(f *authzFix) string {
		return func(f *authzFix) string { return "/apply/" + f.app.ID + suffix }
	}
	review := func(id func(f *authzFix) string, suffix string) func(f *authzFix) string {
		return func(f *authzFix) string { return "/review/apps/" + id(f) + suffix }
	}
	mainApp := func(f *authzFix) string { return f.app.ID }
	ce := func(suffix string) func(f *authzFix) string {
		return func(f *authzFix) string { return "/ce/" + f.ceEnrol.ID + suffix }
	}
	ceReview := func(id func(f *authzFix) string, suffix string) func(f *authzFix) string {
		return func(f *authzFix) string { return "/review/ce/" + id(f) + suffix }
	}
	exam := func(suffix string) func(f *authzFix) string {
		return func(f *authzFix) string { return "/admin/exams/" + f.exam.ID + suffix }
	}
	examDay := func(suffix string) func(f *authzFix) string { // BEGIN/END CHECKIN
		return func(f *authzFix) string { return "/exam-day/" + f.examDay.ID + suffix }
	}
	return map[string]authzRow{
		"GET /healthz":                 {want: zPublic, path: authzFixed("/healthz"), is200: true},
		"GET /favicon.ico":             {want: zPublic, path: authzFixed("/favicon.ico")},
		"GET /":                        {want: zPublic, path: authzFixed("/"), is200: true},
		"GET /login":                   {want: zPublic, path: authzFixed("/login")},
		"POST /login":                  {want: zPublic, path: authzFixed("/login")},
		"POST /logout":                 {want: zLogout, path: authzFixed("/logout"), fresh: true},
		"GET /register":                {want: zPublic, path: authzFixed("/register"), is200: true},
		"POST /register":               {want: zPublic, path: authzFixed("/register")},
		"POST /register/id-preview":    {want: zPublic, path: authzFixed("/register/id-preview"), is200: true},
		"GET /register/profile":        {want: zTrainee, path: authzFixed("/register/profile"), is200: true},
		"POST /register/profile":       {want: zTrainee, path: authzFixed("/register/profile")},
		"GET /confirm-email/:token":    {want: zPublic, path: func(f *authzFix) string { return "/confirm-email/" + f.bogusToken }},
		"GET /confirm-email":           {want: zPublic, path: authzFixed("/confirm-email")},
		"POST /confirm-email":          {want: zPublic, path: authzFixed("/confirm-email"), form: func(f *authzFix) url.Values { return url.Values{"token": {f.bogusToken}} }},
		"POST /confirm-email/resend":   {want: zTrainee, path: authzFixed("/confirm-email/resend")},
		"GET /forgot":                  {want: zPublic, path: authzFixed("/forgot"), is200: true},
		"POST /forgot":                 {want: zPublic, path: authzFixed("/forgot")},
		"GET /reset/:token":            {want: zPublic, path: func(f *authzFix) string { return "/reset/" + f.bogusToken }},
		"GET /reset":                   {want: zPublic, path: authzFixed("/reset")},
		"POST /reset":                  {want: zPublic, path: authzFixed("/reset")},
		"GET /password":                {want: zSigned, path: authzFixed("/password"), is200: true},
		"POST /password":               {want: zSigned, path: authzFixed("/password")},
		"GET /profile":                 {want: zTrainee, path: authzFixed("/profile"), is200: true},
		"POST /profile":                {want: zTrainee, path: authzFixed("/profile")},
		"GET /profile/photo":           {want: zTrainee, path: authzFixed("/profile/photo"), is200: true},
		"POST /profile/photo":          {want: zTrainee, path: authzFixed("/profile/photo")},
		"GET /photos/:id":              {want: zImageOfT1, path: func(f *authzFix) string { return "/photos/" + f.photo.ID }, is200: true},
		"GET /profile/email":           {want: zTrainee, path: authzFixed("/profile/email"), is200: true},
		"POST /profile/email":          {want: zTrainee, path: authzFixed("/profile/email")},
		"GET /profile/data":            {want: zTrainee, path: authzFixed("/profile/data"), is200: true},
		"GET /profile/data.json":       {want: zTrainee, path: authzFixed("/profile/data.json"), is200: true},
		"GET /apply":                   {want: zTrainee, path: authzFixed("/apply"), is200: true},
		"POST /apply/agree":            {want: zTrainee, path: authzFixed("/apply/agree")},
		"POST /apply/new":              {want: zTrainee, path: authzFixed("/apply/new")},
		"GET /apply/:id":               {want: zTraineeOwn, path: app(""), is200: true},
		"GET /apply/:id/check":         {want: zTraineeOwn, path: app("/check")},
		"POST /apply/:id/submit":       {want: zTraineeOwn, path: app("/submit"), form: func(*authzFix) url.Values { return url.Values{"confirm": {"1"}} }},
		"GET /apply/:id/done":          {want: zTraineeOwn, path: app("/done"), is200: true},
		"GET /apply/:id/delete":        {want: zTraineeOwn, path: app("/delete"), is200: true},
		"POST /apply/:id/delete":       {want: zTraineeOwn, path: func(f *authzFix) string { return "/apply/" + f.draft.ID + "/delete" }, mutates: true},
		"GET /apply/:id/print/:doc":    {want: zTraineeOwn, path: app("/print/form"), is200: true},
		"GET /d/:token":                {want: zPublic, path: func(f *authzFix) string { return "/d/" + f.app.VerifyToken }, is200: true, public: true},
		"GET /apply/:id/:step":         {want: zTraineeOwn, path: app("/employment")},
		"POST /apply/:id/:step":        {want: zTraineeOwn, path: app("/employment"), form: func(*authzFix) url.Values { return url.Values{"employment": {"待业"}} }},
		"GET /documents/:id":           {want: zImageOfT1, path: func(f *authzFix) string { return "/documents/" + f.app.IDFront }, is200: true},
		"GET /certificates":            {want: zTrainee, path: authzFixed("/certificates"), is200: true},
		"GET /certificates/:id":        {want: zTraineeOwn, path: func(f *authzFix) string { return "/certificates/" + f.cert.ID }, is200: true},
		"GET /verify":                  {want: zPublic, path: authzFixed("/verify"), is200: true},
		"POST /verify":                 {want: zPublic, path: authzFixed("/verify")},
		"GET /v/:token":                {want: zPublic, path: func(f *authzFix) string { return "/v/" + f.cert.VerifyToken }, is200: true, public: true},
		"GET /review":                  {want: zReviewer, path: authzFixed("/review"), is200: true},
		"GET /review/photos":           {want: zReviewer, path: authzFixed("/review/photos"), is200: true},
		"GET /review/apps/rows":        {want: zReviewer, path: authzFixed("/review/apps/rows"), is200: true},
		"GET /review/photos/rows":      {want: zReviewer, path: authzFixed("/review/photos/rows"), is200: true},
		"GET /review/events":           {want: zReviewer, path: authzFixed("/review/events"), is200: true, stream: true},
		"GET /review/apps/export.csv":  {want: zReviewer, path: authzFixed("/review/apps/export.csv?status=all"), is200: true},
		"GET /review/apps/export.xlsx": {want: zReviewer, path: authzFixed("/review/apps/export.xlsx?status=all"), is200: true},
		// RB may post the form, but the store confirms nothing outside agency B (the
		// unchanged-data check after RB's request shows it).
		"POST /review/apps/bulk-confirm": {want: zReviewer, path: authzFixed("/review/apps/bulk-confirm"), mutates: true,
			form: func(f *authzFix) url.Values { return url.Values{"ids": {f.bulkApp.ID}} }},
		"GET /review/apps/:id": {want: zReviewerOfA, path: review(mainApp, ""), is200: true},
		"POST /review/apps/:id/confirm": {want: zReviewerOfA, mutates: true,
			path: review(func(f *authzFix) string { return f.confirmApp.ID }, "/confirm")},
		// Without a reason return and reject are refused (422) after the scope check.
		"POST /review/apps/:id/return": {want: zReviewerOfA, path: review(mainApp, "/return")},
		"POST /review/apps/:id/reject": {want: zReviewerOfA, path: review(mainApp, "/reject")},
		// 显示完整号码: the page again with the full phone; it only adds an audit entry.
		"POST /review/apps/:id/phone": {want: zReviewerOfA, path: review(mainApp, "/phone"), is200: true},
		"POST /review/photos/:uid/confirm": {want: zReviewerOfA, mutates: true,
			path: func(f *authzFix) string { return "/review/photos/" + f.t1.ID + "/confirm" }},
		"POST /review/photos/:uid/return": {want: zReviewerOfA,
			path: func(f *authzFix) string { return "/review/photos/" + f.t1.ID + "/return" }},
		"GET /ce":                             {want: zTrainee, path: authzFixed("/ce"), is200: true},
		"POST /ce/new":                        {want: zTrainee, path: authzFixed("/ce/new")},
		"GET /ce/learning":                    {want: zTrainee, path: authzFixed("/ce/learning"), is200: true},
		"GET /ce/:id":                         {want: zTraineeOwn, path: ce(""), is200: true},
		"GET /ce/:id/check":                   {want: zTraineeOwn, path: ce("/check")},
		"POST /ce/:id/submit":                 {want: zTraineeOwn, path: ce("/submit"), form: func(*authzFix) url.Values { return url.Values{"confirm": {"1"}} }},
		"GET /ce/:id/done":                    {want: zTraineeOwn, path: ce("/done"), is200: true},
		"GET /ce/:id/delete":                  {want: zTraineeOwn, path: ce("/delete"), is200: true},
		"POST /ce/:id/delete":                 {want: zTraineeOwn, path: func(f *authzFix) string { return "/ce/" + f.ceDraft.ID + "/delete" }, mutates: true},
		"GET /ce/:id/print":                   {want: zTraineeOwn, path: ce("/print"), is200: true},
		"GET /ce/:id/:step":                   {want: zTraineeOwn, path: ce("/cert")},
		"POST /ce/:id/:step":                  {want: zTraineeOwn, path: ce("/cert"), form: func(f *authzFix) url.Values { return url.Values{"cert": {f.cert.Number}} }},
		"GET /review/ce":                      {want: zReviewer, path: authzFixed("/review/ce"), is200: true},
		"GET /review/ce/rows":                 {want: zReviewer, path: authzFixed("/review/ce/rows?status=all"), is200: true},
		"GET /review/ce/courses":              {want: zReviewer, path: authzFixed("/review/ce/courses"), is200: true},
		"POST /review/ce/courses":             {want: zReviewer, path: authzFixed("/review/ce/courses")}, // no title: 422
		"GET /review/ce/import":               {want: zReviewer, path: authzFixed("/review/ce/import"), is200: true},
		"POST /review/ce/import":              {want: zReviewer, path: authzFixed("/review/ce/import")}, // no file: 422
		"GET /review/ce/export.csv":           {want: zReviewer, path: authzFixed("/review/ce/export.csv?status=all"), is200: true},
		"GET /review/ce/export.xlsx":          {want: zReviewer, path: authzFixed("/review/ce/export.xlsx?status=all"), is200: true},
		"GET /review/ce/import/template.xlsx": {want: zReviewer, path: authzFixed("/review/ce/import/template.xlsx"), is200: true},
		"GET /review/ce/import/template.csv":  {want: zReviewer, path: authzFixed("/review/ce/import/template.csv"), is200: true},
		"GET /review/ce/:id":                  {want: zReviewerOfA, path: ceReview(func(f *authzFix) string { return f.ceEnrol.ID }, ""), is200: true},
		"POST /review/ce/:id/confirm":         {want: zReviewerOfA, mutates: true, path: ceReview(func(f *authzFix) string { return f.ceConfirm.ID }, "/confirm")},
		// Without a reason the return is refused (422) after the scope check; an unknown
		// course is refused the same way, so neither changes the enrolment.
		"POST /review/ce/:id/return": {want: zReviewerOfA, path: ceReview(func(f *authzFix) string { return f.ceEnrol.ID }, "/return")},
		"POST /review/ce/:id/records": {want: zReviewerOfA, path: ceReview(func(f *authzFix) string { return f.ceEnrol.ID }, "/records"),
			form: func(*authzFix) url.Values { return url.Values{"course": {"bogus"}, "date": {"2026-11-20"}} }},
		// BEGIN RECORDS ROWS: 更正、删除学习记录. Without a reason both forms are refused
		// (422) after the scope check, so neither changes the record.
		"GET /review/ce/:id/records/:rid": {want: zReviewerOfA, is200: true, path: ceRecordPath("")},
		"POST /review/ce/:id/records/:rid": {want: zReviewerOfA, path: ceRecordPath(""),
			form: func(f *authzFix) url.Values {
				return url.Values{"rev": {"0"}, "course": {f.ceRecord.CourseID}, "hours": {"4"}, "date": {f.ceRecord.CompletedOn.Format("2006-01-02")}}
			}},
		"POST /review/ce/:id/records/:rid/remove": {want: zReviewerOfA, path: ceRecordPath("/remove"),
			form: func(*authzFix) url.Values { return url.Values{"rev": {"0"}} }},
		// END RECORDS ROWS
		// 培训机构管理: an empty form is refused (422) without a change; suspending and
		// re-enabling act on agency B, which T1's objects do not use.
		"GET /admin/agencies":      {want: zAdmin, path: authzFixed("/admin/agencies?city=410100"), is200: true},
		"POST /admin/agencies":     {want: zAdmin, path: authzFixed("/admin/agencies")},
		"GET /admin/agencies/new":  {want: zAdmin, path: authzFixed("/admin/agencies/new"), is200: true},
		"GET /admin/agencies/:id":  {want: zAdmin, path: func(f *authzFix) string { return "/admin/agencies/" + f.agencyA.ID }, is200: true},
		"POST /admin/agencies/:id": {want: zAdmin, path: func(f *authzFix) string { return "/admin/agencies/" + f.agencyA.ID }},
		"POST /admin/agencies/:id/suspend": {want: zAdmin, mutates: true,
			path: func(f *authzFix) string { return "/admin/agencies/" + f.agencyB.ID + "/suspend" }},
		"POST /admin/agencies/:id/resume": {want: zAdmin, mutates: true,
			path: func(f *authzFix) string { return "/admin/agencies/" + f.agencyB.ID + "/resume" }},
		"GET /admin/outbox":  {want: zAdmin, path: authzFixed("/admin/outbox"), is200: true},
		"GET /admin/audit":   {want: zAdmin, path: authzFixed("/admin/audit"), is200: true},
		"GET /admin/backup":  {want: zAdmin, path: authzFixed("/admin/backup"), is200: true},
		"POST /admin/backup": {want: zAdmin, path: authzFixed("/admin/backup"), is200: true},

		// 账号管理 (admin_staff.go): admin only; the activation link is public like /reset.
		"GET /admin/accounts":     {want: zAdmin, path: authzFixed("/admin/accounts?role=reviewer"), is200: true},
		"POST /admin/accounts":    {want: zAdmin, path: authzFixed("/admin/accounts")},
		"GET /admin/accounts/new": {want: zAdmin, path: authzFixed("/admin/accounts/new"), is200: true},
		"GET /admin/accounts/:id": {want: zAdmin, path: func(f *authzFix) string { return "/admin/accounts/" + f.staff.ID }, is200: true},
		"POST /admin/accounts/:id/resend": {want: zAdmin, mutates: true,
			path: func(f *authzFix) string { return "/admin/accounts/" + f.staff.ID + "/resend" }},
		"POST /admin/accounts/:id/move": {want: zAdmin, mutates: true,
			path: func(f *authzFix) string { return "/admin/accounts/" + f.staff.ID + "/move" },
			form: func(f *authzFix) url.Values { return url.Values{"agency": {f.agencyB.ID}} }},
		"POST /admin/accounts/:id/role": {want: zAdmin, mutates: true,
			path: func(f *authzFix) string { return "/admin/accounts/" + f.staff.ID + "/role" },
			form: func(f *authzFix) url.Values { return url.Values{"role": {"admin"}} }},
		"POST /admin/accounts/:id/disable": {want: zAdmin, mutates: true,
			path: func(f *authzFix) string { return "/admin/accounts/" + f.staff.ID + "/disable" }},
		"POST /admin/accounts/:id/enable": {want: zAdmin, mutates: true,
			path: func(f *authzFix) string { return "/admin/accounts/" + f.staff.ID + "/enable" }},
		"GET /activate/:token": {want: zPublic, path: func(f *authzFix) string { return "/activate/" + f.bogusToken }},
		"GET /activate":        {want: zPublic, path: authzFixed("/activate")},
		"POST /activate":       {want: zPublic, path: authzFixed("/activate")},
		// 统计 (admin_stats.go).
		"GET /admin/stats":             {want: zAdmin, path: authzFixed("/admin/stats?by=city&status=submitted"), is200: true},
		"GET /admin/stats/export.xlsx": {want: zAdmin, path: authzFixed("/admin/stats/export.xlsx?kind=ce"), is200: true},
		// 目录与规则设置 (admin_settings.go): an empty form is refused (422) without a
		// change; disabling and enabling act on 标准员 (115), which the fixtures do not use.
		"GET /admin/settings":                      {want: zAdmin, path: authzFixed("/admin/settings"), is200: true},
		"POST /admin/settings/ce":                  {want: zAdmin, path: authzFixed("/admin/settings/ce")},
		"POST /admin/settings/exam":                {want: zAdmin, path: authzFixed("/admin/settings/exam")},
		"POST /admin/settings/cert":                {want: zAdmin, path: authzFixed("/admin/settings/cert")},
		"POST /admin/settings/text/:kind":          {want: zAdmin, path: authzFixed("/admin/settings/text/notice")},
		"POST /admin/settings/posts":               {want: zAdmin, path: authzFixed("/admin/settings/posts")},
		"POST /admin/settings/posts/:code/disable": {want: zAdmin, path: authzFixed("/admin/settings/posts/115/disable"), mutates: true},
		"POST /admin/settings/posts/:code/enable":  {want: zAdmin, path: authzFixed("/admin/settings/posts/115/enable"), mutates: true},
		// 历史证书导入: without a file the upload is refused (422) and nothing starts.
		"GET /admin/certificates/import":               {want: zAdmin, path: authzFixed("/admin/certificates/import"), is200: true},
		"POST /admin/certificates/import":              {want: zAdmin, path: authzFixed("/admin/certificates/import")},
		"GET /admin/certificates/import/template.xlsx": {want: zAdmin, path: authzFixed("/admin/certificates/import/template.xlsx"), is200: true},
		"GET /admin/certificates/import/template.csv":  {want: zAdmin, path: authzFixed("/admin/certificates/import/template.csv"), is200: true},
		"GET /admin/certificates/import/:id": {want: zAdmin, is200: true,
			path: func(f *authzFix) string { return "/admin/certificates/import/" + f.legacyJob }},
		// BEGIN CERTS (cert_admin.go, cert_print.go): the holder prints only their own
		// certificate; everything else is the admin's. The POSTs change nothing here:
		// "issue all" without the count the admin saw is refused (422), issuing to T1's
		// submitted application is refused (not passed), a withdrawal without a reason is
		// refused (422).
		"GET /certificates/:id/print": {want: zTraineeOwn, is200: true,
			path: func(f *authzFix) string { return "/certificates/" + f.cert.ID + "/print" }},
		"GET /admin/certificates":        {want: zAdmin, path: authzFixed("/admin/certificates"), is200: true},
		"GET /admin/certificates/issue":  {want: zAdmin, path: authzFixed("/admin/certificates/issue"), is200: true},
		"POST /admin/certificates/issue": {want: zAdmin, path: authzFixed("/admin/certificates/issue")},
		"POST /admin/certificates/issue/:id": {want: zAdmin,
			path: func(f *authzFix) string { return "/admin/certificates/issue/" + f.app.ID }},
		"GET /admin/certificates/:id": {want: zAdmin, is200: true,
			path: func(f *authzFix) string { return "/admin/certificates/" + f.cert.ID }},
		"POST /admin/certificates/:id/withdraw": {want: zAdmin,
			path: func(f *authzFix) string { return "/admin/certificates/" + f.cert.ID + "/withdraw" }},
		"GET /admin/certificates/:id/print": {want: zAdmin, is200: true,
			path: func(f *authzFix) string { return "/admin/certificates/" + f.cert.ID + "/print" }},
		// END CERTS
		// BEGIN EXAM ROWS (admin_exam.go): admin only; the session's actions on an empty
		// session answer 303, 409 or 422, all past the guard.
		"GET /admin/exams":              {want: zAdmin, path: authzFixed("/admin/exams"), is200: true},
		"POST /admin/exams":             {want: zAdmin, path: authzFixed("/admin/exams")},
		"GET /admin/exams/new":          {want: zAdmin, path: authzFixed("/admin/exams/new"), is200: true},
		"GET /admin/exams/:id":          {want: zAdmin, path: exam(""), is200: true},
		"POST /admin/exams/:id":         {want: zAdmin, path: exam("")},
		"GET /admin/exams/:id/edit":     {want: zAdmin, path: exam("/edit"), is200: true},
		"GET /admin/exams/:id/assign":   {want: zAdmin, path: exam("/assign"), is200: true},
		"POST /admin/exams/:id/assign":  {want: zAdmin, path: exam("/assign"), mutates: true},
		"POST /admin/exams/:id/arrange": {want: zAdmin, path: exam("/arrange"), mutates: true},
		"POST /admin/exams/:id/move": {want: zAdmin, path: exam("/move"), mutates: true,
			form: func(*authzFix) url.Values { return url.Values{"who": {"nobody"}, "room": {"1.1"}, "seat": {"1"}} }},
		"POST /admin/exams/:id/remove": {want: zAdmin, path: exam("/remove"), mutates: true,
			form: func(*authzFix) url.Values { return url.Values{"app": {"nobody"}} }},
		"POST /admin/exams/:id/publish":     {want: zAdmin, path: exam("/publish"), mutates: true},
		"GET /admin/exams/:id/print/:sheet": {want: zAdmin, path: exam("/print/signin"), is200: true},
		// END EXAM ROWS
		// BEGIN CHECKIN ROWS (exam_checkin.go): staff only (trainees 403); a session is
		// open to admins and to reviewers of an agency with candidates in it (B: 404).
		"GET /exam-day": {want: authzExpect{"guest": zLogin, "T1": zForbid, "T2": zForbid, "RA": zOK, "RB": zOK, "admin": zOK},
			path: authzFixed("/exam-day"), is200: true},
		"GET /exam-day/:id":          {want: zExamDay, path: examDay(""), is200: true},
		"POST /exam-day/:id/lookup":  {want: zExamDay, path: examDay("/lookup"), form: examDayForm, is200: true},
		"POST /exam-day/:id/checkin": {want: zExamDay, path: examDay("/checkin"), form: examDayForm, mutates: true},
		"POST /exam-day/:id/correct": {want: zExamDay, path: examDay("/correct"), form: examDayForm, mutates: true},
		// END CHECKIN ROWS
		// BEGIN SCORE ROWS (exam_score.go): 成绩录入 and 成绩确认 on the empty session in 编排中:
		// admins reach it (a row or a confirmation is refused as not published); a
		// reviewer's grid of a session without their agency's candidates is not found, for
		// agency A as for B (the scope with candidates is in exam_score_test.go).
		"GET /admin/exams/:id/scores": {want: zAdmin, path: exam("/scores"), is200: true},
		"POST /admin/exams/:id/scores/:app": {want: zAdmin, path: func(f *authzFix) string { return "/admin/exams/" + f.exam.ID + "/scores/" + f.app.ID },
			form: func(*authzFix) url.Values { return url.Values{"basic": {"60"}, "practice": {"60"}} }},
		"GET /admin/exams/:id/results":  {want: zAdmin, path: exam("/results"), is200: true},
		"POST /admin/exams/:id/results": {want: zAdmin, path: exam("/results")},
		"POST /admin/exams/:id/results/correct": {want: zAdmin, path: exam("/results/correct"),
			form: func(*authzFix) url.Values {
				return url.Values{"who": {"nobody"}, "basic": {"60"}, "practice": {"60"}, "reason": {"复查"}}
			}},
		"GET /review/exams":            {want: zReviewer, path: authzFixed("/review/exams"), is200: true},
		"GET /review/exams/:id/scores": {want: zReviewerNone, path: func(f *authzFix) string { return "/review/exams/" + f.exam.ID + "/scores" }},
		"POST /review/exams/:id/scores/:app": {want: zReviewerNone, path: func(f *authzFix) string { return "/review/exams/" + f.exam.ID + "/scores/" + f.app.ID },
			form: func(*authzFix) url.Values { return url.Values{"basic": {"60"}, "practice": {"60"}} }},
		"GET /admin/exams/:id/scores/import":         {want: zAdmin, path: exam("/scores/import"), is200: true},
		"POST /admin/exams/:id/scores/import":        {want: zAdmin, path: exam("/scores/import")},
		"GET /admin/exams/:id/scores/template.xlsx":  {want: zAdmin, path: exam("/scores/template.xlsx"), is200: true},
		"GET /admin/exams/:id/scores/template.csv":   {want: zAdmin, path: exam("/scores/template.csv"), is200: true},
		"GET /review/exams/:id/scores/import":        {want: zReviewerNone, path: func(f *authzFix) string { return "/review/exams/" + f.exam.ID + "/scores/import" }},
		"POST /review/exams/:id/scores/import":       {want: zReviewerNone, path: func(f *authzFix) string { return "/review/exams/" + f.exam.ID + "/scores/import" }},
		"GET /review/exams/:id/scores/template.xlsx": {want: zReviewerNone, path: func(f *authzFix) string { return "/review/exams/" + f.exam.ID + "/scores/template.xlsx" }},
		"GET /review/exams/:id/scores/template.csv":  {want: zReviewerNone, path: func(f *authzFix) string { return "/review/exams/" + f.exam.ID + "/scores/template.csv" }},
		// END SCORE ROWS
		// 管理员 console (admin_console.go): the home, the search (a POST: the box may hold an
		// ID number) and read-only views of T1's objects.
		"GET /admin":        {want: zAdmin, path: authzFixed("/admin"), is200: true},
		"GET /admin/search": {want: zAdmin, path: authzFixed("/admin/search"), is200: true},
		"POST /admin/search": {want: zAdmin, path: authzFixed("/admin/search"), is200: true,
			form: func(f *authzFix) url.Values { return url.Values{"q": {f.t1.IDNumber}} }},
		"GET /admin/apps/:id":     {want: zAdmin, path: func(f *authzFix) string { return "/admin/apps/" + f.app.ID }, is200: true},
		"GET /admin/ce/:id":       {want: zAdmin, path: func(f *authzFix) string { return "/admin/ce/" + f.ceEnrol.ID }, is200: true},
		"GET /admin/trainees/:id": {want: zAdmin, path: func(f *authzFix) string { return "/admin/trainees/" + f.t1.ID }, is200: true},
		// Reviewer console tab counts (review_tabs.go): each reviewer's own agency's counts.
		"GET /review/counts": {want: zReviewer, path: authzFixed("/review/counts"), is200: true},
	}
}

// authzSubmitAnother runs the wizard once more for a trainee who already agreed to the
// notice and submits to agency ag for another post.
func authzSubmitAnother(t *testing.T, c *client, ag domain.Agency, post string) string {
	t.Helper()
	c.get("/apply")
	r := c.post("/apply/new", url.Values{})
	must(t, r, 303)
	m := appURL.FindStringSubmatch(r.header.Get("Location"))
	if m == nil {
		t.Fatalf("no step URL: %q", r.header.Get("Location"))
	}
	submitWizard(t, c, m[1], ag, post, "王芳")
	return m[1]
}

// authzSnapshot is everything of T1's that an actor without a right to it must not change.
func authzSnapshot(t *testing.T, e *env, uid string) string {
	t.Helper()
	apps, err1 := e.st.ApplicationsOf(uid)
	photo, err2 := e.st.PhotoOf(uid)
	certs, err3 := e.st.CertificatesOf(uid)
	u, err4 := e.st.User(uid)
	ce, err5 := e.st.LearningOf(uid)
	for _, err := range []error{err1, err2, err3, err4, err5} {
		if err != nil {
			t.Fatal(err)
		}
	}
	b, _ := json.Marshal([]any{apps, photo, certs, u, ce})
	return string(b)
}

// authzLastRoute returns the route pattern and method of the last logged request.
func authzLastRoute(e *env) (method, route string) {
	logs := e.logs.String()
	for {
		i := strings.LastIndex(logs, `"msg":"request"`)
		if i < 0 {
			return "", ""
		}
		start := strings.LastIndex(logs[:i], "\n") + 1
		end := strings.Index(logs[i:], "\n")
		if end < 0 {
			end = len(logs) - i
		}
		var line struct{ Method, Route string }
		if json.Unmarshal([]byte(logs[start:i+end]), &line) == nil {
			return line.Method, line.Route
		}
		logs = logs[:start]
	}
}

// authzClassify maps a response to an outcome; strict200 demands 200 for "ok".
func authzClassify(r resp, strict200 bool) string {
	loc := r.header.Get("Location")
	switch {
	case r.status == fiber.StatusUnauthorized, r.status >= 300 && r.status < 400 && (loc == "/login" || strings.HasPrefix(loc, "/login?")):
		return zLogin
	case r.status == fiber.StatusForbidden:
		return zForbid
	case r.status == fiber.StatusNotFound:
		return zHidden
	case strict200 && r.status == fiber.StatusOK:
		return zOK
	case strict200:
		return fmt.Sprintf("status %d (Location %q)", r.status, loc)
	case r.status >= 200 && r.status < 400, r.status == fiber.StatusConflict, r.status == fiber.StatusUnprocessableEntity:
		return zOK
	}
	return fmt.Sprintf("status %d", r.status)
}

// authzStream opens the SSE route over real TCP and reads only the response head.
func authzStream(t *testing.T, base string, c *client, path string) resp {
	t.Helper()
	cl := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest("GET", base+path, nil)
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	res, err := cl.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	r := resp{status: res.StatusCode, header: res.Header}
	if res.StatusCode == 200 {
		// One line of the catch-up event proves the stream is live; then hang up.
		line, _ := bufio.NewReader(res.Body).ReadString('\n')
		r.body = line
		if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
			r.status = 0
			r.body = "Content-Type " + ct
		}
	}
	return r
}

func TestAuthorizationMatrix(t *testing.T) {
	start := time.Now()
	e := newEnv(t)
	f := &authzFix{bogusToken: "not-a-real-token-0123456789abcdefghijklmnopq"}
	f.agencyA, _ = e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100", Phone: "0371-1"})
	f.agencyB, _ = e.st.PutAgency(domain.Agency{Name: "洛阳中心", CityCode: "410300"})
	f.staff, _ = e.st.CreateStaff(domain.User{Role: domain.RoleReviewer, Username: "pending-c", Name: "丙审核员", AgencyID: f.agencyA.ID}, e.clock.Now())
	f.legacyJob = legacyJobFixture(t, e)
	f.exam = authzExamSession(t, e) // BEGIN/END EXAM FIXTURE
	// BEGIN/END CHECKIN FIXTURE
	f.examDay, f.examDayApp = authzExamDay(t, e, f.agencyA)

	// T1 owns: a submitted application to A, a photo, a certificate, two more submitted
	// applications (for the confirm rows) and a draft (for the delete row).
	t1, appID := submittedApp(t, e, idA, "王芳", f.agencyA)
	f.t1 = mustTrainee(t, e, idA)
	t1.get("/profile/photo")
	must(t, t1.upload("/profile/photo", "photo", "p.jpg", colourJPEG(t, 900, 1200, false)), 303)
	var err error
	if f.cert, err = e.st.AddCertificate(domain.Certificate{Number: "412021101000123", HolderID: f.t1.ID, PostCode: "101",
		Issuer: "河南省住房和城乡建设厅", IssuedOn: time.Date(2021, 9, 15, 0, 0, 0, 0, time.UTC), Status: domain.CertValid}); err != nil {
		t.Fatal(err)
	}
	confirmID := authzSubmitAnother(t, t1, f.agencyA, "112")
	bulkID := authzSubmitAnother(t, t1, f.agencyA, "113")
	for id, dst := range map[string]*domain.Application{appID: &f.app, confirmID: &f.confirmApp, bulkID: &f.bulkApp} {
		if *dst, err = e.st.ApplicationOf(f.t1.ID, id); err != nil || dst.Status != domain.AppSubmitted || dst.IDFront == "" || dst.VerifyToken == "" {
			t.Fatalf("fixture application %s: %v %+v", id, err, dst)
		}
	}
	if f.draft, err = e.st.StartApplication(f.t1, e.clock.Now()); err != nil || f.draft.Status != domain.AppDraft {
		t.Fatalf("draft: %v", err)
	}
	if f.photo, err = e.st.PhotoOf(f.t1.ID); err != nil || f.photo.ID == "" || f.photo.Status != domain.PhotoPending {
		t.Fatalf("photo fixture: %v %+v", err, f.photo)
	}
	// Continuing education: T1 (born 1949) may enrol once the age limit allows it; one
	// enrolment per certificate and cycle, so the confirm row gets a second certificate.
	ceRules := domain.DefaultCESettings()
	ceRules.MaxAge = 100
	if err := e.st.SetCESettings(ceRules); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.AddCertificate(domain.Certificate{Number: "412021111000200", HolderID: f.t1.ID, PostCode: "111",
		Issuer: "河南省住房和城乡建设厅", IssuedOn: time.Date(2021, 9, 15, 0, 0, 0, 0, time.UTC), Status: domain.CertValid}); err != nil {
		t.Fatal(err)
	}
	// A draft needs a certificate that can still be enrolled (BEGIN CEFIX: a fourth one).
	if _, err := e.st.AddCertificate(domain.Certificate{Number: "412021113000400", HolderID: f.t1.ID, PostCode: "113",
		Issuer: "河南省住房和城乡建设厅", IssuedOn: time.Date(2021, 9, 15, 0, 0, 0, 0, time.UTC), Status: domain.CertValid}); err != nil {
		t.Fatal(err)
	}
	ceIDs := []string{ceEnrol(t, t1, f.cert.Number, f.agencyA), ceEnrol(t, t1, "412021111000200", f.agencyA), ceStart(t, t1)}
	for i, dst := range []*domain.Enrolment{&f.ceEnrol, &f.ceConfirm, &f.ceDraft} {
		if *dst, err = e.st.EnrolmentOf(f.t1.ID, ceIDs[i]); err != nil {
			t.Fatalf("CE fixture %d: %v", i, err)
		}
	}
	f.leaks = []string{f.t1.Name, f.t1.IDNumber, domain.MaskID(f.t1.IDNumber), f.app.Number, f.confirmApp.Number, f.bulkApp.Number,
		f.ceEnrol.Number, f.ceConfirm.Number}

	// The other actors, each with its own session and CSRF token.
	t2 := e.registered(idB, "李四")
	ra := e.reviewer(f.agencyA.ID, "reva")
	rb := e.reviewer(f.agencyB.ID, "revb")
	admin := e.staff(domain.RoleAdmin, "admin")
	guest := e.client()
	guest.get("/login")
	actors := map[string]*client{"guest": guest, "T1": t1, "T2": t2, "RA": ra, "RB": rb, "admin": admin}
	signIn := map[string]func() *client{
		"guest": func() *client { c := e.client(); c.get("/login"); return c },
		"T1":    func() *client { c := e.client(); must(t, c.login(idA, pwOK), 303); return c },
		"T2":    func() *client { c := e.client(); must(t, c.login(idB, pwOK), 303); return c },
		"RA":    func() *client { c := e.client(); must(t, c.login("reva", pwOK), 303); return c },
		"RB":    func() *client { c := e.client(); must(t, c.login("revb", pwOK), 303); return c },
		"admin": func() *client { c := e.client(); must(t, c.login("admin", pwOK), 303); return c },
	}
	// BEGIN RECORDS FIXTURE: a third certificate of T1, enrolled and confirmed at A, with
	// one learning record recorded by RA.
	if _, err := e.st.AddCertificate(domain.Certificate{Number: "412021112000300", HolderID: f.t1.ID, PostCode: "112",
		Issuer: "河南省住房和城乡建设厅", IssuedOn: time.Date(2021, 9, 15, 0, 0, 0, 0, time.UTC), Status: domain.CertValid}); err != nil {
		t.Fatal(err)
	}
	learnID := ceEnrol(t, t1, "412021112000300", f.agencyA) // it resumed T1's draft: start another
	if f.ceDraft, err = e.st.EnrolmentOf(f.t1.ID, ceStart(t, t1)); err != nil || f.ceDraft.Status != domain.EnrolDraft {
		t.Fatalf("records fixture: draft %v", err)
	}
	ra.get("/review/ce")
	must(t, ra.post("/review/ce/"+learnID+"/confirm", url.Values{}), 303)
	must(t, ra.post("/review/ce/courses", url.Values{"title": {"建筑施工技术"}, "category": {"专业"}, "hours": {"8"}}), 303)
	courses, _ := e.st.Courses(mustUser(t, e, "reva"))
	must(t, ra.post("/review/ce/"+learnID+"/records", url.Values{"course": {courses[0].ID},
		"date": {domain.ChinaDay(e.clock.Now()).Format("2006-01-02")}}), 303)
	if f.ceLearn, err = e.st.EnrolmentOf(f.t1.ID, learnID); err != nil || f.ceLearn.Status != domain.EnrolLearning {
		t.Fatalf("records fixture: %v %s", err, f.ceLearn.Status)
	}
	if l, err := e.st.LearningOf(f.t1.ID); err == nil {
		for _, rs := range l.Records {
			for _, r := range rs {
				f.ceRecord = r
			}
		}
	}
	if f.ceRecord.ID == "" {
		t.Fatal("records fixture: no learning record")
	}
	// END RECORDS FIXTURE
	// Who may change T1's data at all; after anyone else's request it must be unchanged.
	entitled := map[string]bool{"T1": true, "RA": true, "admin": true}

	// The same app over real TCP, for the SSE stream.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go e.app.Listener(ln)
	t.Cleanup(func() { _ = e.app.ShutdownWithTimeout(5 * time.Second) })
	f.eventsServer = "http://" + ln.Addr().String()
	fixtures := time.Since(start)

	// The routes as the router has them.
	rows := authzRows()
	type routeKey struct{ method, path string }
	var routes []routeKey
	seen := map[string]bool{}
	for _, r := range e.app.GetRoutes(true) {
		if r.Method == fiber.MethodHead || strings.HasPrefix(r.Path, static.Prefix) {
			continue
		}
		k := r.Method + " " + r.Path
		if seen[k] {
			continue
		}
		seen[k] = true
		if _, ok := rows[k]; !ok {
			t.Errorf("route %s is not classified in the authorization matrix: add it to authzRows (handlers/authz_test.go) with a path builder and the expected outcome for every actor", k)
			continue
		}
		routes = append(routes, routeKey{r.Method, r.Path})
	}
	for k := range rows {
		if !seen[k] {
			t.Errorf("authzRows classifies %s, which the router no longer has", k)
		}
	}
	// State-changing rows last, so that they cannot disturb the others.
	sort.SliceStable(routes, func(i, j int) bool {
		return !rows[routes[i].method+" "+routes[i].path].mutates && rows[routes[j].method+" "+routes[j].path].mutates
	})

	var table strings.Builder
	fmt.Fprintf(&table, "%-36s", "route")
	for _, a := range authzActors {
		fmt.Fprintf(&table, " %-10s", a)
	}
	table.WriteString("\n")
	checks := 0
	for _, rk := range routes {
		key := rk.method + " " + rk.path
		row := rows[key]
		for _, a := range authzActors {
			if row.want[a] == "" {
				t.Errorf("%s: no expected outcome for actor %s", key, a)
			}
		}
		// Actors refused first, then those let through, strangers before owners: a
		// state-changing request by its rightful actor comes last.
		order := []string{}
		for _, pass := range []bool{false, true} {
			for _, a := range []string{"guest", "T2", "RB", "admin", "RA", "T1"} {
				if (row.want[a] == zOK || row.want[a] == zOut) == pass {
					order = append(order, a)
				}
			}
		}
		got := map[string]string{}
		for _, a := range order {
			c := actors[a]
			if row.fresh {
				c = signIn[a]()
			}
			path := row.path(f)
			before := ""
			if !entitled[a] {
				before = authzSnapshot(t, e, f.t1.ID)
			}
			var r resp
			switch {
			case row.stream:
				r = authzStream(t, f.eventsServer, c, path)
			case rk.method == fiber.MethodGet:
				r = c.get(path)
			default:
				c.get("/") // the session's current CSRF token (every page carries it)
				form := url.Values{}
				if row.form != nil {
					form = row.form(f)
				}
				form.Set("_csrf", c.csrf)
				r = c.do(rk.method, path, form, nil)
			}
			// The request reached this route (not the 404 fallback or an earlier middleware).
			if !row.stream {
				if m, route := authzLastRoute(e); m != rk.method || route != rk.path {
					t.Errorf("%s as %s: the request %s %s was handled by route %q %q, not by this route; fix the path builder",
						key, a, rk.method, path, m, route)
				}
			}
			outcome := authzClassify(r, row.is200 && row.want[a] == zOK)
			if row.want[a] == zOut && outcome == zLogin && r.status == fiber.StatusSeeOther {
				if after := authzClassify(c.get("/password"), false); after == zLogin {
					outcome = zOut
				} else {
					outcome = "still signed in after logout (" + after + ")"
				}
			}
			got[a] = outcome
			checks++
			if outcome != row.want[a] {
				t.Errorf("%s as %s: want %s, got %s (status %d, Location %q); body: %.300s",
					key, a, row.want[a], outcome, r.status, r.header.Get("Location"), r.body)
			}
			if !entitled[a] && !row.public {
				for _, s := range f.leaks {
					if s != "" && strings.Contains(r.body, s) {
						t.Errorf("%s as %s: the response shows T1's data %q", key, a, s)
					}
				}
			}
			if !entitled[a] {
				if after := authzSnapshot(t, e, f.t1.ID); after != before {
					t.Errorf("%s as %s changed T1's data:\nbefore %s\nafter  %s", key, a, before, after)
				}
			}
		}
		fmt.Fprintf(&table, "%-36s", key)
		for _, a := range authzActors {
			mark := got[a]
			if mark != row.want[a] {
				mark = "!" + mark
			}
			fmt.Fprintf(&table, " %-10s", mark)
		}
		table.WriteString("\n")
	}
	// The state-changing rows did what their rightful actor asked, and only that.
	if a, _ := e.st.ApplicationOf(f.t1.ID, f.confirmApp.ID); a.Status != domain.AppConfirmed {
		t.Errorf("POST /review/apps/:id/confirm by RA: application is %s, want confirmed", a.Status)
	}
	if a, _ := e.st.ApplicationOf(f.t1.ID, f.bulkApp.ID); a.Status != domain.AppConfirmed {
		t.Errorf("POST /review/apps/bulk-confirm by RA: application is %s, want confirmed", a.Status)
	}
	if _, err := e.st.ApplicationOf(f.t1.ID, f.draft.ID); domain.CodeOf(err) != domain.CodeNotFound {
		t.Errorf("POST /apply/:id/delete by T1: the draft is still there (%v)", err)
	}
	if p, _ := e.st.PhotoOf(f.t1.ID); p.Status != domain.PhotoConfirmed {
		t.Errorf("POST /review/photos/:uid/confirm by RA: photo is %s, want confirmed", p.Status)
	}
	if x, _ := e.st.EnrolmentOf(f.t1.ID, f.ceConfirm.ID); x.Status != domain.EnrolConfirmed {
		t.Errorf("POST /review/ce/:id/confirm by RA: enrolment is %s, want confirmed", x.Status)
	}
	if _, err := e.st.EnrolmentOf(f.t1.ID, f.ceDraft.ID); domain.CodeOf(err) != domain.CodeNotFound {
		t.Errorf("POST /ce/:id/delete by T1: the draft is still there (%v)", err)
	}
	if x, _ := e.st.EnrolmentOf(f.t1.ID, f.ceEnrol.ID); x.Status != domain.EnrolPending {
		t.Errorf("the main enrolment changed to %s; the return/records rows must be refused", x.Status)
	}
	if a, _ := e.st.ApplicationOf(f.t1.ID, f.app.ID); a.Status != domain.AppSubmitted {
		t.Errorf("the main application changed to %s; the return/reject rows must be refused for want of a reason", a.Status)
	}
	t.Logf("authorization matrix: %d routes × %d actors = %d checks (fixtures %s, total %s)\n%s",
		len(routes), len(authzActors), checks, fixtures.Round(time.Millisecond), time.Since(start).Round(time.Millisecond), table.String())
}
