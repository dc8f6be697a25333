package demo

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"time"

	"sitepro/domain"
	"sitepro/store"
)

// legacyFileName is the name under which the admin's 历史证书导入 lists the demo's file.
const legacyFileName = "演示数据-历史证书.csv"

// importLegacy brings the demo trainee's certificates from before the system in through
// 历史证书导入, as the admin does with a province file: a small CSV in the template's
// columns, started and run as an import job, which attaches both to the registered
// trainee at once. One expired 安全员 certificate of 2016 and the current 施工员 one of
// 2021 (CertNumber), on which the continuing-education demo runs.
func importLegacy(st *store.Store, admin domain.User, ag domain.Agency, employer string, now time.Time) error {
	const issuer = "河南省住房和城乡建设厅"
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(domain.LegacyHeader)
	_ = w.WriteAll([][]string{
		{"豫建安C(2016)0012345", TraineeName, TraineeID, "安全员", issuer, "2016-05-20", "2019-05-19", ag.Name, employer},
		{CertNumber, TraineeName, TraineeID, "施工员（土建施工）", issuer, "2021-09-15", "长期", ag.Name, employer},
	})
	if err := w.Error(); err != nil {
		return err
	}
	j, err := st.StartLegacyImport(admin, legacyFileName, b.Bytes(), now)
	if err != nil {
		return err
	}
	j, err = st.RunLegacyImport(context.Background(), j.ID, readCSV, func() time.Time { return now })
	if err != nil {
		return err
	}
	if j.State != domain.LegacyDone || j.Attached != 2 {
		return fmt.Errorf("demo legacy import ended %s (%d attached): %s %+v", j.State, j.Attached, j.Problem, j.Errors)
	}
	return nil
}

// readCSV is the store's TableReader for the demo's own small CSV file (the admin's
// uploads go through the export package's reader, which also reads .xlsx).
func readCSV(_ string, data []byte, fn func(int, []string) error) error {
	r := csv.NewReader(bytes.NewReader(data))
	for row := 1; ; row++ {
		cells, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(row, cells); err != nil {
			return err
		}
	}
}
