package store

import (
	"slices"
	"strings"
	"testing"

	"sitepro/domain"
)

// The agencies a wizard's agency step lists are exactly those its save accepts, for both
// wizards, whatever the agencies' cities and configured posts.
func TestAgencyStepListsWhatItsSaveAccepts(t *testing.T) {
	f := newCEFixture(t)
	agC, _ := f.s.PutAgency(domain.Agency{Name: "郑州第二中心", CityCode: "410100"})
	agD, _ := f.s.PutAgency(domain.Agency{Name: "郑州第三中心", CityCode: "410100"})
	_ = f.s.SetAgencyPosts(agC.ID, []string{"111"})        // not the certificate's post (101)
	_ = f.s.SetAgencyPosts(agD.ID, []string{"111", "101"}) // configured, with it
	all := []domain.Agency{f.agA, f.agB, agC, agD}
	ids := func(ags []domain.Agency) []string {
		var out []string
		for _, ag := range ags {
			out = append(out, ag.ID)
		}
		return out
	}

	// 继续教育: the agencies of the city that train the certificate's post.
	e, _ := f.s.StartEnrolment(f.u, t0)
	for _, st := range []domain.EnrolStepInput{{Step: domain.CEStepCert, Cert: f.cert.Number}, {Step: domain.CEStepPost, Confirmed: true},
		{Step: domain.CEStepAgency, City: "410100", CityOnly: true}} {
		var err error
		if e, err = f.s.SaveEnrolStep(f.u, e.ID, st, t0); err != nil {
			t.Fatal(err)
		}
	}
	listed, err := f.s.EligibleAgencies(e.AgencyFor())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ids(listed), []string{f.agA.ID, agD.ID}; !slices.Equal(sorted(got), sorted(want)) {
		t.Fatalf("CE list %v, want %v", got, want)
	}
	for _, ag := range all {
		_, err := f.s.SaveEnrolStep(f.u, e.ID, domain.EnrolStepInput{Step: domain.CEStepAgency, City: "410100", Agency: ag.ID}, t0)
		if saved, shown := err == nil, slices.Contains(ids(listed), ag.ID); saved != shown {
			t.Errorf("CE: %s listed %v but saved %v (%v)", ag.Name, shown, saved, err)
		}
	}

	// 新取证: every agency of the city, whatever posts it trains in continuing education.
	u, _ := f.s.AgreeNotice(f.other.ID, domain.NoticeVersion, t0)
	a, _ := f.s.StartApplication(u, t0)
	for _, st := range []domain.StepInput{{Step: domain.StepEmployment, Employment: "待业"}, {Step: domain.StepCity, City: "410100"}} {
		if a, err = f.s.SaveStep(u.ID, a.ID, st, t0); err != nil {
			t.Fatal(err)
		}
	}
	if listed, err = f.s.EligibleAgencies(a.AgencyFor()); err != nil {
		t.Fatal(err)
	}
	if got, want := ids(listed), []string{f.agA.ID, agC.ID, agD.ID}; !slices.Equal(sorted(got), sorted(want)) {
		t.Fatalf("new-certificate list %v, want %v", got, want)
	}
	for _, ag := range all {
		_, err := f.s.SaveStep(u.ID, a.ID, domain.StepInput{Step: domain.StepAgency, Info: domain.AppInfoInput{AgencyID: ag.ID,
			Phone: "13812345678", Profile: domain.ProfileInput{Education: "大学本科"}}}, t0)
		if saved, shown := err == nil, slices.Contains(ids(listed), ag.ID); saved != shown {
			t.Errorf("new certificate: %s listed %v but saved %v (%v)", ag.Name, shown, saved, err)
		}
	}
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

// Step 4 (专业及岗位) of 新取证 lists the enabled posts the chosen agency trains for 新取证,
// and its save accepts exactly those: an agency configured for 101 only refuses 102.
func TestPostStepListsWhatItsSaveAccepts(t *testing.T) {
	f := newCEFixture(t)
	admin := domain.User{ID: "admin-1", Role: domain.RoleAdmin, Username: "admin"}
	in := agencyInput("郑州新取证中心", creditB) // 新取证: 101 only
	ag, err := f.s.CreateAgency(admin, in, t0)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := f.s.AgreeNotice(f.other.ID, domain.NoticeVersion, t0)
	a, _ := f.s.StartApplication(u, t0)
	for _, st := range []domain.StepInput{{Step: domain.StepEmployment, Employment: "待业"}, {Step: domain.StepCity, City: "410100"},
		{Step: domain.StepAgency, Info: domain.AppInfoInput{AgencyID: ag.ID, Phone: "13812345678", Profile: domain.ProfileInput{Education: "大学本科"}}}} {
		if a, err = f.s.SaveStep(u.ID, a.ID, st, t0); err != nil {
			t.Fatal(err)
		}
	}
	listed, err := f.s.AppPostChoices(ag.ID)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, p := range listed {
		codes = append(codes, p.Code)
	}
	if !slices.Equal(codes, []string{"101"}) {
		t.Fatalf("listed %v, want [101]", codes)
	}
	tried := 0
	for _, p := range domain.DefaultPosts() {
		_, err := f.s.SaveStep(u.ID, a.ID, domain.StepInput{Step: domain.StepPost, Post: p.Code}, t0)
		tried++
		if saved, shown := err == nil, slices.Contains(codes, p.Code); saved != shown {
			t.Errorf("post %s (%s): listed %v but saved %v (%v)", p.Code, p.Label(), shown, saved, err)
		}
	}
	if tried < 2 {
		t.Fatal("catalog too small to test")
	}
	// An agency that trains nothing for 新取证 says so instead of "choose a post".
	in.AppPosts = nil
	if _, err := f.s.UpdateAgency(admin, ag.ID, revOf(t, f.s, ag.ID), in, t0); err != nil {
		t.Fatal(err)
	}
	_, err = f.s.SaveStep(u.ID, a.ID, domain.StepInput{Step: domain.StepPost, Post: "101"}, t0)
	if fe, ok := err.(domain.FieldErrors); !ok || !strings.Contains(fe["post"], "另选培训机构") {
		t.Fatalf("agency without posts: %v", err)
	}
}
