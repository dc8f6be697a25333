package handlers

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/export"
	"sitepro/views"
)

// 历史证书导入 (issue 12): the admin uploads a province's existing certificates; the
// store runs the import as a crash-safe job (store/cert_legacy*.go) in the background and
// the job's page shows its progress, reloading itself, then the result or every line's
// error.

func (s *Server) legacyRoutes() []Route {
	get, post := fiber.MethodGet, fiber.MethodPost
	return []Route{
		{get, "/admin/certificates/import", Admin, s.legacyPage},
		{post, "/admin/certificates/import", Admin, s.legacyUpload},
		{get, "/admin/certificates/import/template.xlsx", Admin, s.legacyTemplate},
		{get, "/admin/certificates/import/template.csv", Admin, s.legacyTemplate},
		{get, "/admin/certificates/import/:id", Admin, s.legacyJobPage},
	}
}

// maxLegacyFile is the largest import file: what the server's body limit leaves after
// the form's overhead. A 200,000-line .xlsx fits; a CSV that size does not (the page
// says so), and can be split or saved as .xlsx.
const maxLegacyFile = 12<<20 - 64<<10

// legacyRunner makes sure that this process runs at most one import job at a time; the
// store allows at most one unfinished job, so together a job never runs twice.
type legacyRunner struct {
	mu      sync.Mutex
	running bool
}

func (s *Server) legacyPage(c *fiber.Ctx) error {
	return s.showLegacyPage(c, fiber.StatusOK, "")
}

func (s *Server) showLegacyPage(c *fiber.Ctx, status int, msg string) error {
	m := views.LegacyImportModel{Error: msg}
	active, err := s.d.Store.ActiveLegacyImport()
	switch {
	case err == nil:
		m.Active = active
		s.runLegacy(active.ID) // resumes a job a restart interrupted
	case domain.CodeOf(err) != domain.CodeNotFound:
		return err
	}
	if m.Recent, err = s.d.Store.RecentLegacyImports(20); err != nil {
		return err
	}
	return render(c, status, views.AdminLegacyImport(s.page(c, "历史证书导入"), m))
}

// legacyUpload stores the file as a new job, starts it and shows its progress.
func (s *Server) legacyUpload(c *fiber.Ctx) error {
	name, data, msg := readTableUpload(c, maxLegacyFile)
	if ext := strings.ToLower(filepath.Ext(name)); msg == "" && ext != ".xlsx" && ext != ".csv" {
		msg = domain.MessageOf(readTable(name, nil, nil)) // the reader's words for other files
	}
	if msg != "" {
		return s.showLegacyPage(c, fiber.StatusUnprocessableEntity, msg)
	}
	j, err := s.d.Store.StartLegacyImport(*currentUser(c), legacyFileName(name), data, s.d.Now())
	if domain.CodeOf(err) == domain.CodeConflict {
		return s.showLegacyPage(c, fiber.StatusConflict, domain.MessageOf(err))
	}
	if err != nil {
		return err
	}
	s.runLegacy(j.ID)
	return redirect(c, "/admin/certificates/import/"+j.ID)
}

// legacyFileName is the uploaded file's name as shown and audited: its base name, one
// line, at most 80 characters, keeping the extension that chooses the reader.
func legacyFileName(name string) string {
	ext := strings.ToLower(filepath.Ext(name))
	base, err := domain.CleanText(strings.TrimSuffix(filepath.Base(strings.ReplaceAll(name, `\`, "/")), filepath.Ext(name)), "文件名", 80, true)
	if err != nil {
		base = "导入文件"
	}
	return base + ext
}

func (s *Server) legacyJobPage(c *fiber.Ctx) error {
	j, _, err := s.d.Store.LegacyImport(c.Params("id"))
	if err != nil {
		return err
	}
	p := s.page(c, "历史证书导入")
	if !j.State.Finished() {
		s.runLegacy(j.ID)
	}
	return render(c, fiber.StatusOK, views.AdminLegacyJob(p, views.LegacyJobModel{Job: j}))
}

// legacyTemplate is the empty import file with its header row, as Excel or CSV.
func (s *Server) legacyTemplate(c *fiber.Ctx) error {
	t := export.Table{Header: domain.LegacyHeader}
	return sendTable(c, "历史证书导入模板", "历史证书", strings.HasSuffix(c.Path(), ".xlsx"), t)
}

// runLegacy runs an unfinished job in the background unless this process already runs
// one. The run stops between batches when the server shuts down; the job then resumes
// when it is next started here (at startup or when an admin opens the import pages).
func (s *Server) runLegacy(jobID string) {
	s.legacy.mu.Lock()
	defer s.legacy.mu.Unlock()
	if s.legacy.running {
		return
	}
	s.legacy.running = true
	go s.legacyLoop(jobID)
}

// legacyLoop runs the job, then any job uploaded meanwhile: an upload whose runLegacy
// found this loop still busy is picked up here, because the loop looks for the next job
// under the same lock with which it clears its flag.
func (s *Server) legacyLoop(jobID string) {
	defer func() {
		if p := recover(); p != nil { // a bug must not take the server down; the job stays resumable
			s.d.Log.Error("legacy certificate import panicked", "job", jobID, "panic", fmt.Sprint(p))
			s.legacy.mu.Lock()
			s.legacy.running = false
			s.legacy.mu.Unlock()
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if s.d.Done != nil {
		go func() {
			select {
			case <-s.d.Done:
				cancel()
			case <-ctx.Done():
			}
		}()
	}
	for {
		if _, err := s.d.Store.RunLegacyImport(ctx, jobID, readTable, s.d.Now); err != nil {
			s.d.Log.Error("legacy certificate import", "job", jobID, "err", err.Error())
		}
		s.legacy.mu.Lock()
		next, err := s.d.Store.ActiveLegacyImport()
		if ctx.Err() != nil || err != nil || next.ID == jobID { // none, shutting down, or this one failed: retried on the next page view
			s.legacy.running = false
			s.legacy.mu.Unlock()
			return
		}
		s.legacy.mu.Unlock()
		jobID = next.ID
	}
}

// resumeLegacyImport restarts an import that the previous run of the server left
// unfinished.
func (s *Server) resumeLegacyImport() {
	if j, err := s.d.Store.ActiveLegacyImport(); err == nil {
		s.runLegacy(j.ID)
	}
}

// readTable is the store's TableReader: the export package's streaming reader, with
// its user-fixable errors as domain errors (their Chinese message becomes the report).
func readTable(name string, data []byte, fn func(int, []string) error) error {
	err := export.StreamTable(name, data, fn)
	var re *export.ReadError
	if errors.As(err, &re) {
		return domain.Err(domain.CodeInvalid, re.Message)
	}
	return err
}
