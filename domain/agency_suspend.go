package domain

// What a trainee who already chose an agency is told when the admin suspends it (issue
// 12): a record that is still to be submitted (a draft, or returned for changes) must
// choose another agency at step 3 before it can be submitted; one the agency already has
// stays with it. The records' detail pages and the mail say the same words.

// MustChooseAgencyAgain reports whether the application, with its agency ag, cannot be
// submitted until another agency is chosen.
func (a Application) MustChooseAgencyAgain(ag Agency) bool {
	return ag.Suspended && (a.Status == AppDraft || a.Status == AppReturned)
}

// MustChooseAgencyAgain reports the same for an enrolment.
func (e Enrolment) MustChooseAgencyAgain(ag Agency) bool {
	return ag.Suspended && (e.Status == EnrolDraft || e.Status == EnrolReturned)
}

// SuspendedAgencyAdvice is what the trainee is told about a record whose agency ag is
// suspended; mustChoose is the record's MustChooseAgencyAgain.
func SuspendedAgencyAdvice(ag Agency, mustChoose bool) string {
	if mustChoose {
		return "您选择的培训机构“" + ag.Name + "”已暂停接受报名。请在第3步另选一家培训机构，然后再提交；已填写的其他内容都会保留。"
	}
	advice := "您选择的培训机构“" + ag.Name + "”已暂停接受新的报名。您已提交的这份报名仍由它继续办理，无需任何操作。"
	if ag.Phone != "" {
		advice += "如有疑问，请联系该机构（电话 " + ag.Phone + "）。"
	}
	return advice
}
