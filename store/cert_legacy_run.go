package store

import (
	"context"
	"errors"
	"hash/maphash"
	"sort"
	"strconv"
	"time"

	"sitepro/domain"
)

// TableReader streams the rows of an uploaded table (export.StreamTable, wired by the
// handlers): fn gets each row's number (the header is 1) and cells, valid only during the
// call. Errors the user can fix carry a Chinese message (domain.MessageOf shows it).
type TableReader func(name string, data []byte, fn func(row int, cells []string) error) error

// errStopped ends a run when its context is done (shutdown); the job stays as it is and
// is resumed later.
var errStopped = errors.New("legacy import stopped")

// legacyCheckBatch is how many good lines are checked against the store per read.
const legacyCheckBatch = 1000

// RunLegacyImport takes an unfinished import job to its end from whatever state it is in
// (see the steps at the top of cert_legacy.go): checking streams the whole file and either
// rejects it or turns it to writing; writing continues after the cursor; rollback deletes
// what was added. Memory is bounded: one batch of lines, the report's first errors and a
// 64-bit hash per certificate number (to find a number used twice in the file; two
// different numbers with the same hash, a chance of about 1 in 10^9 for 200,000 numbers,
// would be reported as a duplicate and the file refused, never imported wrongly). When
// ctx ends the run stops between batches and the job resumes on the next run.
func (s *Store) RunLegacyImport(ctx context.Context, id string, read TableReader, now func() time.Time) (domain.LegacyImport, error) {
	j, cursor, err := s.LegacyImport(id)
	if err != nil {
		return j, err
	}
	if j.State == domain.LegacyChecking {
		if j, err = s.checkLegacyFile(ctx, j, read, now); err != nil || j.State != domain.LegacyWriting {
			return j, err
		}
	}
	if j.State == domain.LegacyWriting {
		if j, err = s.writeLegacyFile(ctx, j, cursor, read, now); err != nil || j.State != domain.LegacyRollback {
			return j, err
		}
	}
	if j.State == domain.LegacyRollback {
		return s.rollbackLegacy(ctx, j, now)
	}
	return j, nil
}

// legacyReport collects the line errors of a check, keeping the first ones by line.
type legacyReport struct {
	errs  []domain.LineError
	count int
}

func (r *legacyReport) add(e ...domain.LineError) {
	r.errs = append(r.errs, e...)
	r.count += len(e)
	if len(r.errs) > 2*domain.MaxLegacyReportErrors {
		r.trim()
	}
}

func (r *legacyReport) trim() []domain.LineError {
	sort.SliceStable(r.errs, func(i, k int) bool { return r.errs[i].Line < r.errs[k].Line })
	if len(r.errs) > domain.MaxLegacyReportErrors {
		r.errs = r.errs[:domain.MaxLegacyReportErrors]
	}
	return r.errs
}

// legacyCheck is the state of step 2 while the file streams by: the header's columns,
// the current batch of good lines, the report and the set of numbers seen.
type legacyCheck struct {
	s       *Store
	ctx     context.Context
	j       domain.LegacyImport
	now     func() time.Time
	today   time.Time
	cols    domain.LegacyColumns
	header  bool
	rep     legacyReport
	batch   []domain.LegacyCert
	seen    map[uint64]int32
	seed    maphash.Seed
	lines   int
	checked int
}

// checkLegacyFile is step 2: parse and check every line, write nothing but progress.
func (s *Store) checkLegacyFile(ctx context.Context, j domain.LegacyImport, read TableReader, now func() time.Time) (domain.LegacyImport, error) {
	data, err := s.LegacyImportFile(j.ID)
	if err == errNotFound { // cannot happen with the steps above; never block later imports
		return s.RejectLegacyImport(j.ID, "上传的文件已不在系统中，请重新上传", nil, 0, 0, now())
	}
	if err != nil {
		return j, err
	}
	x := &legacyCheck{s: s, ctx: ctx, j: j, now: now, today: now(), seen: map[uint64]int32{}, seed: maphash.MakeSeed()}
	err = read(j.FileName, data, x.row)
	if err == nil && len(x.batch) > 0 {
		err = x.flush()
	}
	problem := ""
	switch {
	case errors.Is(err, errStopped):
		return j, nil
	case err != nil && domain.CodeOf(err) == domain.CodeInvalid:
		problem = domain.MessageOf(err) // unreadable file or wrong columns
	case err != nil:
		return j, err
	case !x.header:
		problem = "文件是空的。第一行应为表头：" + joinHeader()
	case x.lines == 0:
		problem = "文件中只有表头，没有证书"
	}
	if problem != "" || x.rep.count > 0 {
		return s.RejectLegacyImport(j.ID, problem, x.rep.trim(), x.rep.count, x.lines, now())
	}
	if err := s.BeginLegacyWrite(j.ID, x.lines, now()); err != nil {
		return j, err
	}
	j, _, err = s.LegacyImport(j.ID)
	return j, err
}

// row takes one row of the file: the header, or a line to parse, to look for in the set
// of numbers seen, and to check with the store in the next batch.
func (x *legacyCheck) row(row int, cells []string) error {
	if row == 1 {
		var err error
		x.cols, err = domain.ParseLegacyHeader(cells)
		x.header = true
		return err
	}
	c, msgs, ok := domain.ParseLegacyLine(row, cells, x.cols, x.today)
	if !ok {
		return nil
	}
	x.lines++
	if c.Number != "" {
		h := maphash.String(x.seed, c.Number)
		if first, dup := x.seen[h]; dup {
			msgs = append(msgs, "证书编号与第"+strconv.Itoa(int(first))+"行重复（同一文件中每个证书编号只能出现一次）")
		} else {
			x.seen[h] = int32(row)
		}
	}
	if len(msgs) > 0 {
		for _, m := range msgs {
			x.rep.add(domain.LineError{Line: row, Message: m})
		}
		x.checked++
		return nil
	}
	if x.batch = append(x.batch, c); len(x.batch) < legacyCheckBatch {
		return nil
	}
	if x.ctx.Err() != nil {
		return errStopped
	}
	return x.flush()
}

// flush checks the batch against the store and records the progress.
func (x *legacyCheck) flush() error {
	errs, err := x.s.CheckLegacyCerts(x.batch)
	if err != nil {
		return err
	}
	x.rep.add(errs...)
	x.checked, x.batch = x.checked+len(x.batch), x.batch[:0]
	return x.s.LegacyCheckProgress(x.j.ID, x.lines, x.checked, x.rep.count, x.now())
}

func joinHeader() string {
	out := ""
	for i, h := range domain.LegacyHeader {
		if i > 0 {
			out += "、"
		}
		out += h
	}
	return out
}

// legacyWrite is the state of step 3 while the file streams by a second time.
type legacyWrite struct {
	s       *Store
	ctx     context.Context
	j       domain.LegacyImport
	now     func() time.Time
	today   time.Time
	cursor  int // rows up to here were written before (a resumed job)
	cols    domain.LegacyColumns
	batch   []domain.LegacyCert
	refused []domain.LineError
}

// writeLegacyFile is step 3: write the checked lines after the cursor in batches, then
// finish; a refused batch turns the job to rollback.
func (s *Store) writeLegacyFile(ctx context.Context, j domain.LegacyImport, cursor int, read TableReader, now func() time.Time) (domain.LegacyImport, error) {
	data, err := s.LegacyImportFile(j.ID)
	if err != nil {
		return j, err
	}
	x := &legacyWrite{s: s, ctx: ctx, j: j, now: now, today: now(), cursor: cursor, batch: make([]domain.LegacyCert, 0, LegacyBatchSize)}
	err = read(j.FileName, data, x.row)
	if err == nil && len(x.batch) > 0 {
		err = x.flush()
	}
	switch {
	case errors.Is(err, errStopped):
		return j, nil
	case errors.Is(err, errBatchRefused):
		if err := s.BeginLegacyRollback(j.ID, x.refused, now()); err != nil {
			return j, err
		}
		j.State = domain.LegacyRollback
		return j, nil
	case err != nil:
		return j, err
	}
	return s.FinishLegacyImport(j.ID, now())
}

func (x *legacyWrite) row(row int, cells []string) error {
	if row == 1 {
		var err error
		x.cols, err = domain.ParseLegacyHeader(cells)
		return err
	}
	if row <= x.cursor {
		return nil
	}
	c, msgs, ok := domain.ParseLegacyLine(row, cells, x.cols, x.today)
	if !ok {
		return nil
	}
	if len(msgs) > 0 { // the file was checked: only a clock set back can do this
		x.refused = []domain.LineError{{Line: row, Message: msgs[0]}}
		return errBatchRefused
	}
	if x.batch = append(x.batch, c); len(x.batch) == LegacyBatchSize {
		return x.flush()
	}
	return nil
}

// flush writes the batch; a line the store refuses stops the run for the rollback.
func (x *legacyWrite) flush() error {
	if x.ctx.Err() != nil {
		return errStopped
	}
	errs, err := x.s.WriteLegacyBatch(x.j.ID, x.batch, x.now())
	if err == nil && len(errs) > 0 {
		x.refused = errs
		return errBatchRefused
	}
	x.batch = x.batch[:0]
	return err
}

// rollbackLegacy undoes a job that was refused while writing, then ends it rejected.
func (s *Store) rollbackLegacy(ctx context.Context, j domain.LegacyImport, now func() time.Time) (domain.LegacyImport, error) {
	for {
		if ctx.Err() != nil {
			return j, nil
		}
		done, err := s.RollbackLegacyStep(j.ID, now())
		if err != nil {
			return j, err
		}
		if done {
			break
		}
	}
	cur, _, err := s.LegacyImport(j.ID)
	if err != nil {
		return j, err
	}
	return s.RejectLegacyImport(j.ID, "导入过程中发现证书编号已被占用（检查之后有人发放或导入了同一编号），已撤销本次导入的全部证书，什么也没有改变。请核对后重新导入",
		cur.Errors, cur.ErrorCount, cur.Lines, now())
}
