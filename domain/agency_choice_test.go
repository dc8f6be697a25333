package domain

import (
	"slices"
	"testing"
)

func TestAgencyEligibility(t *testing.T) {
	zz := AgencyOffer{Agency: Agency{ID: "zz", Name: "郑州中心", CityCode: "410100"}} // trains every enabled post
	zz111 := AgencyOffer{Agency: Agency{ID: "zz111", Name: "郑州二中心", CityCode: "410100"}, CEPosts: CEPosts{Codes: []string{"111"}, Configured: true}}
	zzNone := AgencyOffer{Agency: Agency{ID: "zz0", Name: "郑州三中心", CityCode: "410100"}, CEPosts: CEPosts{Configured: true}} // configured, none
	ly := AgencyOffer{Agency: Agency{ID: "ly", Name: "洛阳中心", CityCode: "410300"}}
	zzOff := AgencyOffer{Agency: Agency{ID: "zzoff", Name: "郑州暂停中心", CityCode: "410100", Suspended: true}} // suspended: offered nowhere
	all := []AgencyOffer{zz, zz111, zzNone, ly, zzOff}

	for _, tc := range []struct {
		name string
		f    AgencyFor
		want []string
	}{
		{"new certificate: the city's agencies", Application{CityCode: "410100"}.AgencyFor(), []string{"zz", "zz111", "zz0"}},
		{"new certificate: another city", Application{CityCode: "410300"}.AgencyFor(), []string{"ly"}},
		{"new certificate: no city yet", Application{}.AgencyFor(), nil},
		{"CE: the city's agencies training 101", Enrolment{CityCode: "410100", PostCode: "101"}.AgencyFor(), []string{"zz"}},
		{"CE: training 111", Enrolment{CityCode: "410100", PostCode: "111"}.AgencyFor(), []string{"zz", "zz111"}},
		{"CE: an unknown post", Enrolment{CityCode: "410100", PostCode: "999"}.AgencyFor(), nil},
		{"CE: another city", Enrolment{CityCode: "410300", PostCode: "101"}.AgencyFor(), []string{"ly"}},
	} {
		var got []string
		for _, ag := range EligibleAgencies(all, tc.f) {
			got = append(got, ag.ID)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
		// The save checks each agency by the same rule: it accepts exactly the listed ones.
		for _, o := range all {
			var err error
			if tc.f.CE {
				e := Enrolment{CityCode: tc.f.City, PostCode: tc.f.Post}
				err = e.SetAgency(o, true)
			} else {
				a := Application{CityCode: tc.f.City, Employment: EmploymentUnemployed}
				err = a.SetAgencyInfo(AppInfoInput{AgencyID: o.ID, Phone: "13812345678", Profile: ProfileInput{Education: "大学本科"}}, o.Agency, true, day(1990, 3, 7), appNow)
			}
			if saved, listed := err == nil, slices.Contains(tc.want, o.ID); saved != listed {
				t.Errorf("%s: %s listed %v, saved %v (%v)", tc.name, o.ID, listed, saved, err)
			}
		}
	}

	f := AgencyFor{City: "410100", CE: true, Post: "101"}
	for _, tc := range []struct {
		o     AgencyOffer
		found bool
		want  AgencyRefusal
	}{{zz, true, AgencyEligible}, {zz, false, AgencyNotFound}, {ly, true, AgencyOtherCity}, {zz111, true, AgencyNotTrained}, {zzNone, true, AgencyNotTrained}, {zzOff, true, AgencySuspended}} {
		if got := f.Check(tc.o, tc.found); got != tc.want {
			t.Errorf("Check(%s, %v) = %d, want %d", tc.o.ID, tc.found, got, tc.want)
		}
	}
	if !(CEPosts{}).Trains("101") || (CEPosts{}).Trains("999") || !(CEPosts{Codes: []string{"110"}, Configured: true}).Trains("110") {
		t.Error("CEPosts.Trains")
	}
}
