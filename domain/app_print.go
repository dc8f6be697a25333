package domain

// PrintOut is one of an application's A4 print-outs; its value is the URL segment.
type PrintOut string

// The print-outs, in the order the application page offers them.
const (
	PrintForm   PrintOut = "form"   // 报名表
	PrintPledge PrintOut = "pledge" // 个人承诺书
	PrintTicket PrintOut = "ticket" // 准考证
)

// ParsePrintOut reads a print-out from a URL segment.
func ParsePrintOut(s string) (PrintOut, bool) {
	switch p := PrintOut(s); p {
	case PrintForm, PrintPledge, PrintTicket:
		return p, true
	}
	return "", false
}

// Title is the document's name, also proposed as the file name when saving as PDF.
func (p PrintOut) Title() string {
	switch p {
	case PrintForm:
		return "报名表"
	case PrintPledge:
		return "个人承诺书"
	case PrintTicket:
		return "准考证"
	}
	return string(p)
}

// Why a print-out cannot be printed yet.
const (
	msgPrintDraft  = "这份报名还没有提交。提交报名后才能打印报名表和个人承诺书。"
	msgPrintTicket = "考试安排后才能打印准考证。培训机构确认报名、主管部门安排考试后，这里就可以打印，届时也会发邮件通知您。"
)

// CanPrint says whether the print-out exists now: the form and the pledge once the
// application has been submitted (they carry its number and verification QR), the
// admission ticket once an exam is scheduled. The error tells the trainee when it will.
func (a Application) CanPrint(p PrintOut) error {
	switch {
	case a.Status == AppDraft || a.VerifyToken == "":
		return Err(CodeConflict, msgPrintDraft)
	case p == PrintTicket && a.Exam == nil:
		return Err(CodeConflict, msgPrintTicket)
	}
	return nil
}

// PrintOuts lists the print-outs the application page offers now: exactly those that
// CanPrint allows, so a button never leads to "暂时不能打印".
func (a Application) PrintOuts() []PrintOut {
	var out []PrintOut
	for _, p := range []PrintOut{PrintForm, PrintPledge, PrintTicket} {
		if a.CanPrint(p) == nil {
			out = append(out, p)
		}
	}
	return out
}
