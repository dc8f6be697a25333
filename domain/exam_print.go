package domain

// ExamSheet is an exam-day print-out of a session, one room per A4 page.
type ExamSheet string

// The exam-day print-outs.
const (
	SheetSignIn ExamSheet = "signin" // 考场签到表: seat, photo, name, ticket number, a signature per subject
	SheetDoor   ExamSheet = "door"   // 门贴: the room's candidate list for the door
	SheetPlan   ExamSheet = "plan"   // 座位表: the room's seats as a grid
)

var examSheets = vocab[ExamSheet]{{SheetSignIn, "考场签到表"}, {SheetDoor, "门贴"}, {SheetPlan, "座位表"}}

// Label is the print-out's title.
func (s ExamSheet) Label() string { return examSheets.label(s) }

// ExamSheets lists the print-outs in the order the session page offers them.
func ExamSheets() []ExamSheet { return examSheets.codes() }

// ParseExamSheet reads a print-out from a URL segment (its code only).
func ParseExamSheet(s string) (ExamSheet, bool) {
	for _, c := range examSheets.codes() {
		if string(c) == s {
			return c, true
		}
	}
	return "", false
}
