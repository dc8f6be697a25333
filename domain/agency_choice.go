package domain

import "slices"

// Which agencies a trainee may choose (DOMAIN.md §4 step 3, §6 step ③): one rule, used
// both to list the agencies on the page and to check the agency when the step is saved,
// so that the two can never disagree.

// CEPosts are the posts an agency trains in continuing education as the province
// configured them. The zero value (not configured) means every enabled post of the catalog.
type CEPosts struct {
	Codes      []string
	Configured bool
}

// Trains reports whether the agency trains the post in continuing education.
func (p CEPosts) Trains(postCode string) bool {
	if p.Configured {
		for _, c := range p.Codes {
			if c == postCode {
				return true
			}
		}
		return false
	}
	post, ok := PostByCode(postCode)
	return ok && post.Enabled
}

// AgencyOffer is an agency as a trainee chooses it: the agency and the posts it trains in
// continuing education.
type AgencyOffer struct {
	Agency
	CEPosts CEPosts
}

// AgencyFor is what a wizard's agency choice is for: an agency of City, and for a
// continuing-education enrolment (CE) one that trains the certificate's Post. A
// new-certificate application chooses its agency before its post, by city alone.
type AgencyFor struct {
	City string
	CE   bool
	Post string
}

// AgencyFor is the agency choice of step 3 (培训机构): the agencies of the chosen city.
func (a Application) AgencyFor() AgencyFor { return AgencyFor{City: a.CityCode} }

// AgencyFor is the agency choice of step 3 (省辖市和培训机构): the agencies of the chosen
// city that train the certificate's post.
func (e Enrolment) AgencyFor() AgencyFor {
	return AgencyFor{City: e.CityCode, CE: true, Post: e.PostCode}
}

// AgencyRefusal says why an agency may not be chosen; AgencyEligible means it may.
type AgencyRefusal int

// Why an agency may not be chosen.
const (
	AgencyEligible   AgencyRefusal = iota
	AgencyNotFound                 // no such agency
	AgencySuspended                // the admin suspended the agency
	AgencyOtherCity                // an agency of another city (or no city chosen yet)
	AgencyNotTrained               // continuing education: it does not train the post
)

// Check is the rule: found says whether the agency exists.
func (f AgencyFor) Check(o AgencyOffer, found bool) AgencyRefusal {
	switch {
	case !found || o.ID == "":
		return AgencyNotFound
	case o.Suspended:
		return AgencySuspended
	case f.City == "" || o.CityCode != f.City:
		return AgencyOtherCity
	case f.CE && !o.CEPosts.Trains(f.Post):
		return AgencyNotTrained
	}
	return AgencyEligible
}

// EligibleAgencies are the agencies of all that the choice f allows, in the order given.
func EligibleAgencies(all []AgencyOffer, f AgencyFor) []Agency {
	var out []Agency
	for _, o := range all {
		if f.Check(o, true) == AgencyEligible {
			out = append(out, o.Agency)
		}
	}
	return out
}

// AppPostChoices are the posts a 新取证 application may choose at step 4 (专业及岗位):
// the catalog's enabled posts that the chosen agency trains for 新取证. One rule lists
// them on the page and checks the step when it is saved (Application.SetPost).
func AppPostChoices(catalog []Post, agencyPosts CEPosts) []Post {
	var out []Post
	for _, p := range catalog {
		if p.Enabled && (!agencyPosts.Configured || slices.Contains(agencyPosts.Codes, p.Code)) {
			out = append(out, p)
		}
	}
	return out
}
