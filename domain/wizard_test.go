package domain

import (
	"slices"
	"testing"
)

// The slugs are in URLs and in kept typed values, and the step numbers in upload records:
// drafts in existing data directories depend on both.
func TestStepNamesAreStable(t *testing.T) {
	var slugs []string
	for _, s := range AppSteps() {
		slugs = append(slugs, s.Slug())
		if got, ok := StepBySlug(s.Slug()); !ok || got != s {
			t.Errorf("StepBySlug(%q) = %v, %v", s.Slug(), got, ok)
		}
	}
	want := []string{"employment", "city", "agency", "post", "resume", "pledge", "id-front", "id-back", "diploma"}
	if !slices.Equal(slugs, want) {
		t.Fatalf("slugs %v, want %v", slugs, want)
	}
	if StepIDFront != 6 || StepIDBack != 7 || StepDiploma != 8 || !StepDiploma.Last() || StepPledge.IsDocument() {
		t.Fatal("document steps renumbered")
	}
	var ce []string
	for _, s := range CESteps() {
		ce = append(ce, s.Slug())
	}
	if !slices.Equal(ce, []string{"cert", "post", "agency", "resume"}) || !CEStepResume.Last() {
		t.Fatalf("CE slugs %v", ce)
	}
	if _, ok := StepBySlug("nope"); ok {
		t.Fatal("unknown slug found")
	}
	if _, ok := CEStepBySlug(""); ok {
		t.Fatal("empty CE slug found")
	}
}

func TestApplyStepRefusesUploadSteps(t *testing.T) {
	var a Application
	if err := a.ApplyStep(StepInput{Step: StepIDFront}, StepRef{}); CodeOf(err) != CodeNotFound {
		t.Fatalf("upload step as a form: %v", err)
	}
	if err := a.ApplyStep(StepInput{Step: StepEmployment, Employment: EmploymentStatuses()[0]}, StepRef{}); err != nil || !a.Done(StepEmployment) {
		t.Fatalf("employment: %v", err)
	}
}
